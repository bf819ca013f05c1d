"""Bad input: every mistake gets a coded GraphQL error and changes nothing.

Each rejection is checked against a snapshot of everything a client could observe (the
participant, standing and event rows, and the live ranking), taken before and after.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import pytest

from app.context import Context
from app.deps import Deps
from app.graphql.schema import build_schema
from app.participants.models import Participant as ParticipantRow
from app.scoring.models import ScoreEvent, Standing
from app.tenancy.service import TenantRef, ensure_tenant
from tests.conftest import GQL, admin_of, error_code

ADD = "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }"
UPDATE = "mutation($id: ID!, $input: UpdateParticipantInput!) { updateParticipant(id: $id, input: $input) { id } }"
DELETE = "mutation($id: ID!) { deleteParticipant(id: $id) }"
ADJUST = "mutation($id: ID!, $delta: Float!, $key: String) { adjustPoints(participantId: $id, delta: $delta, idempotencyKey: $key) { score } }"
RANKING = "{ leaderboard { size entries(first: 100) { edges { node { rank score participant { id } } } } } }"
ENTRIES = "query($first: Int!, $after: String) { leaderboard { entries(first: $first, after: $after) { edges { cursor } } } }"
PARTICIPANTS = "query($first: Int!, $after: String) { participants(first: $first, after: $after) { edges { cursor } } }"
GROUPS = "query($first: Int!) { scoreGroups(first: $first) { score } }"
GROUP_MEMBERS = "query($first: Int!, $after: String) { scoreGroups { participants(first: $first, after: $after) { totalCount } } }"
AROUND = "query($id: ID!, $radius: Int!) { leaderboard { around(participantId: $id, radius: $radius) { rank } } }"
LISTS = (ENTRIES, PARTICIPANTS, GROUPS, GROUP_MEMBERS)  # every paginated field

# Every operation that names a participant, with variables for everything but the id.
BY_ID: dict[str, tuple[str, dict[str, Any]]] = {
    "participant": ("query($id: ID!) { participant(id: $id) { id } }", {}),
    "updateParticipant": (UPDATE, {"input": {"name": "Renamed"}}),
    "deleteParticipant": (DELETE, {}),
    "adjustPoints": (ADJUST, {"delta": 1}),
    "entry": ("query($id: ID!) { leaderboard { entry(participantId: $id) { rank } } }", {}),
    "around": (AROUND, {"radius": 1}),
}
MUTATIONS_BY_ID = ["updateParticipant", "deleteParticipant", "adjustPoints"]


def encoded(text: str) -> str:
    """A cursor as the service encodes them (unpadded URL-safe base64)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def snapshot(gql: GQL) -> tuple[Any, ...]:
    """Everything a rejected request must leave untouched."""
    participants = (
        await ParticipantRow.all()
        .order_by("id")
        .values_list("id", "name", "age", "address", "external_id", "metadata", "updated_at")
    )
    standings = (
        await Standing.all()
        .order_by("participant_id")
        .values_list("participant_id", "score", "version")
    )
    events = await ScoreEvent.all().order_by("id").values_list("id", "participant_id", "value")
    ranking = await gql(RANKING)
    return participants, standings, events, ranking


