// The import job page: rows read, bad rows so far and the time left (job-progress.js polls it).
(function () {
  function number(n) {
    return Number(n || 0).toLocaleString();
  }
  function duration(seconds) {
    if (seconds < 60) return seconds + " s";
    return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }
  window.peacekeeperWatchJob("import-progress", function (data, page) {
    if (data.rows_total) page.bar.max = data.rows_total;
    page.bar.value = data.rows_read;
    page.field("rows").textContent = number(data.rows_read) + " of about " + number(data.rows_total) + " rows read";
    page.field("errors").textContent = number(data.errors) + " with problems so far";
    page.field("eta").textContent = data.eta_seconds === null ? "" : "; about " + duration(data.eta_seconds) + " left";
  });
})();
