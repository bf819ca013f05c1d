"""Parsed and validated documents are reused across requests, and limits still apply."""

from strawberry.extensions.validation_cache import _get_validate_cache

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


async def test_a_repeated_document_is_validated_once(gql: GQL) -> None:
    # The depth and alias limits are validation rules; made per request they would be new
    # classes every time and the validation cache would never hit.
    validate = _get_validate_cache(256)
    await gql(QUERY)
    before = validate.cache_info()

    await gql(QUERY)

    after = validate.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


async def test_a_syntax_error_is_still_reported_with_a_code(gql: GQL) -> None:
    assert error_code(await gql("{ leaderboard { ")) == "BAD_USER_INPUT"