async def rejected(
    gql: GQL, code: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run ``query``; assert it fails with ``code`` and that nothing changed."""
    before = await snapshot(gql)
    response = await gql(query, variables)
    assert len(response.get("errors") or []) == 1, (variables, response)
    assert error_code(response) == code, (variables, response)
    assert await snapshot(gql) == before, variables
    return response


async def add(gql: GQL, name: str, points: float = 0, age: int | None = None) -> str:
    response = await gql(ADD, {"input": {"name": name, "age": age}})
    assert "errors" not in response, response
    pid: str = response["data"]["addParticipant"]["id"]
    if points:
        adjusted = await gql(ADJUST, {"id": pid, "delta": points})
        assert "errors" not in adjusted, adjusted
    return pid


@pytest.fixture
async def people(gql: GQL) -> list[str]:
    """Three ranked participants: Ada (10 points), Bob (5), Cy (0, no age)."""
    return [await add(gql, "Ada", 10, 36), await add(gql, "Bob", 5, 20), await add(gql, "Cy")]


# Unknown and malformed ids


async def test_unknown_participant_id_is_not_found(gql: GQL, people: list[str]) -> None:
    for operation in MUTATIONS_BY_ID:
        query, variables = BY_ID[operation]
        await rejected(gql, "NOT_FOUND", query, {**variables, "id": "999999"})


async def test_another_tenants_participant_is_not_found_and_left_alone(
    gql: GQL, people: list[str]
) -> None:
    other = await ensure_tenant("other")
    response = await gql(ADD, {"input": {"name": "Theirs"}}, as_tenant=other)
    theirs = response["data"]["addParticipant"]["id"]

    for operation in MUTATIONS_BY_ID:
        query, variables = BY_ID[operation]
        await rejected(gql, "NOT_FOUND", query, {**variables, "id": theirs})

    assert await ParticipantRow.filter(id=int(theirs), name="Theirs").exists()
    assert await Standing.filter(participant_id=int(theirs), score=0).exists()


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "²", "1.5", " 1", "", "9" * 19])
async def test_malformed_id_is_bad_user_input_everywhere(
    gql: GQL, people: list[str], bad_id: str
) -> None:
    for operation, (query, variables) in BY_ID.items():
        response = await rejected(gql, "BAD_USER_INPUT", query, {**variables, "id": bad_id})
        assert response["errors"][0]["path"][-1] == operation


# Participant fields


@pytest.mark.parametrize("name", ["", "  \t\n ", "a" * 10_000, "a" * 201, "Ada\x00"])
async def test_unacceptable_name_is_rejected_on_add_and_update(
    gql: GQL, people: list[str], name: str
) -> None:
    response = await rejected(gql, "BAD_USER_INPUT", ADD, {"input": {"name": name}})
    assert response["errors"][0]["extensions"]["field"] == "name"

    await rejected(gql, "BAD_USER_INPUT", UPDATE, {"id": people[0], "input": {"name": name}})


async def test_name_cannot_be_removed_on_update(gql: GQL, people: list[str]) -> None:
    await rejected(gql, "BAD_USER_INPUT", UPDATE, {"id": people[0], "input": {"name": None}})


async def test_name_of_exactly_200_characters_is_accepted(gql: GQL) -> None:
    response = await gql(ADD, {"input": {"name": "a" * 200}})

    assert "errors" not in response, response


async def test_age_outside_0_to_150_is_rejected_on_add_and_update(
    gql: GQL, people: list[str]
) -> None:
    for age in (-1, 151, 500, 2**31):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": {"name": "Old", "age": age}})
        await rejected(gql, "BAD_USER_INPUT", UPDATE, {"id": people[0], "input": {"age": age}})


async def test_ages_at_the_bounds_are_accepted(gql: GQL) -> None:
    for age in (0, 150):
        response = await gql(ADD, {"input": {"name": f"Aged {age}", "age": age}})
        assert "errors" not in response, response


async def test_unacceptable_address_or_external_id_is_rejected(gql: GQL, people: list[str]) -> None:
    for fields in (
        {"address": "x" * 501},
        {"address": "bell\x07"},
        {"externalId": ""},
        {"externalId": "   "},
        {"externalId": "x" * 201},
    ):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": {"name": "E", **fields}})
        await rejected(gql, "BAD_USER_INPUT", UPDATE, {"id": people[0], "input": fields})


async def test_metadata_that_is_not_a_small_json_object_is_rejected(
    gql: GQL, people: list[str]
) -> None:
    for metadata in ([1, 2], "text", 5, {"blob": "x" * 20_000}):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": {"name": "M", "metadata": metadata}})
        await rejected(
            gql, "BAD_USER_INPUT", UPDATE, {"id": people[0], "input": {"metadata": metadata}}
        )


async def test_input_of_the_wrong_shape_is_rejected(gql: GQL, people: list[str]) -> None:
    for bad in (
        {"name": 5},
        {"age": 30},
        {"name": "Ada", "age": "thirty"},
        {"name": "A", "nick": "A"},
    ):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": bad})


# Score changes


async def test_non_finite_delta_is_rejected(gql: GQL, people: list[str]) -> None:
    for delta in (math.inf, -math.inf, math.nan):
        await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": delta})


async def test_oversized_delta_is_rejected(gql: GQL, deps: Deps, people: list[str]) -> None:
    for delta in (1e300, -1e300, deps.settings.max_abs_delta * 1.5):
        response = await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": delta})
        assert response["errors"][0]["extensions"]["field"] == "delta"


async def test_zero_delta_is_rejected(gql: GQL, people: list[str]) -> None:
    for delta in (0.0, -0.0):
        await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": delta})


METRIC = "mutation($input: MetricInput!) { defineMetric(input: $input) { key dataType } }"
RECORD = """mutation($pid: ID!, $metric: String!, $value: Float!) {
  recordScore(input: {participantId: $pid, metric: $metric, value: $value,
                      source: "test", sourceId: "s1"}) { duplicate } }"""


async def test_points_are_whole_numbers(gql: GQL, people: list[str]) -> None:
    for delta in (2.5, -0.5, 1e-9):
        response = await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": delta})
        assert response["errors"][0]["extensions"]["field"] == "delta"
        assert "whole number" in response["errors"][0]["message"]
    response = await rejected(
        gql, "BAD_USER_INPUT", RECORD, {"pid": people[0], "metric": "points", "value": 1.5}
    )
    assert response["errors"][0]["extensions"]["field"] == "value"
    assert (await gql(ADJUST, {"id": people[0], "delta": 2.0}))["data"] == {
        "adjustPoints": {"score": 12}
    }


async def test_a_metric_of_integer_values_refuses_fractions(gql: GQL, people: list[str]) -> None:
    defined = await gql(METRIC, {"input": {"key": "laps", "name": "Laps", "dataType": "INTEGER"}})
    assert defined["data"] == {"defineMetric": {"key": "laps", "dataType": "INTEGER"}}, defined

    await rejected(
        gql, "BAD_USER_INPUT", RECORD, {"pid": people[0], "metric": "laps", "value": 0.5}
    )
    recorded = await gql(RECORD, {"pid": people[0], "metric": "laps", "value": 3})
    assert recorded["data"] == {"recordScore": {"duplicate": False}}, recorded


async def test_a_metric_with_fractions_recorded_cannot_become_integer(
    gql: GQL, people: list[str]
) -> None:
    await gql(METRIC, {"input": {"key": "km", "name": "Km"}})
    recorded = await gql(RECORD, {"pid": people[0], "metric": "km", "value": 2.5})
    assert "errors" not in recorded, recorded

    response = await rejected(
        gql, "BAD_USER_INPUT", METRIC, {"input": {"key": "km", "name": "Km", "dataType": "INTEGER"}}
    )
    assert response["errors"][0]["extensions"]["field"] == "dataType"
    points = {"key": "points", "name": "Points", "dataType": "NUMBER"}
    await rejected(gql, "BAD_USER_INPUT", METRIC, {"input": points})


async def test_delta_that_would_leave_the_score_range_is_rejected(
    gql: GQL, deps: Deps, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "max_abs_score", 100.0)
    ada = people[0]  # 10 points

    await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": ada, "delta": 91})
    await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": ada, "delta": -111})
    response = await gql(ADJUST, {"id": ada, "delta": 90})
    assert response["data"] == {"adjustPoints": {"score": 100}}


async def test_rejected_change_does_not_use_up_its_idempotency_key(
    gql: GQL, deps: Deps, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "max_abs_score", 100.0)
    await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": 91, "key": "k"})

    response = await gql(ADJUST, {"id": people[0], "delta": 1, "key": "k"})

    assert response["data"] == {"adjustPoints": {"score": 11}}


async def test_idempotency_key_of_the_wrong_length_is_rejected(gql: GQL, people: list[str]) -> None:
    for key in ("", "k" * 201):
        await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": 1, "key": key})


# Cursors, page sizes, radius


async def test_malformed_entries_cursor_is_rejected(gql: GQL, people: list[str]) -> None:
    for cursor in (
        "garbage!!",
        "%%%",
        "zzzz",
        encoded("hello"),
        encoded("rk:"),
        encoded("rk:-10"),
        encoded("rk:abc:1"),
        encoded("rk:nan:1"),
        encoded("rk:inf:1"),
        encoded("rk:-10:-1"),
        encoded("rk:-10:abc"),
        encoded("rk:-10:1:2"),
        encoded("rk:-10:1:" + "g" * 16),  # tie keys are 16 or 32 hex digits
        encoded("rk:-10:1:"),
        encoded("rk:-10:" + "9" * 20),
        encoded("rk:1_0:1"),  # spellings Python reads as numbers but Redis does not
        encoded("rk:-10 :1"),
        encoded("rk:١٠:1"),
    ):
        await rejected(gql, "BAD_USER_INPUT", ENTRIES, {"first": 2, "after": cursor})


async def test_id_cursor_passed_to_entries_is_rejected(gql: GQL, people: list[str]) -> None:
    response = await gql(PARTICIPANTS, {"first": 1, "after": None})
    id_cursor = response["data"]["participants"]["edges"][0]["cursor"]

    await rejected(gql, "BAD_USER_INPUT", ENTRIES, {"first": 2, "after": id_cursor})


async def test_malformed_participants_cursor_is_rejected(gql: GQL, people: list[str]) -> None:
    for cursor in (
        "garbage!!",
        encoded("id:"),
        encoded("id:abc"),
        encoded("id:-1"),
        encoded("id:²"),
    ):
        await rejected(gql, "BAD_USER_INPUT", PARTICIPANTS, {"first": 2, "after": cursor})
        await rejected(gql, "BAD_USER_INPUT", GROUP_MEMBERS, {"first": 2, "after": cursor})


async def test_entries_cursor_passed_to_participants_is_rejected(
    gql: GQL, people: list[str]
) -> None:
    response = await gql(ENTRIES, {"first": 1, "after": None})
    rank_cursor = response["data"]["leaderboard"]["entries"]["edges"][0]["cursor"]

    await rejected(gql, "BAD_USER_INPUT", PARTICIPANTS, {"first": 2, "after": rank_cursor})
    await rejected(gql, "BAD_USER_INPUT", GROUP_MEMBERS, {"first": 2, "after": rank_cursor})


async def test_page_size_outside_1_to_1000_is_rejected_on_every_list(
    gql: GQL, people: list[str]
) -> None:
    for query in LISTS:
        for first in (1001, 0, -1):
            response = await rejected(gql, "BAD_USER_INPUT", query, {"first": first})
            assert response["errors"][0]["extensions"]["field"] == "first"


async def test_page_size_of_1000_is_accepted_on_every_list(gql: GQL, people: list[str]) -> None:
    for query in LISTS:
        response = await gql(query, {"first": 1000})
        assert "errors" not in response, response


async def test_configured_page_size_cap_applies_to_every_list(
    gql: GQL, deps: Deps, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "max_page_size", 100)

    for query in LISTS:
        assert "errors" not in await gql(query, {"first": 100})
        await rejected(gql, "BAD_USER_INPUT", query, {"first": 101})


async def test_radius_outside_0_to_100_is_rejected(gql: GQL, people: list[str]) -> None:
    for radius in (101, -1):
        response = await rejected(
            gql, "BAD_USER_INPUT", AROUND, {"id": people[0], "radius": radius}
        )
        assert response["errors"][0]["extensions"]["field"] == "radius"


# The document itself


async def test_query_deeper_than_the_limit_is_rejected(
    deps: Deps, tenant: TenantRef, people: list[str]
) -> None:
    shallow = build_schema(deps.settings.model_copy(update={"max_query_depth": 3}))
    deep = "{ leaderboard { entries { edges { node { rank } } } } }"

    result = await shallow.execute(deep, context_value=Context(deps, admin_of(tenant)))

    assert result.data is None
    assert result.errors is not None
    assert len(result.errors) == 1
    assert "depth" in result.errors[0].message
    assert (result.errors[0].extensions or {})["code"] == "BAD_USER_INPUT"
    ok = await shallow.execute(
        "{ leaderboard { size } }", context_value=Context(deps, admin_of(tenant))
    )
    assert ok.errors is None


async def test_more_aliases_than_the_limit_are_rejected(gql: GQL, people: list[str]) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: participant(id: 1) {{ id }}" for i in range(count)) + " }"

    assert "errors" not in await gql(aliased(30))
    await rejected(gql, "BAD_USER_INPUT", aliased(31))


async def test_aliased_mutations_over_the_limit_change_nothing(gql: GQL, people: list[str]) -> None:
    adds = " ".join(f'a{i}: addParticipant(input: {{name: "N{i}"}}) {{ id }}' for i in range(31))

    await rejected(gql, "BAD_USER_INPUT", f"mutation {{ {adds} }}")


async def test_document_with_too_many_tokens_is_rejected(gql: GQL, people: list[str]) -> None:
    await rejected(gql, "BAD_USER_INPUT", "{ " + "__typename " * 5001 + "}")


async def test_syntax_error_is_rejected_and_runs_nothing(gql: GQL, people: list[str]) -> None:
    await rejected(gql, "BAD_USER_INPUT", 'mutation { addParticipant(input: {name: "X"}) { id }')


async def test_unknown_field_is_rejected(gql: GQL, people: list[str]) -> None:
    response = await rejected(gql, "BAD_USER_INPUT", "{ leaderboard { size bogus } }")

    assert "bogus" in response["errors"][0]["message"]


async def test_missing_required_argument_is_rejected(gql: GQL, people: list[str]) -> None:
    await rejected(gql, "BAD_USER_INPUT", "mutation { deleteParticipant }")


# Internals


async def explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("password=hunter2 host=db.internal")


async def test_unexpected_error_in_a_query_is_internal_and_hides_the_details(
    gql: GQL, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.participants.queries.get_participants", explode)

    response = await gql("query($id: ID!) { participant(id: $id) { id } }", {"id": people[0]})

    assert response["errors"] == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["participant"],
            "extensions": {"code": "INTERNAL"},
        }
    ]
    assert "hunter2" not in repr(response)


async def test_unexpected_error_in_a_mutation_is_internal_and_changes_nothing(
    gql: GQL, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.scoring.service.record_batch", explode)

    response = await rejected(gql, "INTERNAL", ADJUST, {"id": people[0], "delta": 1})

    assert response["errors"][0]["message"] == "Internal server error."
    assert "hunter2" not in repr(response)


# Text PostgreSQL cannot store (U+0000, lone surrogates) is the client's mistake, not a crash


async def test_text_the_database_cannot_store_is_a_client_error(
    gql: GQL, people: list[str]
) -> None:
    for bad in ({"name": "Ada \ud800"}, {"name": "Ada", "address": "\udc00"}):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": bad})
    for metadata in ({"a": "\x00"}, {"a": "\ud800"}, {"\x00": 1}):
        await rejected(gql, "BAD_USER_INPUT", ADD, {"input": {"name": "M", "metadata": metadata}})
    for key in ("k\x00", "k\ud800"):
        await rejected(gql, "BAD_USER_INPUT", ADJUST, {"id": people[0], "delta": 1, "key": key})
    for board in ("points\x00", "\ud800"):
        query = "query($k: String!) { leaderboard(key: $k) { size } }"
        await rejected(gql, "NOT_FOUND", query, {"k": board})


HOSTILE_KEYS = ["a*", "{a}", "a:b", "a b", "a\nb", "a\n", "a\x00", "a\x1b[0m", "é", "x" * 500, ""]
DEFINERS = {
    "defineMetric": ('mutation($k: String!) { defineMetric(input: {key: $k, name: "M"}) { key } }'),
    "defineLeaderboard": (
        'mutation($k: String!) { defineLeaderboard(key: $k, input: {name: "B",'
        ' metrics: [{metric: "points"}]}) { key } }'
    ),
    "defineCalendarPeriod": (
        "mutation($k: String!) { defineCalendarPeriod(kind: TERM, key: $k,"
        ' startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-06-01T00:00:00Z") { key } }'
    ),
}


@pytest.mark.parametrize("operation", sorted(DEFINERS))
async def test_keys_are_data_never_syntax(
    gql: GQL, deps: Deps, people: list[str], redis: Any, operation: str
) -> None:
    prefix = deps.settings.redis_prefix
    keys_before = sorted([k async for k in redis.scan_iter(match=f"{prefix}:*")])
    for key in HOSTILE_KEYS:
        response = await rejected(gql, "BAD_USER_INPUT", DEFINERS[operation], {"k": key})
        assert " key " in response["errors"][0]["message"], (key, response)
        assert response["errors"][0]["extensions"]["field"] == "key"
    assert sorted([k async for k in redis.scan_iter(match=f"{prefix}:*")]) == keys_before


async def test_period_keys_are_parsed_whole(gql: GQL, people: list[str]) -> None:
    data = await gql(
        'mutation { defineLeaderboard(key: "day", input: {name: "D", timeWindow: DAILY,'
        ' metrics: [{metric: "points"}]}) { key } }'
    )
    assert "errors" not in data, data
    query = 'query($p: String!) { leaderboard(key: "day", period: $p) { period } }'
    for period in ("2026-01-01\n", "٢٠٢٦-01-01", "2026-01-01*", "{2026-01-01}", "2026-1-1"):
        await rejected(gql, "BAD_USER_INPUT", query, {"p": period})
    found = await gql(query, {"p": "2026-01-01"})
    assert found["data"] == {"leaderboard": {"period": "2026-01-01"}}, found
