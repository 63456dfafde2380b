// Pictures of the graph on screen, for reports and other tools: PNG from Cytoscape.js's own
// renderer (cy.png), SVG drawn here from the laid-out graph — each node's position, shape,
// colour and label, each link's ends, colour, width and dash — so the SVG is real vector
// drawing with the labels as text (searchable, and readable by a screen reader through its
// title and description). Both are made in the browser from what is on screen: no request, no
// third-party code. Used by network.js: LanternGraphImage.wire(cy, buttons, name).
(function () {
  "use strict";

  function escape(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  }

  function number(value) { return Math.round(value * 100) / 100; }

  function colour(value) {
    // Cytoscape gives "rgb(r,g,b)"; SVG takes it as it is.
    return escape(value || "#000000");
  }

  function shape(node) {
    var p = node.position(), w = node.width(), h = node.height();
    var x = p.x, y = p.y, s = node.style("shape");
    var fill = colour(node.style("background-color"));
    var stroke = colour(node.style("border-color"));
    var border = number(parseFloat(node.style("border-width")) || 0);
    var paint = ' fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + border + '"';
    if (s === "diamond") {
      return '<polygon points="' + [[x, y - h / 2], [x + w / 2, y], [x, y + h / 2], [x - w / 2, y]]
        .map(function (q) { return number(q[0]) + "," + number(q[1]); }).join(" ") + '"' + paint + "/>";
    }
    if (s === "triangle") {
      return '<polygon points="' + [[x, y - h / 2], [x + w / 2, y + h / 2], [x - w / 2, y + h / 2]]
        .map(function (q) { return number(q[0]) + "," + number(q[1]); }).join(" ") + '"' + paint + "/>";
    }
    if (s === "round-rectangle" || s === "rectangle") {
      var r = s === "rectangle" ? 0 : Math.min(w, h) / 4;
      return '<rect x="' + number(x - w / 2) + '" y="' + number(y - h / 2) + '" width="' + number(w) +
        '" height="' + number(h) + '" rx="' + number(r) + '"' + paint + "/>";
    }
    return '<ellipse cx="' + number(x) + '" cy="' + number(y) + '" rx="' + number(w / 2) + '" ry="' +
      number(h / 2) + '"' + paint + "/>";
  }

  function label(node) {
    var text = node.data("label");
    if (!text) { return ""; }
    var p = node.position();
    var size = parseFloat(node.style("font-size")) || 12;
    var margin = parseFloat(node.style("text-margin-y")) || 0;
    var y = p.y + node.height() / 2 + margin + size;
    return '<text x="' + number(p.x) + '" y="' + number(y) + '" font-size="' + number(size) +
      '" font-family="Arial, sans-serif" text-anchor="middle" fill="#0b0c0c">' + escape(text) + "</text>";
  }

  function link(edge) {
    var a = edge.source().position(), b = edge.target().position();
    var dash = edge.style("line-style") === "dashed" ? ' stroke-dasharray="6 4"' : "";
    return '<line x1="' + number(a.x) + '" y1="' + number(a.y) + '" x2="' + number(b.x) + '" y2="' +
      number(b.y) + '" stroke="' + colour(edge.style("line-color")) + '" stroke-width="' +
      number(parseFloat(edge.style("width")) || 1) + '"' + dash + "><title>" +
      escape(edge.data("kind") || "link") + "</title></line>";
  }

  function svg(cy, title) {
    var box = cy.elements().boundingBox({ includeLabels: true });
    var pad = 20;
    var x = box.x1 - pad, y = box.y1 - pad, w = box.w + 2 * pad, h = box.h + 2 * pad;
    var parts = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="title desc" viewBox="' +
        [x, y, w, h].map(number).join(" ") + '" width="' + number(w) + '" height="' + number(h) + '">',
      '<title id="title">' + escape(title) + "</title>",
      '<desc id="desc">' + cy.nodes().length + " nodes and " + cy.edges().length +
        " links, drawn by Lantern. A high place in a graph is a reason to look, not a finding.</desc>",
      '<rect x="' + number(x) + '" y="' + number(y) + '" width="' + number(w) + '" height="' + number(h) +
        '" fill="#ffffff"/>',
      '<g class="links">'
    ];
    cy.edges().forEach(function (edge) { parts.push(link(edge)); });
    parts.push("</g>", '<g class="nodes">');
    cy.nodes().forEach(function (node) {
      parts.push('<g class="node" data-id="' + escape(node.id()) + '"><title>' + escape(node.data("label")) +
        "</title>" + shape(node) + label(node) + "</g>");
    });
    parts.push("</g>", "</svg>");
    return parts.join("\n");
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function wire(cy, group, name, title) {
    if (!group) { return; }
    var png = group.querySelector("[data-graph-image=png]");
    var vector = group.querySelector("[data-graph-image=svg]");
    png.addEventListener("click", function () {
      save(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), name + ".png");
    });
    vector.addEventListener("click", function () {
      save(new Blob([svg(cy, title)], { type: "image/svg+xml" }), name + ".svg");
    });
    [png, vector].forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
    group.setAttribute("data-ready", "true");
  }

  window.LanternGraphImage = { svg: svg, wire: wire };
})();
