// The import job page: polls the job's status (rows read, bad rows so far, ETA) about once a
// second and reloads the page when the job moves on (to the preview, the result or a failure).
// No inline script: a strict Content-Security-Policy holds.
(function () {
  var section = document.getElementById("import-progress");
  if (!section) return;
  var url = section.dataset.statusUrl;
  var bar = section.querySelector("progress");
  function field(name) {
    return section.querySelector('[data-field="' + name + '"]');
  }
  function number(n) {
    return Number(n || 0).toLocaleString();
  }
  function duration(seconds) {
    if (seconds < 60) return seconds + " s";
    return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }
  function show(data) {
    if (data.status !== section.dataset.status) {
      window.location.reload();
      return false;
    }
    if (data.rows_total) bar.max = data.rows_total;
    bar.value = data.rows_read;
    field("rows").textContent = number(data.rows_read) + " of about " + number(data.rows_total) + " rows read";
    field("errors").textContent = number(data.errors) + " with problems so far";
    field("eta").textContent = data.eta_seconds === null ? "" : "; about " + duration(data.eta_seconds) + " left";
    field("note").textContent = data.note || "";
    return true;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (show(data)) window.setTimeout(poll, 1000);
      })
      .catch(function () {
        field("note").textContent = "Cannot reach the server to update the progress; retrying.";
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
