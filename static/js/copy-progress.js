// A public copy being prepared: its job's progress in named steps (job-progress.js polls it).
window.peacekeeperWatchJob("copy-progress", function (data, page) {
  if (data.total) page.bar.max = data.total;
  page.bar.value = data.done;
  page.field("text").textContent = data.text || gettext("Starting.");
});
