"""Posting forms in tests as a browser would."""

import uuid


def keyed(data: dict, key: uuid.UUID | str | None = None) -> dict:
    """A create form's fields with the one-time key the rendered form carries (config/form_keys.py)."""
    return {**data, "form_key": str(key or uuid.uuid4())}
