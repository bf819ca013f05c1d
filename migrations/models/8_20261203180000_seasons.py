"""Seasons (issue 14): seasons, their rewards per level and the claims of those rewards;
at most one active season per tenant (a partial unique index); a leaderboard may be bound to
one calendar period (``calendar_key``: a season's own board). Both dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    # Without calendar_key a season's board would take every SEASON period: deactivate them
    # (their standings and events stay), as deactivateLeaderboard does. Both dialects.
    return DOWNGRADE


DOWNGRADE = """
        UPDATE "leaderboards" SET "is_active" = FALSE WHERE "calendar_key" IS NOT NULL;
        DROP TABLE IF EXISTS "reward_claims";
        DROP TABLE IF EXISTS "season_rewards";
        DROP TABLE IF EXISTS "seasons";
        ALTER TABLE "leaderboards" DROP COLUMN "calendar_key";"""


POSTGRES = """
ALTER TABLE "leaderboards" ADD COLUMN "calendar_key" VARCHAR(16);
CREATE TABLE IF NOT EXISTS "seasons" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "is_active" BOOL NOT NULL,
    "level_step" INT,
    "level_thresholds" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "calendar_period_id" INT NOT NULL REFERENCES "calendar_periods" ("id") ON DELETE RESTRICT,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE RESTRICT,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_seasons_tenant__e51573" UNIQUE ("tenant_id", "key")
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_seasons_one_active" ON "seasons" ("tenant_id") WHERE "is_active";
CREATE TABLE IF NOT EXISTS "reward_claims" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "level" INT NOT NULL,
    "claimed_at" TIMESTAMPTZ NOT NULL,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "season_id" BIGINT NOT NULL REFERENCES "seasons" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_reward_clai_tenant__53f38e" UNIQUE ("tenant_id", "season_id", "participant_id", "level")
);
CREATE TABLE IF NOT EXISTS "season_rewards" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "level" INT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "payload" JSONB NOT NULL,
    "season_id" BIGINT NOT NULL REFERENCES "seasons" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_season_rewa_season__428886" UNIQUE ("season_id", "key")
);"""

SQLITE = """
ALTER TABLE "leaderboards" ADD COLUMN "calendar_key" VARCHAR(16);
CREATE TABLE IF NOT EXISTS "seasons" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "is_active" INT NOT NULL,
    "level_step" INT,
    "level_thresholds" JSON,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "calendar_period_id" INT NOT NULL REFERENCES "calendar_periods" ("id") ON DELETE RESTRICT,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE RESTRICT,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_seasons_tenant__e51573" UNIQUE ("tenant_id", "key")
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_seasons_one_active" ON "seasons" ("tenant_id") WHERE "is_active";
CREATE TABLE IF NOT EXISTS "reward_claims" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "level" INT NOT NULL,
    "claimed_at" TIMESTAMP NOT NULL,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "season_id" BIGINT NOT NULL REFERENCES "seasons" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_reward_clai_tenant__53f38e" UNIQUE ("tenant_id", "season_id", "participant_id", "level")
);
CREATE TABLE IF NOT EXISTS "season_rewards" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "level" INT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "payload" JSON NOT NULL,
    "season_id" BIGINT NOT NULL REFERENCES "seasons" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_season_rewa_season__428886" UNIQUE ("season_id", "key")
);"""


MODELS_STATE = (
"eJztXWlz4zYS/SssfdlJlTM1lsdHXFtbJcvMjBLZcklykk2UomkRlrimQIWHj83Of1+A9w"
    "FQpExSFN1fdJBokHwNAujX3cDfnZWuIM382FurP6PXzrnwdwfLK0R+JM4cCB15vQ6P0wOW"
    "fK85ReW1Kj2iV+egfG9ahjy3yPEHWTMROaQgc26oa0vVMS3dE0hZQRYshGVs/cMU5rKmIc"
    "MU1gYyEbY+CiOsvQqqZdKCSBEUdYFMS1BNwbR0AynngrVETiWkDNIeyBl6ZUWfk0ureFHV"
    "RWbYXOrPWNDxnDzW8xJhco5KrGQFfaS3YGP1LxtJlr5ARNogN/LHn+SwihX0gkz694+Oe0"
    "e0tKp0/qSn14/Sg4o0JQY/OUlOOccl63XtHBtg60enIH3ae2mua/YKh4XXr9ZSx0Fp1b3K"
    "AmFkyBai1VuGTRWCbU3zdOfryL3zsIh7yxEZBT3ItkbVSqXdGwiPdSTpejSVJuJUkjoplf"
    "sSEQV5h+Y6ps2F3KrpPP2C3sL33cPPp5/Pjk4+n5Eizm0GR06/uZcOgXEFHXiup51vznnZ"
    "kt0SDuYhqM53Ctb+UjbYuPrlE8iSW04i6+OYBa1/IMQ2fEPqAHclv0gawgtrSf4efvqUAe"
    "UvvXH/a2/8gZT6jl5SJ6+0+65fe6e67jmKd4ivOddpLQUQDiVaiPHJ5xwQn3zmIkxPxQF2"
    "e6kiAIcS5QC82/6hYniXXp+ZF1y/fAvb7uFJnu7hhN87nCTBnRuIgiHJDIgvyRlLXSE2zH"
    "HJBNiKJ/rR/7GH0GdAPR1ciZNp7+qGVr8yzb80B6/eVKRnus7R18TRD0m1BJUIvw6mXwX6"
    "V/h9dC06cOqmtTCcK4blpr936D3JtqVLWH+WZCWKiX/YPxRTsyablmSbWyk6KVuCqr3uCT"
    "RdvqYN9KQ/bqXnuCRoucladu0VqZA9EpPZbJbsQQ9dhmVCbb2HR6ZhEhqFcYR/JKaousDE"
    "AneAHpB7kon1yYDVM9enQUV7BvA3vw35R8O32pCfAwM53rTI85OnRpaDwJg09fGgT5CmQN"
    "/L88dn2VCkGOL0jN7VE0eCsulTq+4qeUTG8sLBhz4IvW2fKbEV1RKxZbB5lPDsQSaXQstJ"
    "mr7IR6aMMBJkZaVigdhRRN3k8LnwvNSFDx59cSDohkNlzPUVuXVF0FSMvqP0hWyRT9Vakp"
    "/qfCnIxsJeIaKNgxSZUsVFZpgSKAcCLb3UnymTgkjLU+rgUS7UxXuhUn7odo+OTrufjk7O"
    "jj+fnh6ffQp6rvSprC7sYvCF9mKxYWgz4ULaRrGRIxTYatho2DygHD4rhJN0BbpRxEANBN"
    "pooXZzMVjdDAarm2Kwgg6uCMoxoRYiXT7REowDaZh/moyuOY05KpQ0GtS5JfyPjDtmZZOf"
    "zj8fbDynSAr3tqpZKjY/0sv+q1O/FUFBihkQPtgfrnq/JfXQH44ukpYBreAi2fZti4zfhQ"
    "jyiEgL2/1RN0e7P+py2z09lWj3hU1l4LzARt4TjYKNDDbyBhvZg55hH4dK4dvG7nPlCzPg"
    "g7rZuASnfJ1OeVOzF4Vcxl558GdunGZDvEMAbjdXvEM3I96hm453WCFLpu26iBUTlQEjpn"
    "Qjhgz+ls0JQRGxvUrNEeJ9SyBd3yvQ6fWng1/EggrwpM4F93uGJ7eTG/H6Urw8F4KfSSZ3"
    "N45/E1mknS0K2fpRGXhLSn9LIBaD/zaQB1RocKg3F9gTO9WbtqTM1JRBxZ/4R2iKSEBvwn"
    "XiSf748xhpPM4zFTq8Z02AZ2fFqRzHUYcwqYoV8lgIqJhvsI1grWXDUufqWmZSvkWwuglr"
    "aitYc5kMxopsSGtkqLryRsD6Xm03TmVtxUwjnTYy7nUCyhvxGoY1vQOwJGKOGOq8PMyunP"
    "railwpaL0HiCR5QSYuC/JspYDV82trK2rmXDeQhJ7YPtEigE1oTSKtqLVYEdtdYRuUhYDy"
    "qmkrTM8qJg/1RpB+dSppK0SGjcsb+cY2bjFO5Vg6BKNW2zkGcszquSarq7dC5VTVpzW1FS"
    "0Tyab+1jdw4lTSbogkt12VgpTbrtqEV5UO6yjdwPBaJ9gIvus6SYCU67+ORkOjFwsZWNYk"
    "Pyw6I2r6QIge0deU2NVtC8KpGxpOHdVtSg18t25CbCvXVtMiq6t37oLzvFp8SYebhneykj"
    "WN25t4Ii1KDTjqnp4EXQj9k9VpTK56wyEjK0BRDGQWWnYhIlKjo7sq72m8sR7naqzHGY31"
    "ON1YI+O3C1UBsFmyNaJOTqpPqmLLWj34VxA1/UQGREOyDa1QG49JQTPP08zDKWB6lqfrGp"
    "IxLwMmIpeA+p4IVoV1cKTemIyL0WgY8/lfDBJzuevbqwtx/OHQAZ8UUq3YFA9CyCA4Zh99"
    "GS0Ljolq3V4rW2o9Lglab4rWfYwiak/xa5C504HMnbZk7kRta/C+g/cdvO879b6D6x08pQ"
    "11ayWCQhmerXTYKN+5xQpYzbMONL2kIphrGQv6g7N+UHS5ZqdK4QM5Kc9lBa3UOTltrA4E"
    "WXC9ot+5azR7FyVVdBKAV3CJGZ6K4ytn1aKJ2CPGo+DGnPKWLYr61x5JC3O+0WvKMwcpp3"
    "WmnPqa2CZFzJdtspuHmFaD4b/PBedrhn8VxZ/pX/d7hq9G19Ov9ID3w23U5wL9nGG3XZ97"
    "7XuGe8OhRC2tc8H/NcP928l0RCTc7+R7l4e+PMtBXp5xqcuzJHH56Caa5OWGveJN1uGWtH"
    "D56XvN94PWxLhX4gUlvYxhmVuwTjHBFpJO+0sypblFMs/YRsURMVBwoxUMNGJZ0zagERtE"
    "I0KAbu2WeTT9kGGWJ7IT+TZ5MiGyuoBTMGd3bs6C8QMrKO2n+RO9sxTMU/TC6RkSYi0wNb"
    "Nmw+Jv09hEOBXkEkyGh6PrL37xZORLIsiFALPQjUIdR1SmBZBX3Xc0Ima0aWHPFYeKUltY"
    "eiYPRww1JtybCd5EFXUuBObxqwUb/PtjextDmjXs7WoTpdIIzgz0W5l+A6dxQeslKde+Ub"
    "F8Fw5t7f/VcaEZSFSmxjHwdtrf1/meqRuWpBsK4mzRkmP50VgNNaJ+KU6Kwu7IkEkH+SSz"
    "Bvqz59VRUBF59MBXQ0oLhowfJUqIbauEWAU16qA/uroh3fJ04KY0FFFFRJTM0sI/M3wpXk"
    "9EqiXyNcOj8eXgujc8F7wf26jr8DBP73TI750OU6sok+q5q4twycGEVItyQkvbLupJNdV7"
    "VVMtzgC7+V2I11DjyzAVr3tufnyR9+Dm9mI4ID2R+00NHVoLNXXo9wzfjAe/kLkPKeD+2K"
    "b9Z6nAb/6n3NZ/mh6akYRkQ1OZ+3pnJt0lRSHvrkDeHe06XslFNIs1XPNz75JykH+XTU1u"
    "kX+nEgOOPN8TYwTPfB9icjW+DL4raW/fBXelOJr/wOKDuSNwUgyG4DS0impYr5KpeoNrES"
    "YjIQpsRpPZDFdZdP/67dTsS4KWm6xlyAznd5z7mSMMmeHvUeuMlx0yw2uZD1Gb1VshvBiy"
    "STmYbEK8bK3xsuxWXAK6ubcDaFjrzQ1u8tV9Q0Ay7FZRaIsiWAUCVjYoHSbYV2Dz4gawr0"
    "C+Nw7yS3aYX+INftlZJuEImSvXJLqfVNkpJ1o898WbgEHqyS5TT57JXHfJsjE0Xea5DQKR"
    "BLwPVKaq9/jw46dqX2MWfpej24uhKNyMxf5g4sV1hCSHczLumxmLvWHKg2CuNflVWhuqbj"
    "Bd+dxGzBKtj5WoCu+yKYlo71Woj0gLAuXDXuG2MN3zdqqn7agCPVkWqsCg7YBBS8zl3ghv"
    "O/dsTWKcHm9iQPd7k37vUuwwOt86Wcp9RfdtFGWVJhvfTstjnFVokMEaAM0xxGANAFgDAN"
    "YA2O+E9LrXACBPzZjc8hu2X74FUFedh+700/yk/82ZF7EKagTcDRouCLsndS643zNMxivx"
    "Cz3g/Zjhy9txz81P8n/N8I047os0P8P70dlCdSVnlvsuU2ZflE9ziSpq1N3k9qqo4ojIuU"
    "A+Zrg/uqWqcL5mmPQq5wL5IL8GRGfkY4Z7v3w5F8jHDA97E1KUfm6jsuMcKjvm71qVVNlS"
    "XZAZqaSa0j2ymNkcmVkDLHFIHsifPAAxsfxmv5/RkXliYoF+7AD92BzypqwFL2msWrhmYi"
    "nhGzlQ35PAPh6BC+F4EI5XAVywHRMPperJ5rBxcVnnWPvbRD9L8ba/eXOYEUaCK/oPUzBs"
    "jAlQQlCJ8KAbgk6KRJbJI/+dQ05HIqjuH3fjlo9JK6Xk6md4hkWaBStEbD9BNYVHtLYE9E"
    "KeVHs9EJ5V0kRtSyCzsLnsXtJt444F5uwpQ6wr4cHQV8LdnaVbsnZ3N8P0+N3dXLexdXd3"
    "QI0ypygxyfyixLpSV/bq7k5wy65U7P4/cGw0txjdx+ZJ1mzkbYQzwxpVh+Xeg/Dh/pVI6v"
    "O5bRjOnJxKk2LYO68qB4KpC7JApb6XDUN9og+ga6Tv9oooOjIFrFszrBMwng1iMpDyGD0j"
    "B83v+HvkJLyB62DPoYgCnClwCSFfF+rivTgbfuh2j45Ou5+OTs6OP5+eHp99Ciao6VNZM9"
    "WLwZfBdcJA3OySCNWYl2CMKL593Hn5y3o5fUKxFh6ItCYOrJZGHrEQaLfMMMn48Y6BRJ3h"
    "jnsa7OiNXIXwjcjUiXD1E7/KQHanC8VADmUA5Dwg0wUdJGe+VQjnuBhAnRvq4vRzRKyF3P"
    "OecM0+Jplks6Mpx8ZgEs5Z852UaJt4511MfbZ40aJysL5Nk180b5TfQsdxSdByo7XsTpi3"
    "0XJMErTcZC1DWhOkNe0fqtF9b4rO9dKybYK47skeBHhAgMd+BXhAftnbMN4mvyzhoHsjzj"
    "fx2lqKc3qcgjy+95DHFwlGYURVxENV+AEVJi0nhcEx1SX1mbptuE3J/UUxTbre/0j2AJEI"
    "gg4pG60vbMOxQuC9b6T3vrjvAtwWhdwW0ZcgBXM2D5MQBfdFo5mYsB/NGwcTSrQwDqaKjd"
    "f84akwxmxjtQ0wV5KqKzv7zmQkNrKxToi1Ln+0/CZNLmehF8bAwN+ZKCICmxLFxoYyNiWC"
    "NDf+u9DeNDcg+TtA8rfN5gOSH0j+RlJ3RUl+IJ+BfG4Wug0mn/1dCVjUc2THggziObo9Qs"
    "Vre7MzwNLkM1fMYcmd21eR5C92Fq2KUtNc6ci+XUBPN5OehuSyipPLgjcoN/8fSECi00by"
    "P9It5W2/0Z6sbQRa+QuwPSHDZC7ildVFR4Tqs2wOW9BPw2aZ78yn5W8tUXRt1KTcVj1Zw6"
    "LG6/C7PJF5EGNluwyXSyDRPoiPc0F8nAHxcRpiiJcH0hdIXyB9gfRtNukLkd0Q2d1UnPOS"
    "67uhgL09VxkEcLgbK5/+jWz7WjH5SyB83Mz10mBkSuIm2qkfowyULVC2TetGqqZs17rKXD"
    "Ezg7MNRSBoO9dunGiuydsFbSdEgeBqNMHlDEIFNezLgGobrVpgeoDpAaYHmB5geoDpaRvG"
    "wPQA0xNr62MbdxiMT6LEQRbzE21Tho3roIDM+RIptuYGvOSmgkjTtGzn9iI5N8AGARvUyK"
    "6mcjbIgUsiL4VRmKtIysJSf002aD1tIcx4nXLp2ZMELTdZy+Holu4wN+9KGkrXGDx6I15f"
    "Dq6/dIpp1xej+8I6P2b4Zjzqi5OJezD4TTctvboZilOR7lvq/prhH3uDoXh5LrjfnW364j"
    "zhRYf86KLDVHARufpiwdqaNJ/yIuJNHvo6vUtnt1jna4Yn/a/i5e2QKMf/tY0ySt7gNzaz"
    "LDD5SMq1L6qu/BkIrR5hcg+sHe/4+dNxqa04qKYBXTLDapCRg7P5DxfWmExrdv8pDVJkGD"
    "qjf56iFw6egUALkjGypknib9PYDCm1mEYwSxqOrr/4xZMrbCTCmS0LrdYsVzW3+UZFoPXC"
    "Jtzv1QQwtlNzXBIMvSZr+UHFqrncSs0JUdBzk/UMcQjVDorg/i4LVXB/g/t7LzDO6/7mu2"
    "UjFiGPuSiyAf3YxiKp57VFmFe6/XyAF8NnHcWS7602bBylj8p2VBuut5zMBVSnAtiLfD+8"
    "zb6+8k8FoiIwE2CxkDJmhEjzCUivOGAJMbNN6zj2btmj/c2ggZWPKl75aKdLszStMbdxbZ"
    "YmN+dKlma5N5D8qOjPjNkbfzn8mFAzFsSn12vNgvjUzio6UwllYIYCWT07n4ADrbkDWtMj"
    "UMqjM738hZbCG3aZTUow+Um/5ySWeGcOsii6/+j3FSWSpDJFIn5vSARpJjVX1E5psX1S/j"
    "5SBS3t2q3s/Tb9dNua68Vab0SkRuOP9LbYW+B/LykNZMmqVsT6CyWaYfq1ai80iJWtMVa2"
    "QTF/Tevh2xQMBkF/70PPim04ISPSqkj0e0IKcmI4BM5urOExonX0NVlddVhxK5HTB5mhK0"
    "5BaU5LVhK8ErJaJpJNL7Qhvl6Hhp6QBlEt+2E6u8rK340E5YECZiXR0PduuySamCTMtBo9"
    "AkOoTUMcWe4YVFgHMTGAH/yIOx9EwI+4Az9iOIN9I7KToKKWIhvrMGE5wCogbvZygF4LZ5"
    "imYdvP2PfXKVOxPcpa5+/vTvh8ke6BlkIvazIjpHs1Bk8fbECoKi+Sd8+SjpFE7ld9cvcC"
    "9ppmx6mBPAn9I/z6VRyLwqyjml7RWcdVFBi8jTN4wZ1Z2WI94Iav1lccdC+M/kPXNSRjTg"
    "cSlUuAfU8Eq0I7OFIvnXAxGg1jTMLFIOkku726EEnjdsAPUw3SBo7DdkmmhdZFKbJACIh2"
    "HqzWkgzAS5320Clw+W55luybHPQNw7puTzys+8Nv9uQBlRHWXr1WsicUptegMxlM2GO7bV"
    "pnENfe3UfedZlMUBTZkLxFewsRd2xhYPCY4xssywPL8uwDqsA7w7I8e4HxhmV52EAnhqwS"
    "wO57Nd4EFbYUb/Zoz8E8z1pIYUhSgrkoshRSPAyqJdDHc9ucR3wjTi4n76LVJqCq93B4mH"
    "H9HCGmm7wdUkSTZTs9Qscly+kBjodGOh4g0q5MEwDcOJUl/IEbp1o3zlp+1XSZ0RfzSe+I"
    "SP3JaC0iuyFeEOIFm4I98Da7tnEhXnCH8YK7iWPrIUOdLzsM+847c5Bl2clhmSrXHClkwL"
    "0X6+2NlgPfLntChslc1pc/442ItHHSe3ycZ9J7fMyf9NJziSUO14wQmoz1Ddes4Jk2oHuY"
    "y6Q4zDApDtMmBbkiGcwYgz7fpIiIgElR0KTYadLwt/8Dq1CqIQ=="
)
