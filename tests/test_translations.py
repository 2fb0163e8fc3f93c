"""The Spanish catalogues are complete and in step with the code (issue #18, README "Languages").

No string can ship untranslated: the test fails when a msgid of either catalogue is untranslated or
fuzzy, when the committed .mo files are not compiled from the .po files beside them, and when
`makemessages` (run into a temporary copy of the catalogues) would add a msgid the committed
catalogue lacks, or drop one it carries. The fix for the last two is `make messages`, then
translating what it added.

The catalogues are read with gettext's own tools (msgattrib, msgfmt, msgunfmt), which
`makemessages` needs anyway: no .po parser is added to the project for this.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
DOMAINS = ("django", "djangojs")
# As the Makefile's `messages` target (with makemessages' own defaults, which skip .venv, .data and
# every other dot-directory).
IGNORE = ["static/vendor", "node_modules", "tests", "bench"]
# What makemessages reads, linked into the temporary project (everything but the catalogues,
# the tests and the dot-directories).
SKIP_TOP = {"locale", "tests", "bench", "node_modules"}

_MSGID = re.compile(r'^(?:#~ )?msgid "(.+)"$', re.MULTILINE)


@pytest.fixture(autouse=True)
def _gettext_installed():
    """Not a skip: a machine without gettext must not pass this test by not running it."""
    if shutil.which("msgattrib") is None:
        pytest.fail(
            "The catalogue test needs gettext (msgattrib, msgfmt): `make test` installs it, or apt-get install gettext."
        )


def po_file(base: Path, domain: str) -> Path:
    return base / "es" / "LC_MESSAGES" / f"{domain}.po"


def msgids(po: Path, *options: str) -> list[str]:
    """The msgids msgattrib selects with these options (the header, msgid "", never)."""
    result = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-location", *options, str(po)], capture_output=True, text=True, check=True
    )
    return _MSGID.findall(result.stdout)


def incomplete(po: Path) -> list[str]:
    return msgids(po, "--no-obsolete", "--untranslated") + msgids(po, "--no-obsolete", "--only-fuzzy")


def test_the_catalogue_helpers_see_an_untranslated_and_a_fuzzy_msgid(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Done"\nmsgstr "Hecho"\n\nmsgid "Left out"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "Adivinado"\n',
        encoding="utf-8",
    )
    assert incomplete(po) == ["Left out", "Guessed"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_msgid_is_translated_and_none_is_fuzzy(domain):
    po = po_file(LOCALE, domain)
    assert po.exists(), f"{po} is missing: run `make messages`"
    assert not incomplete(po), f"Untranslated or fuzzy in {po.name}: translate them (docs/glossary.md)"
    header = po.read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "fuzzy" not in header, f"{po.name}'s header is fuzzy: msgfmt would drop it, and its plural forms"
    # Placeholders (%(name)s, {name}) match between each msgid and its translation.
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_mo_is_compiled_from_the_po(domain, tmp_path):
    po = po_file(LOCALE, domain)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)

    def unpacked(path: Path) -> str:
        return subprocess.run(["msgunfmt", str(path)], capture_output=True, text=True, check=True).stdout

    assert unpacked(mo) == unpacked(fresh), f"{mo.name} is stale: run `make messages`"


@pytest.fixture(scope="module")
def remade_catalogues(tmp_path_factory) -> Path:
    """makemessages for both domains, run over the code into a copy of the committed catalogues.

    It writes into the first of LOCALE_PATHS only for files under that path's parent, so it runs in
    a temporary project whose source directories are links to the real ones.
    """
    project = tmp_path_factory.mktemp("project")
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name not in SKIP_TOP and not item.name.startswith("."):
            (project / item.name).symlink_to(item)
    shutil.copytree(LOCALE, project / "locale")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setattr(settings, "LOCALE_PATHS", [project / "locale"])
        for domain in DOMAINS:
            call_command(
                "makemessages", locale=["es"], domain=domain, ignore_patterns=IGNORE, symlinks=True, verbosity=0
            )
    return project / "locale"


@pytest.mark.slow
@pytest.mark.parametrize("domain", DOMAINS)
def test_makemessages_would_add_no_msgid(remade_catalogues, domain):
    new = incomplete(po_file(remade_catalogues, domain))
    assert not new, f"Marked in the code but not in {domain}.po: run `make messages` and translate {new}"


@pytest.mark.slow
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogue_carries_no_msgid_the_code_dropped(remade_catalogues, domain):
    gone = msgids(po_file(remade_catalogues, domain), "--only-obsolete")
    assert not gone, f"In {domain}.po but no longer in the code: run `make messages` to drop {gone}"
