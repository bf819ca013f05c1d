"""Initial schema. aerich writes SQL for one dialect; this migration carries both, so the
same history applies to PostgreSQL (production) and SQLite (the embedded default)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


POSTGRES = """
        CREATE TABLE IF NOT EXISTS "tenants" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "slug" VARCHAR(64) NOT NULL UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "metadata" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "participants" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(200),
    "name" VARCHAR(200) NOT NULL,
    "age" SMALLINT,
    "address" VARCHAR(500) NOT NULL,
    "participant_type" VARCHAR(32) NOT NULL,
    "metadata" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_participant_tenant__de9198" UNIQUE ("tenant_id", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_participant_tenant__2ec87b" ON "participants" ("tenant_id", "id");
CREATE TABLE IF NOT EXISTS "leaderboards" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "time_window" VARCHAR(8) NOT NULL,
    "is_active" BOOL NOT NULL,
    "dirty_since" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_tenant__4cab97" UNIQUE ("tenant_id", "key")
);
COMMENT ON COLUMN "leaderboards"."time_window" IS 'ALL_TIME: ALL_TIME';
CREATE TABLE IF NOT EXISTS "metrics" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "unit" VARCHAR(32) NOT NULL,
    "aggregation" VARCHAR(3) NOT NULL,
    "higher_is_better" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_metrics_tenant__45149b" UNIQUE ("tenant_id", "key")
);
COMMENT ON COLUMN "metrics"."aggregation" IS 'SUM: SUM';
CREATE TABLE IF NOT EXISTS "leaderboard_metrics" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "weight" DOUBLE PRECISION NOT NULL,
    "display_priority" INT NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_leaderb_d359ce" UNIQUE ("leaderboard_id", "metric_id")
);
CREATE TABLE IF NOT EXISTS "score_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "value" DOUBLE PRECISION NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "source_id" VARCHAR(200) NOT NULL,
    "action_type" VARCHAR(64) NOT NULL,
    "context" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_score_event_tenant__48aaa7" UNIQUE ("tenant_id", "source", "source_id")
);
CREATE INDEX IF NOT EXISTS "idx_score_event_partici_7bc56a" ON "score_events" ("participant_id", "occurred_at");
CREATE INDEX IF NOT EXISTS "idx_score_event_tenant__39025c" ON "score_events" ("tenant_id", "metric_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "standings" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "period" VARCHAR(16) NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "version" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_standings_leaderb_4065e6" UNIQUE ("leaderboard_id", "period", "participant_id")
);
CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_0683a0" ON "standings" ("leaderboard_id", "period", "score");
CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_09a09a" ON "standings" ("leaderboard_id", "period", "updated_at");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""

