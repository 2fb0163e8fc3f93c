"""The trimmed Bootstrap CSS (`make assets`, README "Performance") keeps every Bootstrap class the code can use.

`static/vendor/bootstrap/bootstrap.min.css` is PurgeCSS's output, committed; the full file is
`assets/bootstrap.min.css`. A template or a table that starts using a Bootstrap class the trimmed file
dropped would lose its look silently: this test fails instead, until `make assets` is run again.
"""

import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
FULL = BASE / "assets" / "bootstrap.min.css"
TRIMMED = BASE / "static" / "vendor" / "bootstrap" / "bootstrap.min.css"
APPS = ("accounts", "config", "core", "incidents", "outreach", "publishing", "reports")
TEMPLATE_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
# Class names in Python: attrs={"class": "…"}, css_class="…", and constants such as the risk badges.
PYTHON_STRING = re.compile(r"""["']([a-z][a-z0-9 -]*)["']""")
TOKEN = re.compile(r"^[a-z][a-z0-9-]*$")


def defined(css: str) -> set[str]:
    return set(re.findall(r"\.([a-z][a-z0-9-]*)", css))


def used() -> set[str]:
    tokens: set[str] = set()
    for path in [*(BASE / "templates").rglob("*.html"), *(BASE / "static" / "js").glob("*.js")]:
        text = TEMPLATE_TAG.sub(" ", path.read_text(encoding="utf-8"))
        for value in CLASS_ATTRIBUTE.findall(text):
            tokens.update(value.split())
    for app in APPS:
        for path in (BASE / app).rglob("*.py"):
            for value in PYTHON_STRING.findall(path.read_text(encoding="utf-8")):
                tokens.update(value.split())
    return {token for token in tokens if TOKEN.match(token)}


def test_the_trimmed_bootstrap_keeps_every_class_the_code_uses():
    bootstrap = defined(FULL.read_text(encoding="utf-8"))
    kept = defined(TRIMMED.read_text(encoding="utf-8"))
    needed = used() & bootstrap
    assert {"btn", "table", "alert", "badge", "form-control", "navbar"} <= needed  # the scan finds them
    missing = sorted(needed - kept)
    assert not missing, f"Bootstrap classes used but trimmed away: {missing}. Run `make assets` and commit."


def test_the_trimmed_file_is_the_smaller_one_and_keeps_the_licence():
    trimmed = TRIMMED.read_text(encoding="utf-8")
    assert len(trimmed) < FULL.stat().st_size / 2
    assert "Licensed under MIT" in trimmed
