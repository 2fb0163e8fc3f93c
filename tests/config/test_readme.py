"""The README's set-up section says what a new user needs, and links nothing outside the repository."""

import re

from sample_data.demo.accounts import DEMO_LOGINS
from tests.config.helpers import REPO

README = (REPO / "README.md").read_text()
LINK_TARGETS = re.compile(r"\]\(([^)]+)\)")


def test_every_demo_login_seed_demo_prints_is_in_the_readme():
    for login in DEMO_LOGINS:
        assert f"| `{login.username}` | `{login.password}` |" in README, login.username


def test_it_says_how_to_change_the_port():
    assert "make run HOST_PORT=" in README


def test_it_links_no_file_outside_the_repository():
    assert "../" not in README and "/work/" not in README
    for target in LINK_TARGETS.findall(README):
        if not target.startswith(("http://", "https://", "#", "mailto:")):
            assert (REPO / target.split("#")[0]).exists(), target
