// Person page: the travel history of the linked records on a timeline (Chart.js, served locally).
(function () {
  "use strict";
  const canvas = document.getElementById("identity-timeline");
  if (!canvas || typeof Chart === "undefined") {
    return;
  }
  const events = JSON.parse(canvas.dataset.travel || "[]");
  if (events.length === 0) {
    canvas.hidden = true;
    return;
  }
  const kinds = ["crossing", "flight"];
  const colours = { crossing: "#1b6ca8", flight: "#b35c00" };
  const datasets = kinds.map(function (kind) {
    return {
      label: kind,
      backgroundColor: colours[kind],
      pointRadius: 6,
      data: events
        .filter(function (e) { return e.kind === kind; })
        .map(function (e) { return { x: Date.parse(e.at), y: kinds.indexOf(kind), place: e.place, detail: e.detail }; }),
    };
  });
  new Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    options: {
      animation: false,
      scales: {
        x: { ticks: { callback: function (value) { return new Date(value).toISOString().slice(0, 10); } } },
        y: { min: -1, max: kinds.length, ticks: { stepSize: 1, callback: function (value) { return kinds[value] || ""; } } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: function (context) {
              const point = context.raw;
              return new Date(point.x).toISOString().slice(0, 16).replace("T", " ") + " " + point.place + " (" + point.detail + ")";
            },
          },
        },
      },
    },
  });
})();
