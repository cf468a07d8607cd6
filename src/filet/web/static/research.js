// Researcher's dashboard: a monthly chart (Chart.js) and a route map (Leaflet, no tiles: the land
// outline is a bundled GeoJSON). Every figure comes from the disclosure-controlled API.
(function () {
  "use strict";

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }

  async function monthly() {
    const canvas = document.getElementById("research-monthly");
    if (!canvas || !window.Chart) return;
    const table = await getJSON("/api/v1/research/stats/crossings?by=month,decision");
    const series = {};
    for (const cell of table.cells) {
      const month = cell.dimensions.month;
      if (month === "Total" || month === "unknown") continue;
      const decision = cell.dimensions.decision;
      (series[decision] = series[decision] || {})[month] = cell.count;
    }
    const months = Object.keys(series.Total || {}).sort();
    const datasets = Object.keys(series).filter((d) => d === "Total" || d === "refused").map((d) => ({
      label: d === "Total" ? "crossings" : "refusals",
      data: months.map((m) => series[d][m]),
      spanGaps: false,
    }));
    new window.Chart(canvas, { type: "line", data: { labels: months, datasets: datasets } });
  }

  async function map() {
    const element = document.getElementById("research-map");
    if (!element || !window.L) return;
    const L = window.L;
    const view = L.map(element, { attributionControl: true }).setView([40, 15], 3);
    const land = await getJSON("/api/v1/research/basemap");
    L.geoJSON(land, { style: { color: "#999", weight: 0.5, fillColor: "#e8e8e0", fillOpacity: 1 } }).addTo(view);
    view.attributionControl.addAttribution("Natural Earth");
    const data = await getJSON("/api/v1/research/map");
    for (const route of data.routes) {
      L.polyline(route.line, { color: "#c0392b", weight: 3 }).bindTooltip(route.label).addTo(view);
    }
    for (const point of data.points) {
      const label = point.name + ": " + (point.crossings === null ? "suppressed" : point.crossings);
      L.circleMarker([point.latitude, point.longitude], {
        radius: 4 + Math.sqrt(point.crossings || 0) / 2, color: "#1f4e79",
      }).bindTooltip(label).addTo(view);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    monthly().catch(console.error);
    map().catch(console.error);
  });
})();
