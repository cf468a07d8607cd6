// Charts of the fairness audit: selection rate and hit rate per group (data from the page).
(function () {
  "use strict";
  var holder = document.getElementById("risk-charts");
  if (!holder || typeof Chart === "undefined") { return; }
  var data = JSON.parse(holder.getAttribute("data-chart"));
  Object.keys(data).forEach(function (dimension) {
    var canvas = document.getElementById("chart-" + dimension);
    var series = data[dimension];
    if (!canvas || !series.labels.length) { return; }
    var percent = function (values) {
      return values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; });
    };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: "selection rate %", data: percent(series.selection) },
          { label: "hit rate %", data: percent(series.hit) }
        ]
      },
      options: { responsive: true, scales: { y: { beginAtZero: true, max: 100 } } }
    });
  });
})();
