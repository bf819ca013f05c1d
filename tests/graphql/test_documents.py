"""Parsed documents are reused across requests, and limits still apply to them."""

from app.graphql.documents import parse_cached
from tests.conftest import GQL, error_code

QUERY = "query Reused { leaderboard { size } }"


async def test_a_repeated_document_is_parsed_once(gql: GQL) -> None:
    await gql(QUERY)
    before = parse_cached.cache_info()

    await gql(QUERY)

    after = parse_cached.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


async def test_a_syntax_error_is_still_reported_with_a_code(gql: GQL) -> None:
    assert error_code(await gql("{ leaderboard { ")) == "BAD_USER_INPUT"
