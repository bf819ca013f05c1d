"""``schema.graphql`` is generated from the code and must not drift from it."""

from pathlib import Path

from app.graphql.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(), "schema.graphql is stale: run `make schema`"
