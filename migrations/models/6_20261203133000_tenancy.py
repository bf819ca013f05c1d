"""Tenancy: each tenant's status and settings, API keys (stored as keyed digests) and the
audit log of admin operations. Both dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "audit_log";
        DROP TABLE IF EXISTS "api_keys";
        ALTER TABLE "tenants" DROP COLUMN "settings";
        ALTER TABLE "tenants" DROP COLUMN "status";"""


POSTGRES = """
ALTER TABLE "tenants" ADD COLUMN "status" VARCHAR(16) NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE "tenants" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "tenants" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "tenants" ALTER COLUMN "settings" DROP DEFAULT;
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "scopes" VARCHAR(64) NOT NULL,
    "digest" VARCHAR(64) NOT NULL UNIQUE,
    "hint" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_api_keys_tenant__967ffe" ON "api_keys" ("tenant_id", "id");
CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key_id" INT,
    "actor" VARCHAR(120) NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "arguments" JSONB NOT NULL,
    "outcome" VARCHAR(32) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_tenant__451095" ON "audit_log" ("tenant_id", "id");"""

SQLITE = """
ALTER TABLE "tenants" ADD COLUMN "status" VARCHAR(16) NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE "tenants" ADD COLUMN "settings" JSON NOT NULL DEFAULT '{}';
CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "scopes" VARCHAR(64) NOT NULL,
    "digest" VARCHAR(64) NOT NULL UNIQUE,
    "hint" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_api_keys_tenant__967ffe" ON "api_keys" ("tenant_id", "id");
CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key_id" INT,
    "actor" VARCHAR(120) NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "arguments" JSON NOT NULL,
    "outcome" VARCHAR(32) NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_tenant__451095" ON "audit_log" ("tenant_id", "id");"""


