"""Progress lines on stderr, so stdout carries the report alone."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)
