"""Workers: winners of the winner checks (seed 003), leaderboard runs and their entries
(seed 004), the job log, and each board's winner interval (the points board: every 5
minutes). Both dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "leaderboards" DROP COLUMN "winner_every";
        DROP TABLE IF EXISTS "run_entries";
        DROP TABLE IF EXISTS "leaderboard_runs";
        DROP TABLE IF EXISTS "winners";
        DROP TABLE IF EXISTS "job_runs";"""


POSTGRES = """
CREATE TABLE IF NOT EXISTS "job_runs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "outcome" VARCHAR(32) NOT NULL,
    "detail" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "duration_ms" INT
);
CREATE INDEX IF NOT EXISTS "idx_job_runs_started_0121d2" ON "job_runs" ("started_at");
CREATE TABLE IF NOT EXISTS "winners" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "period" VARCHAR(16) NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "declared_at" TIMESTAMPTZ NOT NULL,
    "tick" TIMESTAMPTZ NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_winners_leaderb_6a3454" UNIQUE ("leaderboard_id", "tick")
);
CREATE INDEX IF NOT EXISTS "idx_winners_leaderb_6efffe" ON "winners" ("leaderboard_id", "id");
CREATE INDEX IF NOT EXISTS "idx_winners_partici_b5438d" ON "winners" ("participant_id", "id");
CREATE TABLE IF NOT EXISTS "leaderboard_runs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "period" VARCHAR(16) NOT NULL,
    "period_start" TIMESTAMPTZ,
    "period_end" TIMESTAMPTZ,
    "status" VARCHAR(10) NOT NULL,
    "trigger" VARCHAR(8) NOT NULL,
    "schedule_key" VARCHAR(16),
    "max_entries" INT,
    "row_count" INT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_leaderb_f78484" UNIQUE ("leaderboard_id", "schedule_key")
);
CREATE INDEX IF NOT EXISTS "idx_leaderboard_leaderb_3cb812" ON "leaderboard_runs" ("leaderboard_id", "id");
CREATE INDEX IF NOT EXISTS "idx_leaderboard_status_205489" ON "leaderboard_runs" ("status", "created_at");
CREATE TABLE IF NOT EXISTS "run_entries" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "tie_key" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "avatar" VARCHAR(500) NOT NULL,
    "breakdown" JSONB NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "leaderboard_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_run_entries_run_id_3d7d80" UNIQUE ("run_id", "position")
);
ALTER TABLE "leaderboards" ADD "winner_every" INT;
UPDATE "leaderboards" SET "winner_every" = 5 WHERE "key" = 'points';"""

SQLITE = """
CREATE TABLE IF NOT EXISTS "job_runs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "outcome" VARCHAR(32) NOT NULL,
    "detail" JSON NOT NULL,
    "error" TEXT NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "finished_at" TIMESTAMP,
    "duration_ms" INT
);
CREATE INDEX IF NOT EXISTS "idx_job_runs_started_0121d2" ON "job_runs" ("started_at");
CREATE TABLE IF NOT EXISTS "winners" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "period" VARCHAR(16) NOT NULL,
    "points" REAL NOT NULL,
    "declared_at" TIMESTAMP NOT NULL,
    "tick" TIMESTAMP NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_winners_leaderb_6a3454" UNIQUE ("leaderboard_id", "tick")
);
CREATE INDEX IF NOT EXISTS "idx_winners_leaderb_6efffe" ON "winners" ("leaderboard_id", "id");
CREATE INDEX IF NOT EXISTS "idx_winners_partici_b5438d" ON "winners" ("participant_id", "id");
CREATE TABLE IF NOT EXISTS "leaderboard_runs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "period" VARCHAR(16) NOT NULL,
    "period_start" TIMESTAMP,
    "period_end" TIMESTAMP,
    "status" VARCHAR(10) NOT NULL,
    "trigger" VARCHAR(8) NOT NULL,
    "schedule_key" VARCHAR(16),
    "max_entries" INT,
    "row_count" INT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "started_at" TIMESTAMP,
    "finished_at" TIMESTAMP,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_leaderboard_leaderb_f78484" UNIQUE ("leaderboard_id", "schedule_key")
);
CREATE INDEX IF NOT EXISTS "idx_leaderboard_leaderb_3cb812" ON "leaderboard_runs" ("leaderboard_id", "id");
CREATE INDEX IF NOT EXISTS "idx_leaderboard_status_205489" ON "leaderboard_runs" ("status", "created_at");
CREATE TABLE IF NOT EXISTS "run_entries" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" REAL NOT NULL,
    "tie_key" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "avatar" VARCHAR(500) NOT NULL,
    "breakdown" JSON NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "leaderboard_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_run_entries_run_id_3d7d80" UNIQUE ("run_id", "position")
);
ALTER TABLE "leaderboards" ADD "winner_every" INT;
UPDATE "leaderboards" SET "winner_every" = 5 WHERE "key" = 'points';"""


