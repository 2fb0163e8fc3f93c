// Warn a minute before an idle session ends, with a button to stay signed in; and keep a
// draft of forms marked data-draft (the contact form) in this tab until it is saved, so that
// a peacekeeper whose session ended mid-sentence finds their text again after signing in.
(function () {
  var body = document.body;
  var seconds = parseInt(body.dataset.sessionSeconds || "0", 10);
  var warning = document.getElementById("session-warning");
  var timer;

  function schedule() {
    clearTimeout(timer);
    if (!seconds || !warning) {
      return;
    }
    timer = setTimeout(function () {
      warning.hidden = false;
      warning.querySelector("button").focus();
    }, Math.max(seconds - 60, 1) * 1000);
  }

  if (warning) {
    warning.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" }).then(
        function (response) {
          if (response.ok) {
            warning.hidden = true;
            schedule();
          } else {
            window.location.reload();
          }
        }
      );
    });
  }
  schedule();

  // Drafts, in sessionStorage: gone when the tab closes, cleared on sign-out and once saved.
  // Each is kept under its writer's account: someone else signing in on this tab (after the
  // writer's session ended) never gets it, and it is dropped as soon as they do.
  var PREFIX = "peacekeeper-draft:";
  var owner = body.dataset.draftOwner;
  if (owner) {
    Object.keys(sessionStorage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0 && key.indexOf(PREFIX + owner + ":") !== 0) {
        sessionStorage.removeItem(key);
      }
    });
  }
  (owner ? document.querySelectorAll("form[data-draft]") : []).forEach(function (form) {
    var key = PREFIX + owner + ":" + form.dataset.draft;
    var saved = sessionStorage.getItem(key);
    if (saved && !form.querySelector(".is-invalid")) {
      var values = JSON.parse(saved);
      Object.keys(values).forEach(function (name) {
        form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = values[name].indexOf(field.value) !== -1;
          } else if (field.type !== "hidden") {
            field.value = values[name][0];
          }
        });
      });
      var note = form.querySelector(".draft-restored");
      if (note) {
        note.hidden = false;
      }
    }
    form.addEventListener("input", function () {
      // Offline, a field-mode contact is kept only encrypted (static/js/field.js), never as a draft.
      if (!navigator.onLine && form.hasAttribute("data-field-capture")) {
        sessionStorage.removeItem(key);
        return;
      }
      var values = {};
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") {
          (values[name] = values[name] || []).push(value);
        }
      });
      sessionStorage.setItem(key, JSON.stringify(values));
    });
  });
  if (document.querySelector(".draft-saved")) {
    Object.keys(sessionStorage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) {
        sessionStorage.removeItem(key);
      }
    });
  }
  document.querySelectorAll("form.sign-out").forEach(function (form) {
    form.addEventListener("submit", function () {
      sessionStorage.clear();
    });
  });
})();

// A form that came back with errors: move focus to the summary at the top, so screen readers
// announce it and keyboard users start from the list of what to fix (WCAG 3.3.1).
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