MODELS_STATE = (
"eJztXW1z2zYS/isYfWky42ZiJbZznpubkWUmVStbHklOe606NC3CMs8UqPLFjq+X/34Lvo"
    "ivkEmZpCl6v0gUiQWpZ0EA++wu8HdnaahUt971Vtov9LFzTP7uMGVJ4SBxZY90lNUqPM9P"
    "2Mq17hZVVpp8Rx/dk8q1ZZvK3IbzN4puUTilUmtuaitbMxgv3SNQlijEpkxh9g8WmSu6Tk"
    "2LrExqUWa/IyOmPxLNtnhBqhJVW1DLJppFLNswqXpM7FvqVgJlqH4DV/idVWMOt9bYoqqb"
    "zJh1azwwYrA5/K2HW8rgGpdYKip9xx/BYdpfDpVtY0FB2oQH+eNPOK0xlX6jFv/5R8d7Il"
    "5aUzt/8surO/lGo7oagx8uwiX3vGw/rtxzA2Z/dgvyf3stzw3dWbKw8OrRvjXYurTm3WVB"
    "GTUVm/LqbdPhCmGOrvu6C3TkPXlYxHvkiIxKbxRH52rl0t4DhOc6snw+msoTaSrLnZTKA4"
    "mIgvxTc4Px5gKParn/fsEf4cfu/sejj58+HH78BEXcx1yfOfru3ToExhN04Tmfdr671xVb"
    "8Uq4mIegut8pWPu3ipmNa1A+gSw8chLZAMdN0AYnQmzDN6QOcJfKN1mnbGHfws/99+83QP"
    "m1N+7/1Bu/gVJv+S0NeKW9d/3cv9T1rnG8Q3ytucFrKYBwKNFCjA8/5oD48KMQYX4pDrDX"
    "SxUBOJQoB+CX7R8qhvfW7zPzghuUb2Hb3T/M0z0cinuHwyS4c5NyMGQlA+JTuGJrS5oNc1"
    "wyAbbqi74LDnYQ+g1QTwdn0mTaO7vg1S8t6y/dxas3lfiVrnv2MXH2TVIt60rIr4PpT4T/"
    "JL+PziUXTsOyF6Z7x7Dc9PcOfybFsQ2ZGQ+yokYxCU4Hp2Jq1hXLlh1rK0UnZUtQtd89oa"
    "bL17RJ7427rfQcl0QtN1nLnr0iF7JHYjJPmyU70EOXYZlwW+/mLtMwCY3COMKfwRTVFgws"
    "cBfoATyTAtZnBqy+uT5dV7RjAH8P2lBwNnyrTeVhbSDHmxb8f/jX1HYRGENTHw/6gDQH+l"
    "qZ3z0opirHEOdXjK6ROLMum7607C6TZxSmLFx8+B/hjx0wJY6q2RKzzWweJby6t5FL4eVk"
    "3VjkI1NGjBJFXWqMgB0F6obTx+Th1iBvfPpijximS2XMjSU8ukp0jdG3nL5QbPjU7Fs41O"
    "a3RDEXzpKCNvZSZEoVN5kxTqDsEV761njgTAqFlqfWwaOcaIvXQqX8o9v98OGo+/7D4aeD"
    "j0dHB5/er3uu9KVNXdjJ4AvvxWLD0NOEC7SNYiNHKLDVsNGweUA5fFYIJ3QFhlnEQF0LtN"
    "FC7eZisLobGKxuisFad3BFUI4JtRDp8omW9TiQhvnnyehc0JijQkmjQZvb5H8w7liVTX46"
    "/7xx2JwjSa4dTbc1Zr3jt/1Xp34rgoMUMyACsN+c9X5L6qE/HJ0kLQNewUmy7Ts2jN+FCP"
    "KISAvb/Ydujnb/oSts9/xSot0XNpWR80IbeUc0ijYy2shP2Mg+9Bn2cagUsW3s/a98YQZi"
    "UJ82LtEpX6dT3tKdRSGXsV8e/ZlPTrMx3mENbjdXvEN3Q7xDNx3vsKS2wtt1ESsmKoNGTO"
    "lGDAz+tiMIQZGYs0zNEeJ9y1q6vleg0+tPB1+lggrwpY6J9z1jk8vJhXR+Kp0ek/Vhksl9"
    "Gce/RW1oZ4tCtn5UBt+S0t8SjMUQvw3wB1UeHOrPBXbETvWnLSkzNWVQiSf+EZoiEtCbcJ"
    "34kp9/GVNdxHmmQod3rAmI7Kw4leM66iiDqrJCHgsBFfMNthGslWLa2lxbKZmUbxGsLsKa"
    "2grWXIHBWFVMeUVNzVCfCVjfr+3CraytmOnQaVPz2gBQnonXMKzpFYAlgzliavPyMDtz62"
    "srcqWg9RogkpUFTFwW8N9KAasX1NZW1Ky5YVKZ3mf7RIsANuE1Sbyi1mIFtruabVAWAsqv"
    "pq0wPWgM/tQzQfrVraStEJkOK2/kGzusxTiVY+kARq2zc6r0l0WtnQynWcIYEnvOkvZXue"
    "6zaDAm/WZTkym6HERlbgja3CPRM8aK80qGY2M0Z0OjOaO6TalB7FVKiG3FrDctsLN63xL6"
    "7qrFFzrcNLyTpaLrwt7EF2lRZPKH7tHhugvhPzZ1GpOz3nCYEZSsqia1CmV9R0Rq9LNV5b"
    "yJN9aDXI31YENjPUg31sj47UFVAOws2RpRh4vavaY6il4P/hUEbd7DgGjKjqkXauMxKWzm"
    "eZp5OAVMz/IMQ6cKEwXgR+QSUF+DYFVYr8/U6xI+GY2GMZfjySAxlzu/PDuRxm/2XfChkG"
    "bHpngYwYK++V2kUlvmm49q3VmpW2o9Lolab4rWA4wiak8Ra5g40MHEgbYkDkRta3T+ofMP"
    "nX8v6vxDz1+NjppElFWGryYdhyV212RFgOVZWJXfUiXWSmHEuHEX5Iiuf+pWSd7ARWWuqH"
    "SpzeGyudwjCrGoYhnsrbfoqX9TqKKTALyCW8zYVBqfucuATKQemEPEC+ISrQMS9RjdQQtz"
    "v+ljyteEOVx15nAFmtgm5yKQbbLjAoyFwfDfx8T9mrFfJekX/tP7nrGz0fn0J37CP/Aa9T"
    "HhnzPmtetjv33PWG84lLntcEyCoxnrX06mI5DwvpPvXR5C7lMOOu6TkIz7lKTi7rzI7bxs"
    "p1+8yTrckugsPx+m+Z69mjjkSvx60MuYtrUFjxITbCGNsru0SZotg3nGNiqOiKGCG61gJM"
    "bKmrYhMfbixFiVhmc0XSXD6kxks4hNzmQCTXURgmitvbi1hnN7XHFjN2f30SdLwTyl3wQ9"
    "Q0KsBZbUpsme9Ns0Ns9LRSWs53rD0fmXoHgyVCERlQDALAyzUMcRlWkB5FX3HY0I8mtanG"
    "rFsX3c1JMf4M+BHZIJ99P8ZaKKOheO8enDgg3+9ZGZjeGEGvZ2tYkxaAQlhPqtjhECDfzX"
    "YIVGxahMjf3y5bS/q3MQyzBt2TBVKlhmPscSarEaakT9VJoUhd2VgYEQPmEk44c9v46Cis"
    "ijB7EaUlowFXYnc5JmWyXEKqhRB/3R2QV0FdOBFxddRBURUZg5hD9m7FQ6n0hcS/A1Y6Px"
    "6eC8Nzwm/sE26trfz+PT2xf79PZTK0FC9cIMaSFhlZBqUWJZaVte3GuWdq3pmi2wPJ9+F+"
    "I11PgyTKXznpdkW+Q9uLg8GQ6gJ/K++eSb18Kn3/x7xi7Gg68wHkMB72Cb9r9JBUHzPxK2"
    "/qO0EUVlqpi6lrk36cbMnaQoJu8USN7hXccj3ES3s4ZrcQJPUg6TeDbTZVsk8WhgVMD/u8"
    "8YwTe+DzG5Gl+GwL2xs++Ct9oND6LO4iiFI3BSDIfgNLSqZtqPsqX5g2sR6zohihZ2ky1s"
    "T1l8D97t1BxIopabrGVMLxV3nLuZaIjppa9R6xkvO6aX1jIf4jarv8ppMWSTcjjZxBDFWk"
    "MUs1txCejmXtK4Ya03N7jJV/cZydG44nahbRYwlRzTo0uHCddGfhIiXBv5ZTLJ0z375rD+"
    "sPvPFdwf3fCh7Bh/PZ5s4M8uMNb/JWP9H2Aid5s1gdYNRcSJr0US8N5wmare4/1376t9jb"
    "PwOx1dngwlcjGW+oOJH7QQWvDuxbjjYSz1hil63FrpyqO8MjXDzPRTCxtxlmh9JndVeJdt"
    "b0d7r0J9RFoQ+YzsNSALcxnP5zHajipyb2WhivTQC9BDibncM+Ft56ZqSYzT400M6H5v0u"
    "+dSp2MzrdOCm5X0X0e/1alySa20/IYZxUaZJh03RxDDJOuMekak653OwO47qRr+NcZk1tx"
    "ww7KtwDqqhN/3X5anGX9dFpBrIIaAfciYgvC7ksdE+97xmC8kr7wE/7BjJ1ejnte8k1wNG"
    "MX0rgv8eQD/6CzhepKTuUN/IGZfVE+zSWqqFF3k8uzoooDkWMCHzPWH11yVbhfMwa9yjGB"
    "DzgagM7gY8Z6X78cE/iYsWFvAkX55zYqO8ihsgPxvi5Jld1qC5iRypolX1M7M1VhY0h8lj"
    "hGxuePjMeAT3Gz383QvzwBn0g/dpB+bA55U9bOEjwQK1ykrpTYhByo70jUmojAxVgzjDWr"
    "AC7csESEUvVkc9i4hKxzrP09RT/L8bb/9GYTI0aJJ/qDRUyHMQCKrCshN4ZJDCgSWZcMfr"
    "un3I6EaN4PbyOId0krpeTqZ2zGJJ7iSSK2H9EsckdXNqHf4J/qj3vkQYMm6tgEZmFzxbul"
    "18ZdC8zdowKsK3JjGktydWUbtqJfXc0YP391NTccZl9d7XGjzC0KJllQFKwrbeksr66IV3"
    "apMe/3nmujecX4vhj3iu5Qf2ONGdO5OmzvGcib60eQNOZzxzTdOTmXhmLMv66pe8QyiEK4"
    "1I+KaWr3/A8YOvTdfhHVoBZhhj1jBoDxYILJAOUZfaAumm/Fe24kvIGr9R4mq/gO9GWEfO"
    "F+7vxaHfu5h2rMSzBGFN8+7rz8nR7cPqFYC1+LtCYOrJZGHrEQeLecYZKJ4x3XEnWGO+5o"
    "sKM/chXCNyJTJ8LVT/wqA9mbLhQDOZRBkPOAzFcrkN35ViGc42IIdW6oi9PPEbEWcs87wj"
    "UHmGwkm11NuTZGJuG8ab6TEm0T7/wSU58tXrSoHC7e0uQXzR/lt9BxXBK13GgtexPmbbQc"
    "k0QtN1nLmNaEaU27h2p0o5Gic720bJsgrnuyhwEeGOCxWwEemF/2PIy3yS9LOOieifNFvL"
    "aW4pwepzCP7zXk8UWCUTKiKuKhKuKACouXk8PgmOqS+izDMb2m5B1xTJOu9z+SPUAkgqAD"
    "ZaP1hW04Vgi994303hf3XaDbopDbIvoSpGDezMMkRNF90WgmJuxH88bBhBItjIOpYlexYH"
    "gqjHG2sdoGmCtJ1VXcTVU2JDZmY50Qa13+aPlNGm5n028ZA4N4252ICO64ExsbythxB9Pc"
    "xO9Ce9PckOTvIMnfNpsPSX4k+RtJ3RUl+ZF8RvK5Weg2mHwOltzPop4jy/FvIJ6ja/9XvL"
    "Z3dgZYmnwWirksufv4GpWDxc6iVXFqWigd2ZQK6elm0tOYXFZxctn6DcrN/68lMNHpSfI/"
    "0i3lbb/RnqxtBFr5C7DdU9PKXMRrUxcdEarPstlvQT+NO0G+Mp9WsLVE0bVRk3Jb9WQNix"
    "qvw+9yD/OgjJXtNrhc1hLtg/ggF8QHGyA+SEOM8fJI+iLpi6Qvkr7NJn0xshsju5uKc15y"
    "/WUoYH9D0QwCONxqVEz/RvY0rZj8BQjvnuZ6eTAyJ3ET7TSIUUbKFinbpnUjVVO2K0PLXD"
    "FzA2cbimDQdq7dOOlcV7YL2k6IIsHVaILLHYQKajiQQdU2WrXI9CDTg0wPMj3I9CDT0zaM"
    "kelBpifW1scO62QwPokSe5uYn2ibMh1WBwVkzW+p6uhewEtuKgiapu24jxfJuUE2CNmgRn"
    "Y1lbNBLlwyvBRmYa4iKYtL/TXZoPW1RVnG65RLz74karnJWg5Ht3SH+fSupKF0jcGjF9L5"
    "6eD8S6eYdgMxvi+sezBjF+NRX5pMvJPrY75p6dnFUJpKfN9S72jGPvcGQ+n0mHjfnW364j"
    "zhRfvi6KL9VHAR3H2xyNqaNJ/yIuJNHvo6vVN3t1j3a8Ym/Z+k08shKCc42kYZJW/wG5tZ"
    "Fph8JOXaF1VX/gyEV08ZPEPWjnfi/Om41FYcVNOALplhNWHkEGz+I4Q1JtOa3X9Kg5Sapp"
    "HRP0/pNwGea4EWJGNsmiZJv01jM6TUYhrrWdJwdP4lKJ5cYSMRzmzbdLnKclULm29UBFsv"
    "bsL9Wk0Aczs1xyXR0Guylm80plm3W6k5IYp6brKeMQ6h2kER3d9loYrub3R/7wTGed3fYr"
    "dsxCIUMRdFNqAfO0yCeh5bhHml28+v8crwWUexFHurTYdF6aOyHdWm5y2HuYDmVoB7ke+G"
    "tznQV/6pQFQEZwJZLKTCMkKkxQSkXxyxxJjZpnUcO7fs0e5m0ODKRxWvfPSiS7M0rTG3cW"
    "2WJjfnSpZmuTapcqcaDxmzN/Fy+DGhZiyIz+/XmgXxuZ1VdKYSyuAMBbN6XnwCjrTmC9Ca"
    "PoFSHp3p5y+0FN6wy2xSgsnPxrUgscS/sreJovuPcV1RIkkqUyTi98ZEkGZSc0XtlBbbJ+"
    "XvI1XQ0q7dyt5t089w7LlRrPVGRGo0/qC3Zf4C/ztJaVBb0fQi1l8o0QzTr1V7oWGsbI2x"
    "sg2K+WtaD9+mYDAM+nsdelYd0w0ZkZdFot8TUpgTIyBwXsYa7lFTm992Mqxh/8reJmtYCc"
    "tUaQsXsn5fi+n7TP+92KgVbj8itgzEm4+0wv46OMhjfx0ciO0vfi3heoOXqgDCfvEWoruf"
    "y7rd32Dd7qetW3dD6SwS/Ik9qDNTDGuwu15mBlKahfWig9n3/wMbxMa0"
)
