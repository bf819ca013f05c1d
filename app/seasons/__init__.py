"""Seasons (seed 004's "challenge pass"): a calendar period plus a board.

A season is a SEASON calendar period of the tenant and a leaderboard bound to that one
period (``season-<key>``), whose metrics and integer weights are the season's challenge
weights. Its points are that board's scores: the same events, aggregation, idempotency,
re-scoring and live changes as any board; nothing here scores anything. On top: levels
(``levels``, pure), whether a season is active, rewards per level and their claims.

Glossary: ``Season`` (row), ``SeasonView`` (what the service returns), ``Levels`` (a step
or a list of thresholds), ``ProgressView`` (points, level and rank of a participant).
"""
