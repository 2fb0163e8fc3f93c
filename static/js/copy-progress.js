// A public copy being prepared: polls the job about once a second, shows its progress, and reloads
// the page when the job moves on (the copy is ready, or it failed). No inline script (CSP).
(function () {
  var section = document.getElementById("copy-progress");
  if (!section) return;
  var url = section.dataset.statusUrl;
  var bar = section.querySelector("progress");
  function field(name) {
    return section.querySelector('[data-field="' + name + '"]');
  }
  function show(data) {
    if (data.status !== section.dataset.status) {
      window.location.reload();
      return false;
    }
    if (data.total) bar.max = data.total;
    bar.value = data.done;
    field("text").textContent = data.text || "Starting.";
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
