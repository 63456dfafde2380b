// Draws a network (/networks/<id>/graph.json) or a person's neighbourhood
// (/people/<id>/graph.json) with Cytoscape.js. The same facts are in the page's tables, so the
// graph is a help, not the only way to read the network.
(function () {
  "use strict";
  var box = document.getElementById("network-graph");
  if (!box || typeof window.cytoscape !== "function") { return; }
  var colours = { high: "#d4351c", medium: "#f47738", low: "#ffdd00", none: "#b1b4b6" };
  // Inside a closed <details> (a person's neighbourhood) the box has no size: draw on opening.
  var details = box.closest("details");
  if (details && !details.open) {
    details.addEventListener("toggle", function opened() {
      details.removeEventListener("toggle", opened);
      draw();
    });
  } else {
    draw();
  }

  function draw() {
    fetch(box.getAttribute("data-graph-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (graph) {
        var cy = window.cytoscape({
          container: box,
          elements: { nodes: graph.nodes, edges: graph.edges },
          layout: graph.nodes.length <= 14
            ? { name: "circle", animate: false, padding: 40, avoidOverlap: true }
            : { name: "cose", animate: false, padding: 30, nodeRepulsion: 400000, idealEdgeLength: 140 },
          minZoom: 0.3,
          maxZoom: 1.4,
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
                "width": 2, "line-color": "#6f777b", "curve-style": "bezier" } },
            { selector: "edge[kind = 'co_event'], edge[kind = 'suspect_of']", style: { "width": 3, "line-color": "#0b0c0c" } },
            { selector: "edge[kind = 'text_mention']", style: { "line-style": "dashed" } }
          ]
        });
        cy.fit(undefined, 40);
        cy.on("tap", "node", function (event) {
          var href = event.target.data("href");
          if (href) { window.location.href = href; }
        });
        var buttons = document.querySelector("[data-testid=graph-image]");
        if (buttons && window.LanternGraphImage) {
          window.LanternGraphImage.wire(cy, buttons, buttons.getAttribute("data-graph-image-name"),
            buttons.getAttribute("data-graph-image-title"));
        }
        box.setAttribute("data-rendered", String(graph.nodes.length));
      })
      .catch(function () {
        box.textContent = "The graph could not be drawn; the tables below list the same links.";
      });
  }
})();
