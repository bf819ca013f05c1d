"""Groups of participants (seed 002's classes, subjects, campuses) and boards scoped by them.

A group has a key, a kind (CLASS, SUBJECT, CAMPUS or any kind an admin names) and a name;
a participant belongs to any number of groups. A leaderboard with ``scope: CLASS`` ranks
every CLASS group among its own members, on the same standings as the whole board: a
participant's score is its score on the board (from its events, as everywhere), and the
groups that rank it are the ones it belongs to now, so a move between groups moves its
standing at once and exactly. Group rankings are read from the database by the membership
index (``app.leaderboards.fallback``), never projected into Redis: 1,000 classes cost no
Redis memory and no extra work per write; see the README for the measured cost.

Glossary: ``Group`` (row), ``GroupView`` (what the service returns), ``GroupMember`` (one
membership), ``GroupStandingView`` (a group ranked against the others of its kind).
"""
