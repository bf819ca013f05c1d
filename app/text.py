"""Text checks: text every database backend can store (no NUL characters, no lone
surrogates), and keys that are data, never syntax."""

from __future__ import annotations

import re
from typing import Any

from app.errors import BadUserInput

# Keys of definitions (metrics, leaderboards, groups, seasons) and slugs of tenants: data
# that names things in URLs, Redis keys and logs, so never syntax of any of them.
# fullmatch only: `$` alone would let a trailing newline through.
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_key(key: str, what: str, field: str = "key") -> None:
    """BAD_USER_INPUT unless ``key`` is 1 to 64 letters, digits, '_', '.' or '-'."""
    if not KEY.fullmatch(key):
        raise BadUserInput(
            f"{what} key must be 1 to 64 letters, digits, '_', '.' or '-', starting with a"
            " letter or digit.",
            field=field,
        )


def check_text(value: str | None, name: str, longest: int, *, empty: bool = True) -> None:
    """BAD_USER_INPUT unless ``value`` (None: not given) is storable text of at most
    ``longest`` characters (and not empty, unless ``empty``)."""
    if value is None:
        return
    if (not value and not empty) or len(value) > longest or not storable(value):
        size = f"up to {longest}" if empty else f"1 to {longest}"
        raise BadUserInput(f"{name} must be {size} characters of valid text.", field=name)


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800" escape
        return False
    return True


def storable_json(value: Any) -> bool:
    """Whether every string (keys included) inside a JSON value is :func:`storable`."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(storable(k) and storable_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable_json(v) for v in value)
    return True