SQLITE = """
        CREATE TABLE IF NOT EXISTS "tenants" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "slug" VARCHAR(64) NOT NULL UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "metadata" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "participants" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "external_id" VARCHAR(200),
    "name" VARCHAR(200) NOT NULL,
    "age" SMALLINT,
    "address" VARCHAR(500) NOT NULL,
    "participant_type" VARCHAR(32) NOT NULL,
    "metadata" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_participant_tenant__de9198" UNIQUE ("tenant_id", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_participant_tenant__2ec87b" ON "participants" ("tenant_id", "id");
CREATE TABLE IF NOT EXISTS "leaderboards" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "time_window" VARCHAR(8) NOT NULL /* ALL_TIME: ALL_TIME */,
    "is_active" INT NOT NULL,
    "dirty_since" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_tenant__4cab97" UNIQUE ("tenant_id", "key")
);
CREATE TABLE IF NOT EXISTS "metrics" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "unit" VARCHAR(32) NOT NULL,
    "aggregation" VARCHAR(3) NOT NULL /* SUM: SUM */,
    "higher_is_better" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_metrics_tenant__45149b" UNIQUE ("tenant_id", "key")
);
CREATE TABLE IF NOT EXISTS "leaderboard_metrics" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "weight" REAL NOT NULL,
    "display_priority" INT NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_leaderb_d359ce" UNIQUE ("leaderboard_id", "metric_id")
);
CREATE TABLE IF NOT EXISTS "score_events" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "value" REAL NOT NULL,
    "occurred_at" TIMESTAMP NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "source_id" VARCHAR(200) NOT NULL,
    "action_type" VARCHAR(64) NOT NULL,
    "context" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_score_event_tenant__48aaa7" UNIQUE ("tenant_id", "source", "source_id")
);
CREATE INDEX IF NOT EXISTS "idx_score_event_partici_7bc56a" ON "score_events" ("participant_id", "occurred_at");
CREATE INDEX IF NOT EXISTS "idx_score_event_tenant__39025c" ON "score_events" ("tenant_id", "metric_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "standings" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "period" VARCHAR(16) NOT NULL,
    "score" REAL NOT NULL,
    "version" BIGINT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_standings_leaderb_4065e6" UNIQUE ("leaderboard_id", "period", "participant_id")
);
CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_0683a0" ON "standings" ("leaderboard_id", "period", "score");
CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_09a09a" ON "standings" ("leaderboard_id", "period", "updated_at");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


MODELS_STATE = (
    "eJztXf9vmzgU/1ciftpJu6pJm7Y3nU5K2mzLLW2mJLubNk3IATe1SiAD0zba9X8/my8BjM"
    "1gBUqof1pqv2fg4+dnv4+fvR/K2tKh4RwsoAlMrLzp/FBMsIbkB1PzuqOAzSYqpwUYLA1P"
    "FHsyXhlYOtgGGm3qGhgOJEU6dDQbbTCyTFJquoZBCy2NCCJzFRW5JvruQhVbK4hvoE0qvn"
    "4jxcjU4QN0wj83t+o1goaeeFek02d75SrebryysYnfeoL0aUtVswx3bUbCmy2+scydNPK/"
    "cQVNaAMMafPYdunr07cLPjT8Iv9NIxH/FWM6OrwGroFjn7tUozJFVa+mC3U+WqiqUgAgzT"
    "IpuIhCTb9+RV/h9173+PT47Ojk+IyIeK+5Kzl99B8dAeMrevBcLZRHrx5g4Et4GEegOoa7"
    "SsN6fgNsPq6hPIMseWUW2RDH5kK7Bg+qAc0VviF/nhxn4PjPYHb+fjB7dXL8G32gRYzfHx"
    "RXQU3Pq6JQR9B6/xaANpQvB9qwIMI2Gqq1g9s7PMyBLpESwuvVJfFdQwyoXacx/ns+veJj"
    "HNdhcNaRhjv/dQzkpJxEWXgrf167pkah7CxdZGBkOgf0sX8pFfVCBugUI9ry2nG+G3GsX1"
    "0OPrPdcD6ZDj3ILAevbK8Vr4Eh0yWaDSlkKsDpTrkgNRitIb9jkpps1wSqB+GPfRwQ5AP1"
    "qWlsAy+X0TWL8eVovhhcfkz0z8VgMaI1Pa90y5S+OmH6bNdI59/x4n2H/tn5Mr0asd24k1"
    "t8Ueg7ARdbqmndq0CPOeSwNETtkc7S17exKYUWLIF2ew9sXU3UROaxATZGGtqE64ikgQwD"
    "7bcfZtAAHr5pUwgWLB+jlvbQFh5D6w9LI5uIwDKIvUB7aRFEngjWJGrpBYClEh9vI608zC"
    "699tqKXClotRsiR7NsqMI7+GS3NactjWhDrcUKA1MnrTwVqKCZNsFEZ0irZ4nmzHTVurdm"
    "S4AJVt4n0WfTJ3HmQ058z0yX4iCfnaHLjfS/BiQCbRk+YGibwFBJpP6NoQDicmF1bkpgiF"
    "YvhRX4o9c7OjrtHR6dnPWPT0/7Z4c7eiBdlcUTDMfvKFWQWED+nDuId2GqG8RxLqP2S+Fu"
    "AHZTxnwN0a5kE6rFl/jVNLzzNTAMoTcJVH7uTvbAgH2HctQ7Pdm5EPpHltOYXw4mk9BLxI"
    "DUdRJacuZ/sa3GVOozV6Uq0iVprP1cxtrPMNZ+2lhj07QPVQGwebo1ok4q0R3SXWDUg/9R"
    "Lwf8Rz0h+rRK8o6Sd5S8YyN4x3ivuxv9F3s9qSl7vSm9HmIU6/YUw+CHhtyYQ7hSS+j80n"
    "qtcR1cwr5wisNnQU4j/NayIVqZH+DWA3psUr5H460hUpkFewawiMYhxTa433ERSdMi30++"
    "GmIPgRmx9Nn4nCCdZ29EkoySZGw4yRjfR+KQjMw2k5hkZHe2qiMZb+E2RS7K/KI684toD6"
    "RQFQengXgLSSuZX7RvjGD8zVIwL+CDwDMwai0gtLKCh9HnRXY0v4sdJtOrd6E4G+Ingacx"
    "l3pPPpUEAFz7HpnuOrX+TC74k03U2AmDyUSlUU7BztjpvekkWig4EM5yDIMz4SA4Y4cAcl"
    "QyL6M7jp8ZWhaZx03B7BjXY8BfEsWq0A9nznoHwXA6nSQGwXDMWvmny+Fo9qrrIU+EEE5s"
    "scV8DrLxVnVQYNNFOA1GtQRSo2F7FPvLYaSpK0lYih3aflJXkrB8ib0uCUtJWDYE4LoJS5"
    "lmKynLUmCqibIM7CubuIyMMBd9Gc81L5vFNJJ0qv8kyWY+K5t5T+aSG94sY1hAAG2kwsB7"
    "TXWqGsfdg8NqhzEPv4vpp+Fk1Pk4G52P5+MgzWO3EvMqk/HvbDSYpAJgZ2OArbqxkWUjzC"
    "GPhUbMU61v6VQV3uWYNP+kTCEfkVaU61IOvr6fLgZtQkeiykFVxlBloSpjqJpiKIHTLQHe"
    "dp7nZDFOzzcJoM8H8/PBxUjhON8SIG5dMMqim5hyCrMAVYZs4jgtT3BWYUAm00qaE4jJtB"
    "KZViLTSmRaSZG0EvLVnMWt2LBD+RZAXfWRKLBa2XAF+DadL2OHaaJG0OefLgviTlXedEK9"
    "oujnAV+MPQv9DVqRFYqKHHUJMYY2Z38hK1OHpy4TdvIn7MhEDrHZ7+eWfp5EDklHKZKOak"
    "4wX9aWfiVXjrWOSkl4AnlgS4RSlRxRDDEOT5TEU8wVsUfuqiOMHMu1fQ/l/+JferRJ3tJk"
    "aZpr2/4KgcjG24t4zoSQvCepkfck3QHD5VAqGUkDO406cwaeJ3W7jKSB+CAouApnVFu4DN"
    "+TZXeutPnIj+YlcSKNFvKT5ZO/0fRUGOOnXOfWbJiruW/Mu4/Hx6kA1oxa67jJ8k2aPA7D"
    "B87EIL6tKaYiL2vK5uHlZU2SMstFmcm8OKWCvLj4ZX5Fg7y0bpsgriXmk4ywZIQbwba9fm"
    "KCIkM9PRHedv7vHCzGaf8pExRfQoLi7gwej3qOnc/LIJ7jhwErPje2gTay/F+xUZkmn4Vq"
    "HkvuE9BCmdjxdElCN5OEjjorL9UQs5z2cTrdkxw8Q5eNlyKegVYx1Jk3TtKeXczy7zTqZP"
    "n39FzgHbQdbnZZlgeJKdW3vO62wI3IK0te2MaKPBUqeRrJ00ieRvI0zeZp5EHSeg6SSj6s"
    "Oj7seVibAYlmtRuFw9kENa+zGBsQyZRK18hDpM94iFQYU4o5EXFE2QZSpNfv50l06ffFiS"
    "60jkl0IYOqAMKBeAvR7eZKI+pmpBF102lEXqoKb5L6SXaL+UzZLc8Tj5eWx5Ja9NY5mT3+"
    "D1nmn6g="
)
