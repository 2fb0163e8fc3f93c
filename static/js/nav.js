// The menu button of the navigation on narrow screens: shows or hides the menu, and says which
// (aria-expanded). The one thing Bootstrap's own script (80 KB) was loaded for on every page.
(function () {
  "use strict";
  document.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    button.addEventListener("click", function () {
      var open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
