"""`make lighthouse`: Lighthouse's mobile scores for the main pages, on production settings.

1. The app's database (DATABASE_URL, else the embedded one), migrated, with the demo data when it
   has no users (as `make run` does).
2. collectstatic, then gunicorn with production settings (DEBUG off, hashed and compressed static
   files from WhiteNoise, HTML compressed) on LIGHTHOUSE_BIND (default 127.0.0.1:8097), plain HTTP
   (DJANGO_HTTPS=0: Lighthouse runs on this machine, there is no TLS to end).
3. For each page, a session of the demo user who opens it (made in the database, sent as a cookie),
   and Lighthouse 12.2.3 (`.tools/lighthouse`, installed by the make target from npm) in Debian's
   Chromium with its default mobile profile (a slow 4G network and a 4x slower CPU, simulated).
4. The scores (performance, accessibility, best practices) in a table, and the whole reports in
   .bench/lighthouse/ (git-ignored). Not part of `make test`: a score is a measurement, not a rule.
"""

import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / ".bench" / "lighthouse"
LIGHTHOUSE = BASE_DIR / ".tools" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")
ATTEMPTS = 3
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}


def production_env() -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is not installed at {LIGHTHOUSE}: run `make lighthouse`.")
    env = production_env()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    if not User.objects.exists():
        call_command("seed_demo", allow_without_debug=True, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    pages = pages_to_score()
    bind = os.environ.get("LIGHTHOUSE_BIND", "127.0.0.1:8097")
    server = start_server(bind, env)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for number, (name, path, cookie) in enumerate(pages, 1):
            print(f"[{number}/{len(pages)}] {name} {path}", flush=True)
            rows.append((name, path, score(f"http://{bind}{path}", cookie, OUT_DIR / f"page-{number:02}.json")))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print_table(rows)
    summary = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "lighthouse": "12.2.3",
        "pages": [{"name": n, "path": p, **scores} for n, p, scores in rows],
    }
    (OUT_DIR / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nWritten to {OUT_DIR / 'latest.json'} (full reports beside it).")
    return 0


def pages_to_score() -> list[tuple[str, str, str | None]]:
    """(name, path, session cookie or None) for the pages the light-pages issue lists."""
    from django.contrib.auth.models import User
    from django.test import Client as TestClient
    from django.utils import timezone

    from core.quarters import Quarter
    from outreach.models import Client

    def session_of(username: str) -> str:
        browser = TestClient()
        browser.force_login(User.objects.get(username=username))
        return browser.cookies["sessionid"].value

    peacekeeper, manager, analyst = (session_of(name) for name in ("peacekeeper", "manager", "analyst"))
    client = Client.objects.on_caseload_of(User.objects.get(username="peacekeeper")).current().order_by("pk").first()
    closed = Quarter.containing(timezone.localdate()).previous()
    return [
        ("sign-in page", "/accounts/login/", None),
        ("peacekeeper dashboard", "/", peacekeeper),
        ("manager dashboard", "/", manager),
        ("caseload", "/clients/", peacekeeper),
        ("client page", f"/clients/{client.pk}/", peacekeeper),
        ("contact form", f"/clients/{client.pk}/contacts/new/", peacekeeper),
        ("incident list", "/incidents/", analyst),
        (f"quarterly report {closed.label}", f"/reports/quarterly/{closed.year}/{closed.number}/", manager),
    ]


def start_server(bind: str, env: dict) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(BASE_DIR / ".venv" / "bin")) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn and app)
        [gunicorn, "config.wsgi", "--workers", "2", "--bind", bind, "--log-level", "warning"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://{bind}/health/", timeout=2):  # noqa: S310 (our own server)
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn did not answer on {bind}")


def score(url: str, cookie: str | None, report: Path) -> dict:
    headers = json.dumps({"Cookie": f"sessionid={cookie}"}) if cookie else None
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if headers:
        command.append(f"--extra-headers={headers}")
    for attempt in range(1, ATTEMPTS + 1):
        # Lighthouse's own flake ("Something went wrong with recording the trace … (NO_NAVSTART). Please run
        # Lighthouse again."): a page is run again, up to ATTEMPTS times, before the whole run fails.
        done = subprocess.run(command, check=False, env={**os.environ, "CHROME_PATH": CHROMIUM})  # noqa: S603
        if done.returncode == 0:
            break
        print(f"  Lighthouse failed on attempt {attempt} of {ATTEMPTS}.", flush=True)
    else:
        raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}.")
    result = json.loads(report.read_text())
    if result.get("finalDisplayedUrl", url).rstrip("/") != url.rstrip("/"):
        raise SystemExit(f"{url} ended at {result.get('finalDisplayedUrl')}: signed out?")
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = result["audits"]
    scores["transfer_kib"] = round(audits["total-byte-weight"]["numericValue"] / 1024, 1)
    scores["lcp_s"] = round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2)
    return scores


def print_table(rows: list) -> None:
    header = ["page", "performance", "accessibility", "best practices", "KiB", "LCP s", "ok"]
    lines = []
    for name, _path, s in rows:
        ok = all(s[c] >= TARGETS[c] for c in CATEGORIES)
        lines.append([name, s["performance"], s["accessibility"], s["best-practices"]])
        lines[-1] += [s["transfer_kib"], s["lcp_s"], "ok" if ok else "below target"]
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    print(f"\nLighthouse 12.2.3, mobile; targets: performance ≥ {TARGETS['performance']}, the others 100")
    for row in [header, ["-" * w for w in widths], *lines]:
        print(
            "  ".join(
                str(c).ljust(w) if i in (0, 6) else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


if __name__ == "__main__":
    sys.exit(main())