MODELS_STATE = (
    "eJztXW1z4jgS/isuvuxsVXZqSIYkl7q6KkI8M+wQSAHZndthyzGgEF+MzPolL7c3//0kv2"
    "BblogNtmOc/gLGVsv46bakftQt/d1YGnOkW+/HCKvYbpxJfzewukTkgLlyIDXU1So8T0/Y"
    "6lR3i9puGfecOrVsU53Rqm5V3ULk1BxZM1Nb2ZqByVns6Do9acxIQQ0vwlMO1v5ykGIbC2"
    "TfIZNc+P4nOa3hOXpCVvBzda/cakifx/6rNqf3ds8r9vPKPdfF9ie3IL3bVJkZurPEYeHV"
    "s31n4HVpzXvGBcLIVG1Eq7dNh/59+u/8Bw2eyPunYRHvL0Zk5uhWdXQ78rhTJTzXUJT+YK"
    "yM5LGiNDIANDMwBVejUNOnX9C/8Mth8+PJx9Oj44+npIj7N9dnTn54tw6B8QRdePrjxg/3"
    "umqrXgkX4xBUS3cWSVg7d6rJxzUozyBL/jKLbIBjdaFdqk+KjvDCviM/jz9uwPG39rDzpT"
    "18d/zxZ3pDgxi/91L0/SuH7iUKdQit+50B2qB8PtAGJ0Jsw1e1dHAPP3xIgS4pJYTXvRbH"
    "d4lsldp1EuNfR4M+H+OoDIPzXJvZ0v8kXbMSjUReeDf+eevgGYVSmjqabmvYek9v+69GQV"
    "rYADrFiNa8tKy/9CjW7y7b31g1dHqDcxcyw7IXpluLW8E5o5KZiShkimonlXJBrtjaEvEV"
    "E5dkVeOLvg8O9vGFIA84H2D92W/lNqhm3L2UR+P25VVMPxftsUyvHLpnn5mz744Zna0rkX"
    "7vjr9I9Kf0x6Avs2pclxv/0aD/SXVsQ8HGo6LOIw1ycDZA7QftpW/vI10KPTFVZ/ePqjlX"
    "YldC81ippq3NtFUwjogbyLkv/enrEOmqi2/SFPwBy1VY0x7awo/A+oOzoU1E3iWVNJ9z1V"
    "RWyNSM+Y6AdfzartzK6oqZTt4xZE4NAsqOePXCmt4AWArpF01tlh9ml259dUUuF7TeAkSK"
    "uiD9zII8Wy5gtYPa6oqaNTNMpKAHtHMHOaI1ybSi2mJlq3hOatkVKL+ausL0qGHyUDuC9L"
    "tbSV0hMh2cX883dHCNcVJIg2Jqu7bmBCOZ1PNcJ6Co/2McGiKPKHlpebhkz6hYXbiPRO9N"
    "78TxdjjsLeMMiSlc1v/Kl8f97lPEtGb0ZCMTq7qizRt/MgRvtBy9fCBFzxgrSgMYju3JpW"
    "aCz7XFWyGD/3F4eHR0cvjh6Pi09fHkpHX6Yc0KJy9toofPu58pQ3wQ5Q1epoyjuk2oQUxv"
    "MmJbsZw+2FVpDEogOYFELhZf0uAm4R0tVV0Xtia+yMvNyR4YsNegHB2eHK+bEPpjU6Mxum"
    "z3ekErEQFyPjeRxRkYiG01IlKeuTaK4trjxtpKZaytDcbaShprpP/2oMoANk+2RNTJRe1B"
    "mzuqXg7+R4cp4D86FKJPLzEG/kA6RFNxTD2TjcekwMzTmHk4BEyO8gxDRyrmYx2TY6CeEs"
    "GisF6fKXcG73ww6MVmiM67zFiuf315Lg/fNV3wSSHNjg3xYCoVplL3kUqt2VRqVOvOar6l"
    "1uOSoPWqaD3AKKL2BLHmsR9cf1rohcRktvJFKqfgHELdEmEJLMhJhD8ZJtIW+Ct6doHuYj"
    "qxMOONjxPBknsGsIi7JKdN9XHNs8VNizw/eWrkjRyGxNKH3Q5BOk24B0z+weQfTP69JkyP"
    "2q4zW/Wb+StyooaJsuLM1STjsMTTNbwIsBenbBptid5yLlkrFUvGrWTfIclr0X+ypKBK6R"
    "25qM7UOVpqM3LZXB5IqmQh1TLwz2eujH9TUkWDAbyAW0zwWB5eSuRtlEZym7hDkhfE9b5x"
    "8OJc0z2xMPcbPSfmmiCZoMxkgkATSXJMxs4yMbyKYRzIVnnigjgL3d6/zyT3a4J/l+Wv9K"
    "f3PcGXg/74Cz3hH3hGfSbRzwn27PrMt+8Jbvd6CvUdzqTgaII716PxgEh43+x7l4aQO01B"
    "x50KybhTloqj7xRXofwXxS9eZR1uSXQ2j1MA22R9yBBZemnfZvZK4pALmdcjrYxpW1vwKD"
    "HBGtIo+0ubJNkyMs7YRsURMVBwpRUMxFhewzYgxl6dGCvS8Yymq3C8TiabRexysgk0xUUI"
    "grf26t4ajO0h9Xs/R/fRf5aAeYyeBC0DI1YDT2rTYE/+No6N8xJRCeuxXm/Q/xwUZ0MVmK"
    "gEAszCMDM1HFGZGkBedNtRiSC/qsWpFhzbR1095ZE8HPFDuHC/zF8yVZRo6AF9mNHg3x6Z"
    "WRlOqGJvV50Yg0pQQqDf4hghooH/GjhTrxiVKbFdvh539nUMYhmmrRjm3Jv536Y7jNdQIu"
    "oX8igr7K4M6QjJJ+nJ6GHbryOjItLoQayGhBZMFd8rlKTZVgmxCkrUQWdweUWainHXi4vO"
    "ooqIKBk5hD8m+ELuj2SqJfI1wYPhRbff7p1J/sE26mo208zpNcVzes3EkmSkemGGtJCwYq"
    "RqlFi2I3cVAvugWdpU0zVb4Hm+/C7EayjxZRjL/baXZJvlPbi6Pu91SUvkfdPBN62FDr/p"
    "9wRfDbu/kf6YFPAOtrH/TSoIzP9EaP0nSScKKUg1dWLGWTN3WFFI3smQvEObjmdyE93mdd"
    "fiBB5WDpJ4NtNlWyTxaMSpIM/3wOnBN74PMbkSX4ZgemNv3wVvtRsaRM3jKIU9MCsGXXAS"
    "2rlm2s+KpfmdaxbvmhEFD7vKHranLF3ldeJp1BxIgparrGVILxU3nPuZaAjppW9R65yXHd"
    "JLSxkPUZ/VX+U0G7KsHAw2IUSx1BBFvhXngG7qJY0rZr2pwWVf3R2So2HF7SyJrJBKDunR"
    "sDYyrI1cKZxKCuj3W/bNYf1h858quD+64UPeMf56PNnAH11ArP9rxvo/koHcHW8ArRuqiB"
    "NfizDw3lKZot7j5vsPxb7GPPwuBtfnPVm6Gsqd7sgPWgg9ePdifOJhKLd7CXrcWunqs7Iy"
    "NcPkzlMLjZgnWp7LXRTeefvb0dYrUxuRFAQ+g78GZGYuY3ceo+6oAveWF6pAD70CPcSM5X"
    "aEt56bqrEYJ/ubGNCd9qjTvpAbnMa3TApuX9HdjX8r0mUT+2lpnLMCHTJIuq6OIwZJ15B0"
    "DUnX+50BXHbSNXlqzuBWbNhB+RpAXXTir9tOi7OsX04riFVQIuBeRGxG2H2pM8n7nmDSX8"
    "mf6Qn/YIIvrodtL/kmOJrgK3nYkWnygX/Q2EJ1OafyBvOB3LYoneaYKkrU3ej6MqviiMiZ"
    "RD4muDO4pqpwvyaYtCpnEvkgR12iM/Ixwe3fPp9J5GOCe+0RKUo/t1FZK4XKWuJ9XViV3W"
    "kLMiJVNEuZIpubqrAxJJ4nDpHx6SPjIeBTbPb7GfqXJuAT6McG0I/VIW/y2lmCBmKFi9Tl"
    "EpuQAvU9iVoTEbgQawaxZgXABRuWiFAqnmwOjUvIOsfs7yX6WYnb/subTQwwkjzRnyzJdD"
    "AmQEnrSqRbw5QMUiSyLhn57Z5yGxJJ8354G0G8Z72UnKuf4AmWaYqnFPH9JM2S7tHKltAT"
    "eVL9+UB61IiJOrZERmEz1bulZ+OuB+buUUG8K+nWNJbSzY1t2Kp+czPB9PzNzcxwsH1zc0"
    "CdMrcoccmCosS70pbO8uZG8souNez9PnB9NK8Y3RfjQdUd5G+sMcE6VYft/Qfp3fSZSBqz"
    "mWOa7picSpNi2L+uzQ8ky5BUiUr9opqm9kAfwNBJ2+0XmRvIkrBhT7BBwHg0ictAymP0iF"
    "w0fxbvucHMBq7We5is4jvQ5xHyBfu502tl7OceqjEtwRhRfP248/x3enDbhGwWvhapTRxY"
    "KUYe8RBos8xxycTxjmuJMsMd9zTY0e+5MuEbkSkT4eIHfoWB7A0XsoEcygDIaUCmqxUo7n"
    "grE85xMYA6NdTZ6eeIWA255z3hmgNMNpLNrqZcH4NLOG8a7yRE68Q7v8bQZ4sXLSoHi7dU"
    "+UXze/ktdByXBC1XWsvegHkbLcckQctV1jKkNUFa0/6hGt1oJOtYLylbJ4jLHuxBgAcEeO"
    "xXgAfkl+2G8Tb5ZcwE3Y44X8VrqynOyX4K8vjeQh5fJBiFE1URD1URB1RYtJwSBscUl9Rn"
    "GY7pmZJ3RDFlp96/sy1AJIKgQcpG6wttOFYIZu8rOXuffe4Cpi0yTVtEX4IEzJt5GEYUpi"
    "8qzcSE7WjaOJhQooZxMEXsKhZ0T5kx5jurdYC5kFRd1d1UZUNiIx9rRqx2+aP5mzS5nY2e"
    "OB2DeNudiAjsuBPrG/LYcQfS3MTvQn3T3IDkbwDJXzefD0h+IPkrSd1lJfmBfAbyuVroVp"
    "h8Dpbc51HPkeX4NxDP0bX/C17bm58BliSfhWIuS+7+fQ0pwWJn0aooNS2UjmxKBfR0Nelp"
    "SC4rOLls/Qal5v/XEpDo9CL5H2mW0tpvtCWrG4GW/wJsD8i0uIt4bWqiI0LleTbNGrTTsB"
    "PkG5vTCraWyLo2Kiu3VUtWsajxMuZdHsg4iLOy3YYpl7VE/SBupYK4tQHiVhJiiJcH0hdI"
    "XyB9gfStNukLkd0Q2V1VnNOS669DAfsbinII4HCrUTH9G9nTtGDyl0B4/zLXS4ORKYnL2G"
    "kQowyULVC2VWtGiqZsV4bGXTFzA2cbikDQdqrdONFMV7cL2mZEgeCqNMHldkIZNRzIgGor"
    "rVpgeoDpAaYHmB5geoDpqRvGwPQA0xOz9aGDGxzGhylxsIn5idqU6eAyKCBrdofmju4FvK"
    "Smgohp2o779yI5N8AGARtUyaamcDbIhUshL4WZmatgZWGpvyo7tL62EOa8Tqn07EuClqus"
    "5bB3SzaYL+9KGkqXGDx6Jfcvuv3PjWzaDcTovrDuwQRfDQcdeTTyTq6P6aall1c9eSzTfU"
    "u9own+1O725IszyftubNMWpwkvaoqji5qJ4CJy98WCtzVpOuVFxKvc9TXaF+5use7XBI86"
    "X+SL6x5RTnC0jTJy3uA3NrLMMPhg5eoXVZf/CIRWjzD5D7wd78T503GprTioqgGdM8Nqkp"
    "5DsPmPENaYTG12/8kNUmSaBqd9HqMnAZ5rgRokY2waJsnfxrERUmIxjfUoqTfofw6Ksyts"
    "MOHMto2WK95UtdB8oyJgvbAJ91t1Aczt1ByXBEevylq+1bBm3W2lZkYU9FxlPUMcQrGdIk"
    "x/54UqTH/D9PdeYJx2+ls8LRvxCEXMRZYN6IcOlkk9zzXCvNDt59d4ceaso1iKZ6tNB0fp"
    "o7wnqk1vtpyMBTS3AtiLfD9mmwN9pR8KREVgJMBjIVXMCZEWE5B+ccASYmar1nDs3bJH+5"
    "tBAysfFbzy0asuzVI1Y67j2ixVNudClmaZmki9nxuPnNGbeDn8mFA1FsSn96vNgvjUz8o6"
    "UgllYIQCWT2vPgAHWvMVaE2fQMmPzvTzF2oKb9hkVinB5FdjKkgs8a8cbKLo/mNMC0okSW"
    "SKROa9IRGkmtRcVj+lxv5J/vtIZfS0S/ey99v1Mxx7ZmSz3ohIic4faW2xv8D/XlIayFY1"
    "PYv3F0pUw/Wr1V5oECtbYqxshWL+qtbC1ykYDIL+3oae547phowoyyzR74wU5MQICJzX8Y"
    "bbyNRmdw2ON+xfOdjkDathmSJ94Uze71txfXecvxc7tcLtR8SegXjzkVr4X61WGv+r1RL7"
    "X/QaM/VGXqoMCPvFa4huM5V329zg3TaT3q27oTSPBH9hD2puimEJftfrjEBy87BetTP78X"
    "9fsKPx"
)
