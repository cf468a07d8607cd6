// Network screens: the link chart (Cytoscape.js), the ring's routes (Leaflet, no tiles) and its
// timeline (Chart.js). Every library is served locally; the data comes from /api/v1/network/...
(function () {
  "use strict";

  function json(element, name, fallback) {
    try {
      return JSON.parse(element.dataset[name] || "");
    } catch (error) {
      return fallback;
    }
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(url + ": " + response.status);
    }
    return response.json();
  }

  // ---------------------------------------------------------------- link chart
  const KIND_COLOURS = {
    person: "#1b6ca8", phone: "#7b4fa0", email: "#7b4fa0", address: "#7b4fa0", card: "#b35c00",
    account: "#b35c00", agency: "#5d6d7e", vehicle: "#2e7d32", document: "#8d6e63",
    booking: "#c49000", trip: "#909090", crossing: "#909090",
  };
  const KIND_SHAPES = {
    person: "ellipse", booking: "round-rectangle", trip: "diamond", crossing: "diamond",
    card: "rectangle", account: "rectangle", phone: "triangle", email: "triangle",
    vehicle: "hexagon", document: "tag", agency: "octagon", address: "triangle",
  };

  function startChart(container) {
    if (typeof cytoscape === "undefined") {
      return;
    }
    const text = json(container, "text", {});
    const kindLabels = json(container, "kinds", {});
    const roleLabels = json(container, "roles", {});
    const ring = container.dataset.ring || "";
    const status = document.getElementById("chart-status");
    const kindsBox = document.getElementById("chart-kinds");
    const since = document.getElementById("chart-since");
    const until = document.getElementById("chart-until");
    const detail = document.getElementById("chart-detail-body");
    const actions = document.getElementById("chart-node-actions");
    const pin = document.getElementById("chart-pin");
    const hide = document.getElementById("chart-hide");
    const open = document.getElementById("chart-open");
    const expanded = new Set();
    let selected = null;
    let note = "";

    const cy = cytoscape({
      container: container,
      style: [
        { selector: "node", style: {
          label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 110,
          "background-color": "data(colour)", shape: "data(shape)", width: 22, height: 22,
          "text-valign": "bottom", "text-margin-y": 3, color: "#222",
        } },
        { selector: "node[?suspect]", style: { "border-width": 4, "border-color": "#b3261e", width: 30, height: 30 } },
        { selector: "node[?protected]", style: { "border-width": 4, "border-color": "#2e7d32", "border-style": "double" } },
        { selector: "node[?member]", style: { "font-weight": "bold" } },
        { selector: "node:locked", style: { "outline-width": 3, "outline-color": "#333", "outline-style": "dashed" } },
        { selector: "node:selected", style: { "overlay-opacity": 0.2, "overlay-color": "#1b6ca8" } },
        { selector: "edge", style: {
          width: "mapData(count, 1, 10, 1, 6)", "line-color": "#9aa5b1", "curve-style": "bezier",
          label: "", "font-size": 8,
        } },
        { selector: "edge[?intelligence]", style: { "line-style": "dashed", "line-color": "#7b4fa0" } },
        { selector: "edge:selected", style: { "line-color": "#1b6ca8", label: "data(kindLabel)" } },
        { selector: ".filtered, .hidden", style: { display: "none" } },
      ],
    });

    function nodeElement(node) {
      const role = node.role ? " · " + (roleLabels[node.role] || node.role) : "";
      return {
        group: "nodes",
        data: {
          id: String(node.id), kind: node.kind, key: node.key, name: node.label,
          label: node.label + role, role: node.role, suspect: !!node.suspect, protected: !!node.protected,
          member: node.member !== false && !!ring && ["trip", "crossing", "agency"].indexOf(node.kind) < 0,
          colour: KIND_COLOURS[node.kind] || "#555", shape: KIND_SHAPES[node.kind] || "ellipse",
        },
      };
    }

    function edgeElement(edge) {
      return {
        group: "edges",
        data: {
          id: edge.id, source: String(edge.source), target: String(edge.target), kind: edge.kind,
          kindLabel: kindLabels[edge.kind] || edge.kind, count: edge.count, weight: edge.weight,
          first_seen: edge.first_seen, last_seen: edge.last_seen, provenance: edge.provenance,
          intelligence: (edge.provenance || []).some(function (p) { return p.indexOf("intelligence:") === 0; }),
        },
      };
    }

    function add(graph, member) {
      const fresh = [];
      graph.nodes.forEach(function (node) {
        const existing = cy.getElementById(String(node.id));
        if (existing.length === 0) {
          const element = nodeElement(node);
          element.data.member = member && element.data.member;
          fresh.push(element);
        } else if (node.protected || node.suspect) {
          existing.data({ suspect: !!node.suspect && !existing.data("protected"), protected: !!node.protected || existing.data("protected") });
        }
      });
      graph.edges.forEach(function (edge) {
        if (cy.getElementById(edge.id).length === 0) {
          fresh.push(edgeElement(edge));
        }
      });
      return cy.add(fresh);
    }

    function checkedKinds() {
      return Array.prototype.slice.call(kindsBox.querySelectorAll("input:checked")).map(function (i) { return i.value; });
    }

    function refreshKinds() {
      const known = new Set(Array.prototype.slice.call(kindsBox.querySelectorAll("input")).map(function (i) { return i.value; }));
      const present = new Set(cy.edges().map(function (e) { return e.data("kind"); }));
      Array.from(present).sort().forEach(function (kind) {
        if (known.has(kind)) {
          return;
        }
        const id = "kind-" + kind;
        const label = document.createElement("label");
        label.htmlFor = id;
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.value = kind;
        box.checked = true;
        box.addEventListener("change", applyFilters);
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + (kindLabels[kind] || kind)));
        kindsBox.appendChild(label);
      });
    }

    function inWindow(edge) {
      const from = since.value ? Date.parse(since.value + "T00:00:00Z") : null;
      const to = until.value ? Date.parse(until.value + "T23:59:59Z") : null;
      const first = edge.data("first_seen") ? Date.parse(edge.data("first_seen")) : null;
      const last = edge.data("last_seen") ? Date.parse(edge.data("last_seen")) : null;
      if (from !== null && last !== null && last < from) {
        return false;
      }
      return !(to !== null && first !== null && first > to);
    }

    function applyFilters() {
      const kinds = new Set(checkedKinds());
      cy.batch(function () {
        cy.edges().forEach(function (edge) {
          edge.toggleClass("filtered", !kinds.has(edge.data("kind")) || !inWindow(edge));
        });
        // A node that is not a ring member stays only while a shown link ties it to the chart.
        cy.nodes().forEach(function (node) {
          const tied = node.connectedEdges().some(function (e) { return !e.hasClass("filtered"); });
          const anchor = node.data("member") || node.id() === container.dataset.center || expanded.has(node.id());
          node.toggleClass("filtered", !tied && !anchor);
        });
      });
      showCount();
    }

    // What the chart shows, from the classes, not from the rendered style (updated only at the
    // next frame): counted in the status line and sent by "export the chart as shown".
    function shown(node) { return !node.hasClass("filtered") && !node.hasClass("hidden"); }
    function shownEdges() {
      return cy.edges().filter(function (e) {
        return !e.hasClass("filtered") && shown(e.source()) && shown(e.target());
      });
    }

    function showCount() {
      const nodes = cy.nodes().filter(shown).length;
      const edges = shownEdges().length;
      status.textContent = nodes + " " + (text.nodes || "nodes") + ", " + edges + " " + (text.edges || "edges") + (note ? " — " + note : "");
      status.dataset.nodes = String(nodes);
      status.dataset.edges = String(edges);
    }

    function layout(fit) {
      cy.layout({ name: "cose", animate: false, fit: fit, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 70, padding: 20 }).run();
    }

    function row(term, value) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      if (Array.isArray(value)) {
        const list = document.createElement("ul");
        value.forEach(function (item) {
          const li = document.createElement("li");
          li.textContent = item;
          list.appendChild(li);
        });
        dd.appendChild(list);
      } else {
        dd.textContent = value === null || value === undefined ? "—" : String(value);
      }
      return [dt, dd];
    }

    function describe(title, rows) {
      detail.textContent = "";
      const heading = document.createElement("h4");
      heading.textContent = title;
      const list = document.createElement("dl");
      rows.forEach(function (r) { row(r[0], r[1]).forEach(function (el) { list.appendChild(el); }); });
      detail.appendChild(heading);
      detail.appendChild(list);
    }

    function day(value) {
      return value ? value.slice(0, 10) : null;
    }

    async function expand(node) {
      const params = new URLSearchParams();
      const kinds = checkedKinds();
      if (kindsBox.querySelectorAll("input").length && kinds.length) {
        params.set("kinds", kinds.join(","));
      }
      if (since.value) { params.set("since", since.value); }
      if (until.value) { params.set("until", until.value); }
      if (ring) { params.set("ring", ring); }
      try {
        const graph = await getJSON("/api/v1/network/nodes/" + node.id() + "/neighbourhood?" + params.toString());
        expanded.add(node.id());
        const added = add(graph, false);
        note = added.nodes().length + " " + (text.expanded || "added") + (graph.truncated ? " (" + (text.truncated || "truncated") + ")" : "");
        refreshKinds();
        applyFilters();
        if (added.length) {
          layout(false);
        }
      } catch (error) {
        note = text.failed || "failed";
        showCount();
      }
    }

    cy.on("tap", "node", function (event) {
      const node = event.target;
      selected = node;
      describe(node.data("name"), [
        [text.kind || "Kind", node.data("kind")],
        [text.key || "Key", node.data("key")],
        [text.role || "Role", node.data("role") ? (roleLabels[node.data("role")] || node.data("role")) : null],
      ]);
      actions.hidden = false;
      pin.textContent = node.locked() ? (text.unpin || "Unpin") : (text.pin || "Pin");
      open.href = "/network/nodes/" + node.id();
      if (!expanded.has(node.id())) {
        expand(node);
      }
    });

    cy.on("tap", "edge", function (event) {
      const edge = event.target;
      selected = null;
      actions.hidden = true;
      describe(text.why || "Why", [
        [text.kind || "Kind", edge.data("kindLabel")],
        [text.count || "Count", edge.data("count")],
        [text.first_seen || "First seen", day(edge.data("first_seen"))],
        [text.last_seen || "Last seen", day(edge.data("last_seen"))],
        [text.provenance || "Provenance", edge.data("provenance") || []],
      ]);
      detail.dataset.edge = edge.id();
    });

    pin.addEventListener("click", function () {
      if (!selected) { return; }
      if (selected.locked()) { selected.unlock(); } else { selected.lock(); }
      pin.textContent = selected.locked() ? (text.unpin || "Unpin") : (text.pin || "Pin");
    });
    hide.addEventListener("click", function () {
      if (!selected) { return; }
      selected.addClass("hidden");
      selected = null;
      actions.hidden = true;
      showCount();
    });
    document.getElementById("chart-unhide").addEventListener("click", function () {
      cy.nodes(".hidden").removeClass("hidden");
      showCount();
    });
    document.getElementById("chart-fit").addEventListener("click", function () { cy.fit(undefined, 20); });
    document.getElementById("chart-png").addEventListener("click", function () {
      const link = document.createElement("a");
      link.href = cy.png({ output: "base64uri", full: true, bg: "#ffffff", scale: 2 });
      link.download = (ring || "network-node-" + container.dataset.center) + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    const exportForm = document.getElementById("chart-export");
    if (exportForm) {
      exportForm.addEventListener("submit", function () {
        exportForm.elements.namedItem("nodes").value = cy.nodes().filter(shown).map(function (n) { return n.id(); }).join(",");
        exportForm.elements.namedItem("edges").value = shownEdges().map(function (e) { return e.id(); }).join(",");
      });
    }
    since.addEventListener("change", applyFilters);
    until.addEventListener("change", applyFilters);
    document.getElementById("chart-filters").addEventListener("submit", function (event) { event.preventDefault(); });

    getJSON(container.dataset.graphUrl).then(function (graph) {
      add(graph, true);
      if (container.dataset.center) {
        expanded.add(container.dataset.center);
        cy.getElementById(container.dataset.center).data("member", true);
      }
      refreshKinds();
      applyFilters();
      layout(true);
      container.dataset.ready = "true";
    }).catch(function () {
      note = text.failed || "failed";
      showCount();
    });
  }

  // ---------------------------------------------------------------- map
  async function startMap(element) {
    if (typeof L === "undefined") {
      return;
    }
    const data = json(element, "map", { points: [], legs: [] });
    // Leaflet needs a view before any layer is added; the ring's extent is set at the end.
    const view = L.map(element, { attributionControl: true, zoomSnap: 0.5 }).setView([30, 20], 2);
    try {
      const land = await getJSON("/api/v1/network/basemap");
      L.geoJSON(land, { style: { color: "#999", weight: 0.5, fillColor: "#e8e8e0", fillOpacity: 1 } }).addTo(view);
      view.attributionControl.addAttribution("Natural Earth");
    } catch (error) {
      // The routes still show on the plain background.
    }
    const where = {};
    const bounds = [];
    data.points.forEach(function (point) {
      where[point.code] = [point.latitude, point.longitude];
      bounds.push([point.latitude, point.longitude]);
      L.circleMarker([point.latitude, point.longitude], {
        radius: point.crossings ? 6 + Math.min(point.crossings, 10) : 5,
        color: point.crossings ? "#2e7d32" : "#1b6ca8", weight: 2, fillOpacity: 0.7,
      }).bindTooltip(point.code + " " + point.name + (point.crossings ? " (" + point.crossings + ")" : "")).addTo(view);
    });
    data.legs.forEach(function (leg) {
      L.polyline([where[leg.from], where[leg.to]], { color: "#c0392b", weight: 1.5 + Math.min(leg.flights, 8) })
        .bindTooltip(leg.from + " → " + leg.to + " (" + leg.flights + ")").addTo(view);
    });
    if (bounds.length > 1) {
      view.fitBounds(bounds, { padding: [30, 30] });
    } else if (bounds.length === 1) {
      view.setView(bounds[0], 5);
    }
  }

  // ---------------------------------------------------------------- timeline
  function startTimeline(canvas) {
    if (typeof Chart === "undefined") {
      return;
    }
    const events = json(canvas, "timeline", []);
    const names = json(canvas, "kinds", {});
    if (events.length === 0) {
      canvas.hidden = true;
      return;
    }
    const kinds = ["booking", "trip", "crossing"];
    const colours = { booking: "#c49000", trip: "#1b6ca8", crossing: "#2e7d32" };
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: kinds.map(function (kind) {
          return {
            label: names[kind] || kind,
            backgroundColor: colours[kind],
            pointRadius: 5,
            data: events.filter(function (e) { return e.kind === kind; }).map(function (e) {
              return { x: Date.parse(e.at), y: kinds.indexOf(kind), label: e.label };
            }),
          };
        }),
      },
      options: {
        animation: false,
        scales: {
          x: { ticks: { callback: function (value) { return new Date(value).toISOString().slice(0, 10); } } },
          y: { min: -1, max: kinds.length, ticks: { stepSize: 1, callback: function (value) { return names[kinds[value]] || kinds[value] || ""; } } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                return new Date(context.raw.x).toISOString().slice(0, 16).replace("T", " ") + " " + context.raw.label;
              },
            },
          },
        },
      },
    });
  }

  const chart = document.getElementById("link-chart");
  if (chart) { startChart(chart); }
  const map = document.getElementById("ring-map");
  if (map) { startMap(map); }
  const timeline = document.getElementById("ring-timeline");
  if (timeline) { startTimeline(timeline); }
})();
