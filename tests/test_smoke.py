from tests.conftest import GQL


async def test_new_participant_starts_at_zero_and_is_ranked(gql: GQL) -> None:
    added = await gql(
        'mutation { addParticipant(input: {name: "Ada", age: 36}) { id points rank } }'
    )
    assert added["data"]["addParticipant"]["points"] == 0
    assert added["data"]["addParticipant"]["rank"] == 1
