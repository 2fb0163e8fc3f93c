"""Fetch a pinned npm package's tarball from the registry, check its SHA-256 and extract one file.

Used by the Makefile for the Nu Html Checker (`make vnu`): no Node or npm needed, only Python.

    python -m config.fetch_tool PACKAGE VERSION SHA256 MEMBER TARGET
"""

import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def fetch(package: str, version: str, sha256: str, member: str, target: Path) -> None:
    url = f"{REGISTRY}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"
    print(f"Fetching {package}@{version} from {REGISTRY}...", flush=True)
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (the npm registry, https)
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{url}: SHA-256 {digest}, expected {sha256}. Nothing was written.")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{url} has no file {member}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(extracted.read())
        partial.replace(target)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    fetch(*sys.argv[1:5], Path(sys.argv[5]))
