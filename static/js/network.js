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
  // A radial tree: the centre in the middle, the records one hop out on the first ring, theirs on the
  // next, each record's own ties in a wedge around it. A straight edge then runs only outwards from
  // its record (never across the middle or through a record it does not join), and neighbours on a
  // ring stay SPACING apart so their labels do not overlap. Cytoscape's concentric layout put a
  // client's tie to its group across an unrelated node (issue #16).
  var SPACING = 170;
  function radialPositions(data) {
    var ids = data.nodes.map(function (n) { return n.data.id; });
    var neighbours = {};
    ids.forEach(function (id) { neighbours[id] = []; });
    data.edges.forEach(function (e) {
      neighbours[e.data.source].push(e.data.target);
      neighbours[e.data.target].push(e.data.source);
    });
    var centre = data.nodes.filter(function (n) { return n.data.center; }).map(function (n) { return n.data.id; });
    var roots = centre.concat(ids.filter(function (id) { return centre.indexOf(id) < 0; }));
    if (!roots.length) {
      return function () { return { x: 0, y: 0 }; };
    }
    var depth = {}, children = {}, order = [];
    // Breadth first from the centre (then from anything not reached), so each record hangs from the
    // nearest one to the centre.
    roots.forEach(function (root) {
      if (root in depth) { return; }
      depth[root] = order.length ? 1 : 0;
      if (depth[root] === 1) { children[roots[0]].push(root); }
      var queue = [root];
      children[root] = [];
      while (queue.length) {
        var id = queue.shift();
        order.push(id);
        neighbours[id].forEach(function (next) {
          if (!(next in depth)) {
            depth[next] = depth[id] + 1;
            children[next] = [];
            children[id].push(next);
            queue.push(next);
          }
        });
      }
    });
    var leaves = {};
    order.slice().reverse().forEach(function (id) {
      leaves[id] = children[id].reduce(function (sum, c) { return sum + leaves[c]; }, 0) || 1;
    });
    var angle = {};
    function place(id, from, to) {
      angle[id] = (from + to) / 2;
      var kids = children[id];
      if (!kids.length) { return; }
      var d = depth[id];
      if (d > 0) {
        // Children of a ring record stay within the angle whose edges clear the ring it is on.
        var half = Math.min((to - from) / 2, Math.acos(d / (d + 1)));
        from = angle[id] - half;
        to = angle[id] + half;
      }
      if (kids.length === 1 && d > 0) {
        // A lone tie bends a little, so a chain of three does not read as one line through the middle one.
        var bend = Math.min(0.35, (to - from) / 2);
        place(kids[0], from + bend, to + bend);
        return;
      }
      var total = kids.reduce(function (sum, c) { return sum + leaves[c]; }, 0);
      var start = from;
      kids.forEach(function (c) {
        var share = (to - from) * leaves[c] / total;
        place(c, start, start + share);
        start += share;
      });
    }
    place(roots[0], -Math.PI / 2, 1.5 * Math.PI);
    var raw = {};
    order.forEach(function (id) {
      raw[id] = { x: depth[id] * Math.cos(angle[id]), y: depth[id] * Math.sin(angle[id]) };
    });
    // One scale for the whole drawing: the closest two records end up SPACING apart.
    var closest = Infinity;
    for (var i = 0; i < order.length; i++) {
      for (var j = i + 1; j < order.length; j++) {
        var a = raw[order[i]], b = raw[order[j]];
        closest = Math.min(closest, Math.hypot(a.x - b.x, a.y - b.y));
      }
    }
    var scale = isFinite(closest) && closest > 0 ? SPACING / closest : SPACING;
    return function (node) {
      var p = raw[node.id()];
      return { x: p.x * scale, y: p.y * scale };
    };
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
    layout: { name: "preset", positions: radialPositions(data), fit: true, padding: 30, animate: false },
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
