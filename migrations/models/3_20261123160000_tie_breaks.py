"""Tie-breaks: a board's fallback metric and "earliest to reach the score"; standings keep
their tie key, and aggregates when they reached their values (in event time). Existing
aggregates take their latest event's time: no board has a tie-break before this migration,
and setting one re-scores the board from its events. Both dialects, like 0_init."""

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
ALTER TABLE "leaderboards" ADD "tie_earliest" BOOL NOT NULL DEFAULT False;
ALTER TABLE "leaderboards" ALTER COLUMN "tie_earliest" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "tie_metric_id" INT REFERENCES "metrics" ("id") ON DELETE RESTRICT;
ALTER TABLE "standings" ADD "tie_key" VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE "standings" ALTER COLUMN "tie_key" DROP DEFAULT;
ALTER TABLE "metric_aggregates" ADD "total_at" TIMESTAMPTZ;
ALTER TABLE "metric_aggregates" ADD "maximum_at" TIMESTAMPTZ;
ALTER TABLE "metric_aggregates" ADD "minimum_at" TIMESTAMPTZ;
UPDATE "metric_aggregates" SET "maximum_at" = "last_at", "minimum_at" = "last_at",
    "total_at" = CASE WHEN "total" <> 0 THEN "last_at" END;"""

SQLITE = """
ALTER TABLE "leaderboards" ADD "tie_earliest" INT NOT NULL DEFAULT 0;
ALTER TABLE "leaderboards" ADD "tie_metric_id" INT REFERENCES "metrics" ("id") ON DELETE RESTRICT;
ALTER TABLE "standings" ADD "tie_key" VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE "metric_aggregates" ADD "total_at" TIMESTAMP;
ALTER TABLE "metric_aggregates" ADD "maximum_at" TIMESTAMP;
ALTER TABLE "metric_aggregates" ADD "minimum_at" TIMESTAMP;
UPDATE "metric_aggregates" SET "maximum_at" = "last_at", "minimum_at" = "last_at",
    "total_at" = CASE WHEN "total" <> 0 THEN "last_at" END;"""


MODELS_STATE = (
    "eJztXW1zozgS/isqf9lMVTYVO3GSS11dleMwM75x4pTtzO7teIsoRnGoYOEFnMS3N//9Wr"
    "wYEOCAbQgm+mKwUAt4uvXSj1ri79pUV4hmHgwJxdSqnaO/axRPCZxwV/ZRDc9mfjpLsPC9"
    "Zme17Dx2Gr43LQOPWVEPWDMJJCnEHBvqzFJ1Cql0rmksUR9DRpVO/KQ5Vf+aE9nSJ8R6JA"
    "Zc+PEnJKtUIa/E9P7OnuQHlWhK6FlVhd3bTpetxcxO61Drs52R3e1eHuvafEr9zLOF9ajT"
    "ZW7VeccJocTAFmHFW8acPT57OvdFvTdyntTP4jxiQEYhD3iuWYHXvZf9tJosX/eG8kAayn"
    "ItA0BjnTJwVQY1e/sJe4RfG/Xj0+Ozo5PjM8hiP+Yy5fSnc2sfGEfQhud6WPtpX8cWdnLY"
    "GPugmtp8EoW1/YiNeFy9/Byy8Mg8sh6O5YV2il9ljdCJ9Qh/T45X4Pi91W9/bfX3To4/sR"
    "vqYPxOpbh2rzTsSwxqH1r7mAFaL/92oPUSfGz9qlo4uI3DwxToQq5EeO1rYXynxMLMrqMY"
    "/3vQu47HOCjD4ayoYwv9D2mqGWkktoV37Z8PczpmUKL7uapZKjUP2G3/VctJCytAZxixkq"
    "em+ZcWxHrvqvU7r4Z2t3dhQ6ab1sSwS7ELuOBUMjYIg0zGVlQpl3DFUqckXjFhSV41ruiB"
    "d7KLFQJeUOlRbeG2citUM+xcSYNh6+ompJ/L1lBiVxp26oJL3TvhdLYsBP3WGX5F7C/6o3"
    "ct8Wpc5hv+UWPPhOeWLlP9RcZKoEH2Uj3UfrJe+uEp0KWwhHs8fnrBhiKHrvjmMcOGpY7V"
    "mTeOCBvIhSv9+VufaNjGN2oK7oDlxi9pB23hp2f9XqpvE4G6hKH5VLAhz4ih6sqGgLXd0m"
    "7swqqKmQZ1jBj3OoCyIV5dv6QPAJYM/aKhjreH2ZVdXlWR2wpaHwEiGU+gn5nAu20FrJZX"
    "WlVRM8e6QWTyTDbuIAesJIkVVFmsLEwVKGVToNxiqgQTG4vpDT1pdBa9NG1M+RRM8cR+JX"
    "ZvdqeYkVcMk8QNzJLpJH4suF1O6YdLV7GSyatFDIo1WVVqf3JkUzCfdzk1+XShTj4K//SP"
    "RuPo6LRxeHRy1jw+PW2eHS6JqOilVYzURecLI6X2g67K2yxVUIURNSQzKpzYWsSKC3ZZ6n"
    "wBvIrgrfLFF9rVKLyDKda0xNbEFXm7OdkBA3YalKPG6cmyCWF/VjUag6tWt+u1EgEgFcUg"
    "Zkz/n2yrAZHizLWWF70XNtZmKmNtrjDWZtRYA920A1UGsONkC0QdLqrPqjLHWjH4HzVSwH"
    "/USESfXeIM/Bk6REOeG1omGw9JCTNPY+b6jJHP+jyGt77QdY1gGo91SI6D+h4E88J6mVLs"
    "pMFFr9cNkdIXHW4sd317dSH19+o2+JBJtUJDPDF7I2ZvdpG9qdjsTVDr85myptbDkkLrZd"
    "G6h1FA7RH2zKE9Yv3pRC8kJLOWL1I6BW8huiYyE8qDHEX4s24QdUK/kYUNdIcyLnMcNz6O"
    "xGftGMBJFCUkG/hlybOFTQveH96aOCOHPlh6v9MGpNPMMIv5BjHfIOYbioYpz/kGLnAhZs"
    "ohGtqQPOsQF1Tx5sxDrYXYLRVkzjBF+gOyHglyWqxfTOQVifbgIh5jhUzVMVw2pvsII5Ng"
    "U6efzm0Z96ZQRI0DPIdbjOhQ6l8hsDY0kFow3EdOXMRBbf/NKZMnsDD7SBaRKRMRn1tkfK"
    "6niSj5I9H5NDJ8CGHsyZaZmIfBcKf7n3NkH0b0N0n6xv46xxG96l0Pv7IE98Qx6nPEfkfU"
    "setz175HtNXtymxsfI68sxFt3w6GPZBwjny9S0M4naWgm84SyaYznmpidSpWofEVxc1eZh"
    "2uSeTVT1IAW+d9JB9ZdmnXZq4K4khzmbeCVsawzDV4gpBgBWmC3aUFomwQjDPWUXFATCi4"
    "1AoWxM+2hm2C+Hl34idPxzMYAR7jdXIB4skuJx+Tnl+gm/DW3t1bE2N7sZpyN0f3wSeLwD"
    "wkrwktAydWAU9q1WBP+n0YGudFZt2XY71u7/qLl52fiudm3QGYiW5kajiCMhWAPO+2oxRB"
    "bGWLw8w5do25evILvBz4IbFwv81fckUUaOgefZjR4D8emVkaTqhktatKjEEpKCGh3/wYId"
    "DAf3WaqVcMyhTYLt8O27s6BjF1w5J1QyHGut1huIQCUb+UBllht2WgI4Rf6MnYacstI6Mi"
    "0ughWQ0RLRiYPsmMpFlXCaECCtRBu3d1A03FsOPE/WZRRUAURg7+nxG9lK4HEtMSHEa017"
    "/sXLe658g9WUdd9XqaOb168pxePbLLDxRPKDxDXEhXImHFSVVo4dSG3JUP7LNqqveqploJ"
    "nufbdSFcQoGVYShdt5xFpFnqwc3tRbcDLZFzZINvVgobfrPjiN70O9+hP4YMzsk69r9KBZ"
    "75nyZa/2nUiSIywYYGZpx1ZQovKhanZFicwpqOBdxEs+K66+QFKrycWKSymi5bY5GKCk4F"
    "vN9zTA++sj6E5AqsDN70xs7WBUU1rIVsqm4PkMUF5ESFG1hmN1Cs/kru43dzHZBY/fURtR"
    "5T2cXqr0I8Kjbkdvc9y4YsLyfcVRFhVWiEVbwVbwHd1Jsclsx6U4PLV90N1i6KPTizLMcT"
    "Kz3F6sXyr16MVsfVoaR+nU0VUBrct3fbcaVaOMDV7RJEfOl7xpe+QO/7GDfq0XScAK0vws"
    "H7wGTyqsf1g8N8q3Ecfpe924uuhG76UrszcCfKfLfLvhgmu/pSqxthu8yZhhfyzFB1I3Zu"
    "JNGI40SL85PywnvbTlKw9crURkQFhRMav69WZgd0c+ez6qgKwmRbqAqf/h18em4styG81f"
    "w2Bo9xtL8JAd1uDdqtS6kW0/gWyZvsKrqbkSZ5umzJfloa5yxHh0ws9CuPIyYW+omFfmKh"
    "326vOit6oR+8dczgNtmwvfwVgDrvxWZ2O528su/tUNZQAQUC7kRhZYTdlTpHznFEob+Svr"
    "AE92REL2/7LSfg2zsb0Rup35ZYwKt7UltDdVtePuZN4sS2Rek0xxVRoO4Gt1dZFQci5wh+"
    "RrTdu2WqsA8jCq3KOYIfOOuAzuBnRFvfv5wj+BnRbmsAWdnvOiprplBZM3mvfF5lj+oERq"
    "Syasr3xIoNj10ZhhknLqIx00djiii9ZLPfzXitNFF6gn6sCfqxPOTNtnbrZtEzxX+sd0dC"
    "jZIIXBEgJAKEcoBLbAKfhFL+ZLNvXImsc8j+3qKfuc8uv73BeY8S5Ij+YiJjTikAhZaFoA"
    "fdQDpkCeyFA//tJLshQarzx9l8/ID3UrZc/IiOKBiZsUAB3w+pJnoiMwuRV3hTbbGPXlQw"
    "0bmFYBQ2xs4tHRu3PTB7X3TwrtCDoU/R3Z2lW1i7uxtRln53N9bn1Lq722dOmZ0VXDIvK3"
    "hX6nQ+vbtDTt6pSp3/+7aP5mRje7E/Y21O3M3cR1Rj6rCcZ0B79wuQ1MfjuWHYY3ImDdmo"
    "e11V9pGpI4yY1K/YMNRn9gK6Bm23m0XRiYmobo2oDmC8GOAyQH5KXoiN5qfkfd652cDZct"
    "/8WfjjvdsI+RLfyGXXivhGrq/GtARjQPHV4863v7u43SZks/ClSGXiwAox8oCHwJrlGJcs"
    "Od5xKVFkuOOOBju6PVcmfAMyRSKc/8AvN5Cd4UI2kH0ZAXIakDVsWrI93sqEc1hMQJ0a6u"
    "z0c0CsgtzzjnDNHiYryWZbU7aPEUs4rxrvRESrxDu/x9BnjYoWlBM7bpS5orm9/Bo6DksK"
    "LZday86AeR0thySFlsusZbGsSSxr2j1Ug5vbZx3rRWWrBHHRgz0R4CECPHYrwEOsL9sM43"
    "XWl3ETdBvifBMuraI4R/spsY7vI6zjCwSjxERVhENVkgMqTJZP9oNj8lvUZ+pzwzEl54xh"
    "yk+9/+BbgEAEQQ3yBsvzbTiUSczel3L2PvvchZi2yDRtEawEEZhX8zCcqJi+KDUT47ejae"
    "NgfIkKxsHk8SUbr3vKjHG8s1oFmHNZqovtjfxXLGyMx5oTq9z60e2bNNzOIq8xHUPypx4C"
    "IuIrD6G+YRtfeRDL3JLrQnWXuQmSvyZI/qr5fILkFyR/Kam7rCS/IJ8F+VwudEtMPnv7pM"
    "dRz4E91FcQz8EN23Pe2zt+BViUfE4Us1lyh4BOzBP4XpAgoctJQoslZDkvIXPqSbRlT2b5"
    "lxJiOdObFD/bTiLjxowBkcrRZNvfZu2ZGGbsVl2rmuiAUHH+S70C7bT4SN8Hm7nyPiCRdQ"
    "dUXm6tlqxkseFFzK48wzgoZv+6FRMrS4nqQdxMBXFzBcTNKMQiKl5Qu4LaFdSuoHbLTe2K"
    "+G0Rv11WnNNS6O9D9LaIoY4fazE0r3tlfxXJi/08W2V4N9mx66Nwrbl9GySRJUl2LJI5ki"
    "rwqI1mmj3IIVey99aM7EPOKlUGhN3sFUS3nspxq69w3OpRx82ObovrpN4IiIvd7ayAgLj3"
    "YZi2FvoWGfQW2Zn9/D9aubF7"
)
