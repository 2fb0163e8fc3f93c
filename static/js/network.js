// Draw a network view (incidents/network.html) with Cytoscape.js from the data passed with
// json_script (no inline script: the CSP stays strict). The table beside the graph holds the same
// ties, so nothing depends on this file; below 576 px the graph is hidden and only the table shows.
(function () {
  var container = document.getElementById("network-graph");
  var source = document.getElementById("network-data");
  if (!container || !source || typeof cytoscape === "undefined") {
    return;
  }
  if (window.getComputedStyle(container).display === "none") {
    return; // a phone: the table is the view
  }
  // Cytoscape adds a <style> element for its container unless an element with this id exists: the
  // CSP refuses inline styles, so the rule is in app.css and this marker tells Cytoscape so.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    var marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }
  var data = JSON.parse(source.textContent);
  var cy = cytoscape({
    container: container,
    elements: data.nodes.concat(data.edges),
    autoungrabify: false,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          "text-valign": "bottom",
          "text-margin-y": 4,
          color: "#212529",
          width: 22,
          height: 22,
        },
      },
      { selector: 'node[kind = "client"]', style: { "background-color": "#1f3a5f", shape: "ellipse" } },
      { selector: 'node[kind = "group"]', style: { "background-color": "#6f42c1", shape: "round-rectangle" } },
      { selector: 'node[kind = "conflict"]', style: { "background-color": "#b02a37", shape: "diamond" } },
      { selector: "node[?center]", style: { width: 34, height: 34, "border-width": 3, "border-color": "#000" } },
      {
        selector: "edge",
        style: { width: 2, "line-color": "#8fa8c8", "curve-style": "bezier", label: "data(label)", "font-size": 9 },
      },
      { selector: 'edge[kind = "party"]', style: { "line-color": "#e8a3aa", "line-style": "dashed" } },
    ],
    layout: { name: "concentric", minNodeSpacing: 40, animate: false,
      concentric: function (node) { return node.data("center") ? 3 : node.data("kind") === "client" ? 1 : 2; },
      levelWidth: function () { return 1; } },
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) {
      window.location.assign(url);
    }
  });
  // For the browser tests (and anyone curious in the console).
  window.peacekeeperNetwork = cy;
  container.dataset.drawn = String(cy.nodes().length);
})();
