"""Sealed records: what a phone encrypts for the server alone (field mode's outbox).

The browser (static/js/field.js) makes a fresh AES-GCM 256 key for each record, encrypts the
record's JSON with it and a random 12-byte IV, and wraps the key with the server's RSA-OAEP
(SHA-256) public key. Only the server holds the private key, so a lost phone's outbox gives up
no notes. This module loads that key pair, describes the public half for the pages, and opens an
envelope (`open_envelope`); `seal` does what the browser does, for tests and the benchmark.

The private key comes from settings: `FIELD_MODE_PRIVATE_KEY` (a PEM, from the environment) or
else the PEM file `FIELD_MODE_PRIVATE_KEY_FILE` (default `.data/field-mode-key.pem`), which
`make run` (config/run.py) generates when it is missing. No key: field mode is off.

Rotation: the current key seals every new record; `FIELD_MODE_RETIRED_KEY_FILES` names earlier
keys' PEM files, which still open the records phones sealed for them before the rotation (each
envelope names its key) and seal nothing new (`load_retired`).

Imports nothing of Django at module level: config/run.py uses `ensure_key_file` before set-up.
"""

import base64
import binascii
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext

KEY_BITS = 3072
IV_BYTES = 12
# An envelope is a contact form's worth of text; refuse anything far larger before decrypting it.
MAX_CIPHERTEXT_BYTES = 256 * 1024
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class SealedError(ValueError):
    """An envelope this server cannot open: malformed, another key's, or tampered with."""


class KeyFileError(RuntimeError):
    """A configured key file that cannot be read: the server's fault, never the record's."""


@dataclass(frozen=True)
class KeyPair:
    private: rsa.RSAPrivateKey

    @functools.cached_property
    def public_der(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def public_b64(self) -> str:
        """The public key as base64 SPKI, what WebCrypto's importKey("spki", …) takes."""
        return base64.b64encode(self.public_der).decode()

    @property
    def key_id(self) -> str:
        """Names the key in each envelope, so a record sealed for an older key is told apart."""
        return hashlib.sha256(self.public_der).hexdigest()[:16]


def generate_pem() -> bytes:
    """A new private key, PEM (PKCS #8, unencrypted: protect the file, not the PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ensure_key_file(path: Path) -> bool:
    """Write a new private key to `path` (mode 0600) unless one is there; True when it made one."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(generate_pem())
    return True


# The current key and a few retired ones, each parsed once per process.
@functools.lru_cache(maxsize=16)
def _load(pem: bytes) -> KeyPair:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SealedError("The field-mode key is not an RSA private key.")
    return KeyPair(key)


def load(*, pem: str | None, path: Path | None) -> KeyPair | None:
    """The key pair from a PEM string, else from the file; None when neither is there."""
    if pem:
        return _load(pem.encode())
    if path is not None and path.exists():
        return _load(path.read_bytes())
    return None


def load_retired(paths: "list[Path] | tuple[Path, ...]") -> tuple[KeyPair, ...]:
    """Retired key pairs, from their PEM files. An unreadable one fails loudly (a server error, so
    the phone keeps the record and tries again), never as the record's fault: a retired key is
    configured precisely because records sealed for it are still on phones."""
    retired = []
    for path in paths:
        try:
            retired.append(_load(Path(path).read_bytes()))
        except (OSError, ValueError) as error:
            raise KeyFileError(f"The retired field-mode key {path} cannot be read: {error}") from error
    return tuple(retired)


def _b64(envelope: dict, name: str) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str):
        raise SealedError(gettext("The record has no %(part)s.") % {"part": name})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SealedError(gettext("The record's %(part)s is not base64.") % {"part": name}) from error


def open_envelope(keys: KeyPair, envelope: object, *, retired: tuple[KeyPair, ...] = ()) -> dict:
    """The record inside an envelope {key_id, wrapped_key, iv, ciphertext}, sealed for the current
    key or a retired one; SealedError otherwise."""
    if not isinstance(envelope, dict):
        raise SealedError(gettext("The record is not an envelope."))
    pair = next((pair for pair in (keys, *retired) if pair.key_id == envelope.get("key_id")), None)
    if pair is None:
        raise SealedError(gettext("The record was encrypted for a key this server does not hold."))
    wrapped, iv, ciphertext = (_b64(envelope, name) for name in ("wrapped_key", "iv", "ciphertext"))
    if len(iv) != IV_BYTES or len(ciphertext) > MAX_CIPHERTEXT_BYTES:
        raise SealedError(gettext("The record's sizes are wrong."))
    try:
        content_key = pair.private.decrypt(wrapped, _OAEP)
        plaintext = AESGCM(content_key).decrypt(iv, ciphertext, None)
    except (ValueError, InvalidTag) as error:
        raise SealedError(gettext("The record could not be decrypted: it is damaged or was changed.")) from error
    try:
        record = json.loads(plaintext)
    except (ValueError, RecursionError) as error:  # RecursionError: nesting deeper than Python's stack
        raise SealedError(gettext("The record's content is not JSON.")) from error
    if not isinstance(record, dict):
        raise SealedError(gettext("The record's content is not an object."))
    return record


def seal(public_der: bytes, key_id: str, record: dict) -> dict:
    """Encrypt `record` as the browser does (tests and the benchmark)."""
    public = serialization.load_der_public_key(public_der)
    content_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(IV_BYTES)
    ciphertext = AESGCM(content_key).encrypt(iv, json.dumps(record).encode(), None)
    return {
        "key_id": key_id,
        "wrapped_key": base64.b64encode(public.encrypt(content_key, _OAEP)).decode(),
        "iv": base64.b64encode(iv).decode(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".data/field-mode-key.pem")
    print(f"{'Made' if ensure_key_file(target) else 'Kept the existing'} field-mode key {target}")
