"""Ranked: a live leaderboard service (GraphQL over Redis sorted sets, PostgreSQL as truth)."""
