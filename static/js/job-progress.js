// A background job's page (an import, a public copy being prepared): polls the job's status URL
// (the section's data-status-url) about once a second, hands each answer to the page's `show`, and
// reloads the page when the job moves on to another status (data-status). No inline script (CSP).
window.peacekeeperWatchJob = function (sectionId, show) {
  var section = document.getElementById(sectionId);
  if (!section) return;
  var url = section.dataset.statusUrl;
  function field(name) {
    return section.querySelector('[data-field="' + name + '"]');
  }
  var page = { bar: section.querySelector("progress"), field: field };
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.status !== section.dataset.status) {
          window.location.reload();
          return;
        }
        show(data, page);
        field("note").textContent = data.note || "";
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        field("note").textContent = gettext("Cannot reach the server to update the progress; retrying.");
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
};
