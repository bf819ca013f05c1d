"""Archiving (issue 13, seed 002): ``archived_runs`` and ``archived_run_entries``, the
runs moved out of the live tables past their retention (same columns and ids, plus the
academic year and term), and an index of run entries by participant (trends). Both
dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    # Archived runs go back to the live tables first: a downgrade loses no snapshot.
    return DOWNGRADE


DOWNGRADE = """
        INSERT INTO "leaderboard_runs" ("id", "tenant_id", "leaderboard_id", "period",
            "period_start", "period_end", "status", "trigger", "schedule_key", "max_entries",
            "row_count", "error", "attempts", "created_at", "started_at", "finished_at")
        SELECT "id", "tenant_id", "leaderboard_id", "period", "period_start", "period_end",
            "status", "trigger", "schedule_key", "max_entries", "row_count", "error",
            "attempts", "created_at", "started_at", "finished_at" FROM "archived_runs";
        INSERT INTO "run_entries" ("id", "tenant_id", "run_id", "position", "rank",
            "participant_id", "score", "tie_key", "display_name", "avatar", "breakdown")
        SELECT "id", "tenant_id", "run_id", "position", "rank", "participant_id", "score",
            "tie_key", "display_name", "avatar", "breakdown" FROM "archived_run_entries";
        DROP INDEX IF EXISTS "idx_run_entries_partici_ea62c0";
        DROP TABLE IF EXISTS "archived_run_entries";
        DROP TABLE IF EXISTS "archived_runs";"""


POSTGRES = """
CREATE TABLE IF NOT EXISTS "archived_runs" (
    "id" BIGINT NOT NULL PRIMARY KEY,
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
    "academic_year" VARCHAR(16),
    "term" VARCHAR(16),
    "archived_at" TIMESTAMPTZ NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_leaderb_41be74" UNIQUE ("leaderboard_id", "schedule_key")
);
CREATE INDEX IF NOT EXISTS "idx_archived_ru_leaderb_c71cac" ON "archived_runs" ("leaderboard_id", "period_end");
CREATE INDEX IF NOT EXISTS "idx_archived_ru_tenant__d5194d" ON "archived_runs" ("tenant_id", "academic_year", "term");
COMMENT ON COLUMN "archived_runs"."status" IS 'PENDING: PENDING\nPROCESSING: PROCESSING\nCOMPLETE: COMPLETE\nFAILED: FAILED';
COMMENT ON COLUMN "archived_runs"."trigger" IS 'ADMIN: ADMIN\nSCHEDULE: SCHEDULE';
COMMENT ON TABLE "archived_runs" IS 'A run moved out of the live tables once its retention passed (``app.runs.archive``):';
CREATE TABLE IF NOT EXISTS "archived_run_entries" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "tie_key" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "avatar" VARCHAR(500) NOT NULL,
    "breakdown" JSONB NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "archived_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_run_id_b9a12d" UNIQUE ("run_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_archived_ru_partici_423692" ON "archived_run_entries" ("participant_id", "run_id");
CREATE INDEX IF NOT EXISTS "idx_run_entries_partici_ea62c0" ON "run_entries" ("participant_id", "run_id");"""


SQLITE = """
CREATE TABLE IF NOT EXISTS "archived_runs" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "period" VARCHAR(16) NOT NULL,
    "period_start" TIMESTAMP,
    "period_end" TIMESTAMP,
    "status" VARCHAR(10) NOT NULL /* PENDING: PENDING\nPROCESSING: PROCESSING\nCOMPLETE: COMPLETE\nFAILED: FAILED */,
    "trigger" VARCHAR(8) NOT NULL /* ADMIN: ADMIN\nSCHEDULE: SCHEDULE */,
    "schedule_key" VARCHAR(16),
    "max_entries" INT,
    "row_count" INT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "started_at" TIMESTAMP,
    "finished_at" TIMESTAMP,
    "academic_year" VARCHAR(16),
    "term" VARCHAR(16),
    "archived_at" TIMESTAMP NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_leaderb_41be74" UNIQUE ("leaderboard_id", "schedule_key")
) /* A run moved out of the live tables once its retention passed (``app.runs.archive``): */;
CREATE INDEX IF NOT EXISTS "idx_archived_ru_leaderb_c71cac" ON "archived_runs" ("leaderboard_id", "period_end");
CREATE INDEX IF NOT EXISTS "idx_archived_ru_tenant__d5194d" ON "archived_runs" ("tenant_id", "academic_year", "term");
CREATE TABLE IF NOT EXISTS "archived_run_entries" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" REAL NOT NULL,
    "tie_key" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "avatar" VARCHAR(500) NOT NULL,
    "breakdown" JSON NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "archived_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_run_id_b9a12d" UNIQUE ("run_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_archived_ru_partici_423692" ON "archived_run_entries" ("participant_id", "run_id");
CREATE INDEX IF NOT EXISTS "idx_run_entries_partici_ea62c0" ON "run_entries" ("participant_id", "run_id");"""


MODELS_STATE = (
    "eJztXW1T4zi2/iuqfJnuKpZqQgO91K1bFcDdnZ1AKBJm5u5ky4hYJL44ctYv0Ozc/u9X8v"
    "uLbOxgO445X/Ji68j2c2TpnEfnSH/1VrpCNHN/sFZ/JS+9U/RXj+IVYT8SZ/ZQD6/X4XF+"
    "wML3mlMUr1X5kbw4B/G9aRl4brHjD1gzCTukEHNuqGtL1SkvPUCsLMLIIhRT6xcTzbGmEc"
    "NEa4OYhFr7aEy1F6RaJi9IFKSoC2JaSDWRaekGUU6RtSROJawM0R7YGX5lRZ+zS6t0UddF"
    "ZtRc6s8U6XTOHut5SSg7xyVWWCH7/BZsqv7bJrKlLwiTNtiN/PkvdlilCvlBTP73z557R7"
    "y0qvT+xU+vH+UHlWhKDH52kp1yjsvWy9o5NqTWV6cgf9p7ea5r9oqGhdcv1lKnQWnVvcqC"
    "UGJgi/DqLcPmCqG2pnm683Xk3nlYxL3liIxCHrCtcbVyafcGwmM9Wb4aT+WJNJXlXkrlvk"
    "REQd6huU55c2G3ajpPv+C38Lf+weeTz18Ojz9/YUWc2wyOnPx0Lx0C4wo68FxNez+d89jC"
    "bgkH8xBU5zsF6/kSG2Jc/fIJZNktJ5H1ccyD1j8QYhu+IU2Au8I/ZI3QhbVkfw8+fcqB8r"
    "fBzfn3wc0HVuojv6TOXmn3Xb/yTvXdcxzvEF9zrvNaSiAcSnQQ4+PPBSA+/pyJMD8VB9jt"
    "pcoAHEpUA/B2+4ea4V16fWZRcP3yHWy7B8dFuofj7N7hOAnu3CAcDBkLIL5gZyx1RcQwxy"
    "UTYCue6L7/Ywehz4F6OryUJtPB5TWvfmWa/9YcvAZTiZ/pO0dfEkc/JNUSVIJ+H06/I/4X"
    "/XN8JTlw6qa1MJwrhuWm/+zxe8K2pctUf5axEsXEP+wfiqlZw6Yl2+ZGik7KVqBqr3sCTV"
    "evaYM86Y8b6TkuCVpus5Zdf0Uu5Y/EZF53S3agh67CM+G+3sOj0DEJncI4wl+ZK6ouKPPA"
    "HaCH7J4w8z4FsHru+jSoaMcA/um3If9o+FYb+DlwkONNiz0/e2piOQjcsKZ+MzxnSHOg7/"
    "H88RkbihxDnJ/R+3riSFA2fWrVXyWPYIoXDj78Qfht+0yJraiWRC1DzKOEZ/dyuRReTtb0"
    "RTEyZUwJwspKpYj5UUzd7PApel7q6INHX+wh3XCojLm+YreuIE2l5COnL7DFPlVryX6q8y"
    "XCxsJeEaaNvRSZUsdFZpQTKHuIl17qz5xJIazlKU3wKGfq4r1QKX/v9w8PT/qfDo+/HH0+"
    "OTn68inoudKn8rqws+E33ovFhqHXCRfWNsqNHKHARsNGy+yAavisEE7WFehGGQc1EOiih9"
    "ovxGD1cxisforBCjq4MijHhDqIdPVESzAOpGH+x2R8ldGYo0JJp0GdW+j/2Lhj1mb89P7r"
    "waZzjiS6t1XNUqm5zy/7373mvQgOUsyB8MH+cDn4I6mH89H4LOkZ8ArOkm3fttj4XYogj4"
    "h0sN0f9gu0+8N+ZrvnpxLtvrSrDJwX+Mg7olHwkcFHfsVH9qAX+MehUrJ9Y/e5ioUZZIP6"
    "unMJk/JNTsqbmr0oNWXslYf5zFfNbIh3CMDtF4p36OfEO/TT8Q4rYmHerst4MVEZcGIqd2"
    "LY4G/ZGSEoErVXKRsh3rcE0s29Ar3B+XT4m1RSAZ7UKXK/Z3RyO7mWri6ki1MU/EwyuduZ"
    "+DeJxdrZopSvH5WBt6TytwRiMbLfBvaACg8O9WyBHfFTPbMl5aamHKpswz9CU0QCehNTJ5"
    "7k119viJbFeaZCh3esCWT5WXEqx5moI5RVJQp5LAVUbG6wi2CtsWGpc3WNhZRvGayuw5q6"
    "CtYcs8FYwYa8JoaqK28E7Nyr7dqprKuYaazTJsa9zkB5I16jsKZ3AJbM3BFDnVeH2aVTX1"
    "eRqwSt9wCRjBfMcFmwZ6sErIFfW1dRM+e6QWTyJJ4TLQPYhNck8Yo6ixXz3RWxQ1kKKK+a"
    "rsL0rFL2UG8E6Xenkq5ChI35Un1i3qxh07fa8F5VNzZ9D2hV5PiEoHXa/Xl784pYWB1uYZ"
    "U1rM43KOLQN3MNq6u3QuVUdc5r6ipaJsGm/tY3cOJU0m2IZLddVYKU2666hFedgRFRWksQ"
    "HZFgvbJDJJJEW7VxEtGoe/LDIgbFmuyH3+dE5++h6BF9zScQdNuCsP2Whu1HdZtSQ3b4QE"
    "JsoynUtkXw1x9EAEEa9eLLOtw0vJMV1rTM3sQT6VAKymH/5DjoQvifvE5jcjkYjQTZJ4pi"
    "ELPU8h4RkQYDKuqapY831qNCjfUop7EepRtrZPx2oSoBtki2QdTZSfVJVWysNYN/DdH5T2"
    "xANGTb0Eq18ZgUNPMizTw0AdNWnq5rBNOsTKuIXALqeyZYF9bBkWZjf87G4xGvOYgtORsm"
    "bLmr28sz6ebDgQM+K6RaMRMPQhUhCGsX58w6FoQV1bq9VjbUelwStN4WrfsYRdSe4tcgQ6"
    "wHGWJdyRCL+tYQ5QFRHhDlsdUoDwjxgJnSlk5rJYKPBTNb6fDk7MktUWB0kfXG+SUVZK4x"
    "RfqDs05VdFlwp0r0gZ3Ec6yQlTpnp43VHsLInRX96K4F7l2UVdFLAF7DJWZ0Kt1cOqtjTa"
    "QBcx6RG9uctTxWdH7tkbUw55u8pGbmILW5ydRmXxObpCL6sm2e5mGu1XD0P6fI+ZrR3yXp"
    "V/7X/Z7Ry/HV9Ds/4P1wG/Up4p8z6rbrU699z+hgNJK5p3WK/F8zen47mY6ZhPudfO+K0J"
    "dfCpCXXzKpyy9J4vLRTWgqyg17xdusww1p4erTRNs/D9oQ417LLCjrZQzL3IB1igl2kHTa"
    "XZIpzS0yO2MTFUfEQMGtVjDQiFWZbUAjtohGhADdxj3zaJqrwC1PZMFm++TJxNv6Ak7Bnd"
    "26OwvOD6zUtZvuT/TOUjBPyY+MniEh1gFXM88alv6YxgzhVJBLYAyPxlff/OLJyJdEkAsD"
    "ZqEbpTqOqEwHIK+772hFzGjbwp5rDhXlvrD8zB6OOWpCuF8neBNVNLngnMevlmzw74/tbQ"
    "1p1rK3q0uUSis4M9BvbfoNJo1Lei9Jue6NitVP4fDW/h+dlrJAojINjoG30/NdtfdM3bBk"
    "3VBIxlZABZa5jdXQIOoX0qQs7I4MMzrYJ7Ma+M+BV0dJRRTRQ7YaUlowMH2UOSG2qRJiFT"
    "Sog/Px5TXrlqdDN6WhjCoiosxKC//M6IV0NZG4ltjXjI5vLoZXg9Ep8n5soq6DgyK900F2"
    "73SQWq2bVZ+5ukgmOZiQ6lBOaGXbkj2ppnqvaqqVMcC+/i7Ea2jwZZhKVwM3P77Me3B9ez"
    "Yasp7I/eaODq+Fuzr8e0avb4a/MduHFXB/bNL+81TgN/+TzNZ/kh6aiUywoanC/eNzk+6S"
    "opB3VyLvjncdL+wimiUarrNz75JykH+XT01ukH+nMgeOPd+TYATPfR9icg2+DP5U0s6+C+"
    "6KhDz/QcQHZ47ASTEYgtPQKqphvcim6g2uZZiMhCiwGW1mM1xlaVg0iBdRsy8JWm6zliEz"
    "PLvj3M0cYcgMf49aF7zskBneiD3EfVZvJfpyyCblwNiEeNlG42XFrbgCdAtvO9Gy1lsY3O"
    "Sr+4aAZNgVpdTC8LAKBKxsUDlMsH/F6y8e7F8BuzBU3z9BNs4Ws3E8UyE/Jye0Jwpl5kR3"
    "eas6QUeLZwp55iok6mwzUeeZeQZLkUem6ThrkiUQScD7wGXqeo8P9j/V+xqL8LsY356NJH"
    "R9I50PJ14UTEgJOSfjM1k30mCUmm8x1xp+kdeGqhvCwIfMRiwSbY7DqQvvqgmcaO9Vqo9I"
    "CwJBJl4PuDQ59nZirOuoAplbFarAN26Bb0zYcm+Et5s7KScxTo83MaDPB5PzwYXUE3S+TX"
    "K6u4ru2wjdOl22bD+tiHNWo0MGKya0xxGDFRNgxQRYMWG30/ebXjGBPbXAuM1u2H75DkBd"
    "d9a+009nL5Hwep5KrIIGAXdDrEvC7kmdIvd7Rtl4JX3jB7wfM3pxezNws7n8XzN6Ld2cSz"
    "ybxfvR20B1Fefh+xPMwr6omOYSVTSou8ntZVnFMZFTxD5m9Hx8y1XhfM0o61VOEftgv4ZM"
    "Z+xjRge/fTtF7GNGR4MJK8o/N1HZUQGVHWXv8ZVU2VJdMItUVk35nljC3JfcHAuROKRaFE"
    "+1gAji7Ga/m7GkRSKIgX7sAf3YHvKmquVBeWRfuMJkJeEbBVDfkTDILAIXghcheLEGuGDz"
    "qiyU6iebw8aVyTrH2t9r9LMcb/uvb6UzpgS5or+YyLApZUChoBL0oBtIZ0Uiiwqy/84hpy"
    "NBqvvH3eZmP+mlVFz9jM6oxHOGUcT3Q6qJHsnaQuQHe1LtZQ89q6yJ2hZiVtgcu5d027jj"
    "gTk78DDvCj0Y+grd3Vm6hbW7uxnlx+/u5rpNrbu7Pe6UOUWZS+YXZd6VurJXd3fILbtSqf"
    "t/z/HR3GJ8158nrNnE2zZoRjWuDsu9B/Th/oVJ6vO5bRiOTc6lWTHqnVeVPWTqCCMu9Tds"
    "GOoTfwBdY323V0TRiYmobs2ozsB4NpjLwMpT8kwcND9m7yiUmA1cBzs0RRTgmMAVhHydqY"
    "v3Mtnw937/8PCk/+nw+MvR55OToy+fAgM1fSrPUj0bfhteJRzE16ckQjUWJRgjiu8ed179"
    "ImhOn1CuhQcinYkDa6SRRzwE3i0LXLLseMdAoslwxx0NdvRGrlL4RmSaRLh+w682kF1zoR"
    "zIoQyAXARkvvyF7NhbpXCOiwHUhaEuTz9HxDrIPe8I1+xjkks2O5pyfAwh4Zxn76REu8Q7"
    "b8P02eBFi8rBakBtftG8UX4DHcclQcut1rJrMG+i5ZgkaLnNWoa0Jkhr2j1Uo7sElbX10r"
    "JdgrhpYw8CPCDAY7cCPCC/7G0Yb5JflpigeyPO1/HaOopzepyCPL73kMcXCUYRRFXEQ1Wy"
    "AypMXk4Og2PqS+ozddtwm5L7i2OanHr/M9kDRCIIeqxstL6wDccKwex9K2fvy89dwLRFqW"
    "mL6EuQgjmfh0mIwvRFq5mYsB8tGgcTSnQwDqaOber84ak0xmJntQsw15Kqi51denISG8VY"
    "J8Q6lz9afZNml7PID8HAkL2PU0QEtnCKjQ1VbOEEaW7Z70J309yA5O8Byd81nw9IfiD5W0"
    "ndlSX5gXwG8rld6LaYfPb3cBBRz5H9HXKI5+hmEjWv7S3OAEuTz5liDkvu3L5KZH+xs2hV"
    "nJrOlI7scgb0dDvpaUguqzm5LHiDCvP/gQQkOr1K/ke6paLtN9qTdY1Aq34BtidimMJFvP"
    "K66IhQc57NQQf6adha9J3NaflbS5RdGzUpt1FP1rKo8SbmXZ6YHSRY2S5nyiWQ6B7ER4Ug"
    "PsqB+CgNMcTLA+kLpC+QvkD6tpv0hchuiOxuK85FyfXtUMDeDrUCAjjcuzab/o1sklsz+c"
    "sgfHyd6+XByJzETbRTP0YZKFugbNvWjdRN2a51VbhiZg5nG4pA0Hah3TjJXMObBW0nRIHg"
    "ajXB5QxCJTXsy4BqW61aYHqA6QGmB5geYHqA6ekaxsD0ANNj7g+M+VJ9IsqNTXsCuid6ei"
    "+P88FeQdmwacGF+wd8OX200pkU4ovdu4vNI41Vg5x6TaSz9oNUy0QGQ4s6OUNrbJpM4MPd"
    "HbuZfX61fe/ad3cfT3sJ1dVykRnlVZgMKeSOhiayKV/cPjjMl8Bfa7aJnpfE4JUjk19ApU"
    "4Rt3f7xUTmfKnrGppj5ukr2Nif0Ut+o3uIkidW3Vxfq0Q5dWUMTE03OY79xxZyFs03edXO"
    "JdwG5fznbBkpvII+uwei2JobMFQwbFJmt5tM2cdzVnClzuUX4k4mW8RYbYFgK9JzAMMGDF"
    "vtDJv7prAx0CjN/yRlYfnENpMEkT5xMz17kqDlNmuZvYyWLWDMi+30Gkq3ufPsXUtXF8Or"
    "b3ybXefHjF7fjM+lycQ9GPzme8BeXo+kqcS3gXV/zejXwXAkXZwi9ztpihXqhotEax1kB2"
    "sdpGK12NUXC9FOr8X0FhFvteIGF87mu87XjE7Ov0sXtyOmHP/XJsqoeL/kmKFZwu5IynUv"
    "SLF644NXz1wZQxVtIJidjh6X2sjWbhvQFRPWBhs0MvZSyoQ1JtOZzZQqg5QYhi7on6fkRw"
    "aegUAHclvyLCTpj2nMOEqtTRIYSKPx1Te/eHLBkkR0uGWR1Vo085/ZfKMi0HphT/P3av0b"
    "m6k5Lgk+Xpu1/KBS1VxupOaEKOi5zXpOcdWFU6WSguCMvO6MOBMBJUD2ywO2r2MbTLuV77"
    "ESomCAtLrLgki0eu14CICqClUIgIIAqJ3AuGgAVHZgToTEyiJbzzzBr7/eEA1b4iVD0sE2"
    "EqvvpUPY/2wohsnFLT+QKcC2WDRTlBKvOp3NcMOqmLGgOhXk7pnhNVIuA2E1bQ2r8TVZ3I"
    "qIioARIZpzwVSQX5M93eIVBywh4aJtHcfOrZm3He8cls3bgWXztrquV9sacxcX9mpzc65l"
    "Xa97g+BHRX8WWG/Ze6nEhNqxmwq/Xmd2U+EeWFlLJZQBCwVSQrdugAMjugVG1KNW3ghrIv"
    "+to9iG/WWbUhMjLHRGdmKixF4epRdlewvnKJak896UWuevUhWmCkQixGChqpbyfZBGB2l0"
    "W+/gOxHhAGl070HLu5dG5yfFlXSoIZcuqTzIpYNcuh20QCCXDnLpdiUbCXLpIJdud1sv5N"
    "Jt1LZ30AWAXLrOaxly6d6HniExBRJTdgNVmIaFxJSdwLh1iSmQkLJXauY6LxGlWAIK5J3A"
    "NDSknUDaSUewhLSTlgR1QtoJpJ1A2kmzUEPaSWeaM6SdQNoJpJ1A2slOGODAd+5s2kk6sa"
    "Gj8LYz8+Qf+n1Gxol3Zi+Pu/tf/b6mDJMUSxeZEAdqrp3UXFk/pcP+yfHnAsbz8edM25mf"
    "ihsLJT3txr3s3Xb9dNua6+Vab0SkQeeP9baUY9UI1DVQGsTCqlbG+wsl2uH68ct2xvWDIN"
    "oGg2hbFAzYth6+S1FiEA34PvSs2IYTSyKvyoTFJ6QgWSaDwNmON3xDeB3nGlZXPVFAS+T0"
    "Xm5Mi1NQnvOStUS1hKyWSbDphTbE9xjXyBPRUuEu4Dq30nV2lVW8GwnKAwUsyq7h791m2T"
    "UxSbC0Wj0CQ6hNSyay3DGotA5iYgA/zCNufRCBecQtzCOGFuwbkZ0EFXUU2ViHKZ5FzBgf"
    "K0D3Ol5bRyFO2wVtmq31WrjANQ3bfrZX6jafmv1R0QKAf/XC54t0D7wU+bFmFqGp8vvynt"
    "5/MltVfsjePcs6JTK7X/XJaaF+0+w5NbAn4X/Q79+lGwnNeqrpFZ31XEWBw9s6hxemM2tb"
    "xQem4eudKw66F0H/oesawTSjA4nKJcC+Z4J1oR0caZZOOBuPRzEm4WyYnCS7vTyTWON2wA"
    "9TDdIOjsN2yaZF1mUpskAIiPYsWK0lG4CXOu+hU+BmT8uLZN80Qd8yrJueiYcFgbKbPXtA"
    "ZUy1F6+V7AiF6TXoXAbTXisbaj0uCVpvi9YFxLV395F3HTMDRcGG7K3mW4q4EwsDgycc32"
    "C9HlivZxdQBd4Z1uvZCYxfWa9HDHRiyKoA7HOvxuugwo7iLR7tMzAvskhSGJKUYC7KrJEU"
    "D4PqCPTx3DbnEd+Ik8vJu2h1Caj6Zzg8zDLnOUJMX5vtkCOarHrSI5y4FE16wMRDKyceIN"
    "KuShcApnFqS/iDaZx6p3HW+EXTsaAvzia9IyLNJ6N1iOyGeEGIF2wL9sDbbNvHhXjBLcYL"
    "bieObUAMdb7sCfw778xenmeHwzJ1rjlSyoF7L97bGz2HbL/siRimcFnfbIs3ItJFo/foqI"
    "jRe3SUbfTyc4klDteCEJqc9Q3XouCZLqB7UMilOMhxKQ7SLgW7IhvMBIN+tksREQGXoqRL"
    "sdWk4Z//D/PJAEc="
)
