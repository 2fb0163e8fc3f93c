// `make assets`: Bootstrap's CSS trimmed to the selectors Peacekeeper's pages can use (PurgeCSS).
// The full file is assets/bootstrap.min.css (Bootstrap 5.3, as vendored); the trimmed one,
// static/vendor/bootstrap/bootstrap.min.css, is committed: nothing runs at install time.
// Content: every place a class name can come from — our templates, scripts and Python (tables' and
// forms' attrs), and the templates of the libraries that render Bootstrap markup for us.
const site = ".venv/lib/python3*/site-packages";
module.exports = {
  css: ["assets/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "templates/**/*.js",
    "static/js/*.js",
    "{accounts,config,core,incidents,outreach,publishing,reports}/**/*.py",
    `${site}/crispy_bootstrap5/templates/**/*.html`,
    `${site}/crispy_forms/templates/**/*.html`,
    `${site}/django_tables2/templates/django_tables2/*.html`,
    `${site}/two_factor/templates/**/*.html`,
    `${site}/django_filters/templates/**/*.html`,
  ],
  // Classes only scripts add (static/js/nav.js: "show"), form states crispy sets from Python, and the
  // messages' alerts, named from their level (templates/includes/messages.html).
  safelist: ["show", "collapsing", "is-invalid", "is-valid", "was-validated", "alert-success", "alert-info", "alert-warning"],
  variables: true, // custom properties no kept rule reads
  keyframes: true,
  fontFace: true,
  output: "static/vendor/bootstrap/",
};
