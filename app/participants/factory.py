"""The model factory: realistic random participants, fast enough for millions.

Faker is slow per call (tens of microseconds), so names and addresses are drawn from pools
that Faker fills once; combining them gives millions of distinct, realistic people.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker

POOL = 3000
MIN_AGE, MAX_AGE = 13, 90


@dataclass(frozen=True, slots=True)
class FakePerson:
    name: str
    age: int
    address: str


def fake_people(count: int, seed: int | None = None) -> Iterator[FakePerson]:
    """``count`` people with first and last names, ages 13-90 and street addresses."""
    faker = Faker("en_US")
    faker.seed_instance(seed)
    rnd = random.Random(seed)
    first = [faker.first_name() for _ in range(POOL)]
    last = [faker.last_name() for _ in range(POOL)]
    streets = [faker.street_address() for _ in range(POOL)]
    places = [f"{faker.city()}, {faker.state_abbr()} {faker.zipcode()}" for _ in range(POOL)]
    for _ in range(count):
        yield FakePerson(
            name=f"{rnd.choice(first)} {rnd.choice(last)}",
            age=rnd.randint(MIN_AGE, MAX_AGE),
            address=f"{rnd.choice(streets)}, {rnd.choice(places)}",
        )
