// Draw bar charts from data passed with json_script (no inline script: the CSP stays strict).
// Every chart has a table with the same figures beside it, so nothing depends on this file.
document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
  var source = document.getElementById(canvas.dataset.chart);
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Dark, distinct colours (3:1 or more against white), solid for year to date, lighter for the whole year.
  var colours = ["#1f3a5f", "#8fa8c8", "#b02a37", "#e8a3aa"];
  data.datasets.forEach(function (dataset, i) {
    dataset.backgroundColor = colours[i % colours.length];
  });
  new Chart(canvas, {
    type: "bar",
    data: data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
});
