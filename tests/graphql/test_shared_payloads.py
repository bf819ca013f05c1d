"""A result shared by many subscribers is encoded to JSON once."""

from __future__ import annotations

import json

from app.graphql.broadcast import SharedPayloads


class Encoder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, value: object) -> str:
        self.calls += 1
        return json.dumps(value, separators=(",", ":"))


def test_the_same_data_is_encoded_once_for_every_operation_id() -> None:
    payloads, encode = SharedPayloads(), Encoder()
    data = {"rankChanged": {"newRank": 1}}

    first = payloads.encode({"id": "a", "type": "next", "payload": {"data": data}}, encode)
    second = payloads.encode({"id": "b", "type": "data", "payload": {"data": data}}, encode)

    assert encode.calls == 1
    assert json.loads(first or "") == {"id": "a", "type": "next", "payload": {"data": data}}
    assert json.loads(second or "") == {"id": "b", "type": "data", "payload": {"data": data}}


def test_equal_but_distinct_data_is_encoded_again() -> None:
    payloads, encode = SharedPayloads(), Encoder()
    one, other = {"v": 1}, {"v": 1}  # equal, but two results: identity decides
    for data in (one, other):
        text = payloads.encode({"id": "a", "type": "next", "payload": {"data": data}}, encode)
        assert json.loads(text or "")["payload"] == {"data": {"v": 1}}
    assert encode.calls == 2


def test_other_messages_are_left_to_the_default_encoder() -> None:
    payloads, encode = SharedPayloads(), Encoder()
    with_errors = {"id": "a", "type": "next", "payload": {"data": None, "errors": [{}]}}
    for message in ({"type": "connection_ack"}, {"id": "a", "type": "complete"}, with_errors):
        assert payloads.encode(message, encode) is None
    assert encode.calls == 0


def test_only_the_most_recent_results_are_kept() -> None:
    payloads, encode = SharedPayloads(size=2), Encoder()
    kept = [{"v": i} for i in range(3)]
    for data in kept:
        payloads.encode({"id": "a", "type": "next", "payload": {"data": data}}, encode)
    payloads.encode({"id": "b", "type": "next", "payload": {"data": kept[0]}}, encode)
    assert encode.calls == 4  # the oldest was evicted and encoded again
