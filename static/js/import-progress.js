// The import job page: rows read, bad rows so far and the time left (job-progress.js polls it).
(function () {
  function number(n) {
    return Number(n || 0).toLocaleString();
  }
  function duration(seconds) {
    if (seconds < 60) return interpolate(gettext("%(s)s s"), { s: seconds }, true);
    return interpolate(gettext("%(m)s min %(s)s s"), { m: Math.floor(seconds / 60), s: seconds % 60 }, true);
  }
  window.peacekeeperWatchJob("import-progress", function (data, page) {
    if (data.rows_total) page.bar.max = data.rows_total;
    page.bar.value = data.rows_read;
    page.field("rows").textContent = interpolate(
      gettext("%(read)s of about %(total)s rows read"),
      { read: number(data.rows_read), total: number(data.rows_total) },
      true
    );
    page.field("errors").textContent = interpolate(gettext("%(n)s with problems so far"), { n: number(data.errors) }, true);
    page.field("eta").textContent =
      data.eta_seconds === null ? "" : interpolate(gettext("; about %(time)s left"), { time: duration(data.eta_seconds) }, true);
  });
})();
