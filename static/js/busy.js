// Forms marked data-busy="message" say what they are doing once submitted, and cannot be
// submitted twice (long imports). No inline script: a strict Content-Security-Policy holds.
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var status = form.querySelector(".busy-message");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    if (status) {
      status.textContent = form.dataset.busy;
      status.classList.remove("visually-hidden");
    }
  });
});
