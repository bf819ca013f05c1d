"""Validation of participant input: every rule a client can break, with a clear message."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.errors import BadUserInput
from app.text import storable, storable_json

MAX_NAME = 200
MAX_ADDRESS = 500
MAX_EXTERNAL_ID = 200
MAX_TYPE = 32
MAX_AVATAR = 500
MIN_AGE, MAX_AGE = 0, 150
MAX_METADATA_BYTES = 16_384
MAX_SEARCH = 100
MAX_SEARCH_RESULTS = 20

UNSET: Any = object()


@dataclass
class ParticipantFields:
    """Fields to write; ``UNSET`` means "leave as is" (updates)."""

    name: Any = UNSET
    age: Any = UNSET
    address: Any = UNSET
    external_id: Any = UNSET
    metadata: Any = UNSET
    participant_type: Any = UNSET
    opted_out: Any = UNSET
    avatar_url: Any = UNSET


def clean_fields(fields: ParticipantFields, *, creating: bool) -> dict[str, Any]:
    """The validated column values of ``fields``; raises :class:`BadUserInput`."""
    values: dict[str, Any] = {}
    if fields.name is not UNSET or creating:
        values["name"] = _name(fields.name)
    if fields.age is not UNSET and fields.age is not None:
        values["age"] = _age(fields.age)
    elif fields.age is None and not creating:
        values["age"] = None
    if fields.address is not UNSET:
        values["address"] = _bounded("address", fields.address or "", MAX_ADDRESS)
    if fields.external_id is not UNSET:
        ext = fields.external_id
        values["external_id"] = (
            None if ext is None else _bounded("externalId", ext, MAX_EXTERNAL_ID, empty=False)
        )
    if fields.metadata is not UNSET:
        values["metadata"] = _metadata(fields.metadata)
    if fields.avatar_url is not UNSET:
        values["avatar_url"] = _bounded("avatarUrl", fields.avatar_url or "", MAX_AVATAR)
    if fields.opted_out is not UNSET and fields.opted_out is not None:
        values["opted_out"] = bool(fields.opted_out)
    if fields.participant_type is not UNSET and fields.participant_type is not None:
        values["participant_type"] = _bounded(
            "participantType", fields.participant_type, MAX_TYPE, empty=False
        )
    return values


def _name(name: Any) -> str:
    if name is UNSET or name is None:
        raise BadUserInput("name is required.", field="name")
    return _bounded("name", name, MAX_NAME, empty=False)


def _bounded(what: str, value: str, limit: int, *, empty: bool = True) -> str:
    text = value.strip()
    if not empty and not text:
        raise BadUserInput(f"{what} must not be empty.", field=what)
    if len(text) > limit:
        raise BadUserInput(f"{what} must be at most {limit} characters.", field=what)
    if any(ord(c) < 32 and c not in "\t\n" for c in text) or not storable(text):
        raise BadUserInput(f"{what} must be valid text without control characters.", field=what)
    return text


def _age(age: int) -> int:
    if not MIN_AGE <= age <= MAX_AGE:
        raise BadUserInput(f"age must be between {MIN_AGE} and {MAX_AGE}.", field="age")
    return age


def _metadata(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise BadUserInput("metadata must be a JSON object.", field="metadata")
    if not storable_json(metadata):
        raise BadUserInput("metadata must not contain NUL characters or lone surrogates.")
    if len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        raise BadUserInput(
            f"metadata must be at most {MAX_METADATA_BYTES} bytes of JSON.", field="metadata"
        )
    return metadata


def search_text(text: str) -> str:
    """A search's text, trimmed: 1 to MAX_SEARCH storable characters."""
    cleaned = text.strip()
    if not cleaned:
        raise BadUserInput("query must not be blank.", field="query")
    if len(cleaned) > MAX_SEARCH or not storable(cleaned):
        raise BadUserInput(f"query must be at most {MAX_SEARCH} characters of text.", field="query")
    return cleaned
