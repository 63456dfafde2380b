// Draws a network with Cytoscape.js from /networks/<id>/graph.json. The same facts are in the
// page's tables, so the graph is a help, not the only way to read the network.
(function () {
  "use strict";
  var box = document.getElementById("network-graph");
  if (!box || typeof window.cytoscape !== "function") { return; }
  var colours = { high: "#d4351c", medium: "#f47738", low: "#ffdd00", none: "#b1b4b6" };
  fetch(box.getAttribute("data-graph-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var cy = window.cytoscape({
        container: box,
        elements: { nodes: graph.nodes, edges: graph.edges },
        layout: { name: "cose", animate: false, padding: 30, nodeRepulsion: 9000, idealEdgeLength: 110 },
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: {
              "label": "data(label)", "font-size": 12, "font-family": "Arial, sans-serif",
              "text-valign": "bottom", "text-margin-y": 6, "text-wrap": "wrap", "text-max-width": 140,
              "width": 30, "height": 30, "background-color": "#b1b4b6",
              "border-width": 3, "border-color": "#0b0c0c" } },
          { selector: "node[kind = 'child']", style: { "shape": "ellipse" } },
          { selector: "node[kind = 'adult']", style: { "shape": "round-rectangle", "background-color": "#505a5f" } },
          { selector: "node[kind = 'vehicle'], node[kind = 'phone'], node[kind = 'email'], node[kind = 'social_handle']",
            style: { "shape": "diamond", "background-color": "#1d70b8", "width": 24, "height": 24 } },
          { selector: "node[kind = 'place']", style: { "shape": "triangle", "background-color": "#00703c", "width": 26, "height": 26 } },
          { selector: "node[kind = 'child'][band = 'high']", style: { "background-color": colours.high } },
          { selector: "node[kind = 'child'][band = 'medium']", style: { "background-color": colours.medium } },
          { selector: "node[kind = 'child'][band = 'low']", style: { "background-color": colours.low } },
          { selector: "edge", style: {
              "width": 2, "line-color": "#6f777b", "curve-style": "bezier",
              "label": "data(label)", "font-size": 10, "color": "#505a5f",
              "text-background-color": "#ffffff", "text-background-opacity": 1 } }
        ]
      });
      cy.on("tap", "node", function (event) {
        var href = event.target.data("href");
        if (href) { window.location.href = href; }
      });
      box.setAttribute("data-rendered", String(graph.nodes.length));
    })
    .catch(function () {
      box.textContent = "The graph could not be drawn; the tables below list the same links.";
    });
})();
