"""Rebuilds with many processes (and reads from the database while one runs).

- ``leaderboards.dirty_last``: the latest change Redis missed, beside the first
  (``dirty_since``). The keeper clears a board's repair mark only once a repair that began
  after the latest miss is done, so a miss during a repair is never forgotten.
- ``standings.tie_key`` compares byte-wise (``COLLATE "C"`` on PostgreSQL; SQLite's default),
  as Redis orders members, whatever the database's own collation.
- The top-N index of standings covers the whole ranking order (score, tie key, participant),
  so a page in board order and the count of those ahead of an entry come from the index.
- ``participants (tenant_id, opted_out)``: whether a tenant has opted-out participants at
  all (when none has, reads skip that filter).

Both dialects, like 0_init.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_participant_tenant__68fbe1";
        DROP INDEX IF EXISTS "idx_standings_leaderb_7a4979";
        ALTER TABLE "leaderboards" DROP COLUMN "dirty_last";
        CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_0683a0" ON "standings" ("leaderboard_id", "period", "score");"""


INDEXES = """
DROP INDEX IF EXISTS "idx_standings_leaderb_0683a0";
CREATE INDEX IF NOT EXISTS "idx_participant_tenant__68fbe1" ON "participants" ("tenant_id", "opted_out");
CREATE INDEX IF NOT EXISTS "idx_standings_leaderb_7a4979" ON "standings" ("leaderboard_id", "period", "score", "tie_key", "participant_id");"""

POSTGRES = (
    """
ALTER TABLE "leaderboards" ADD "dirty_last" TIMESTAMPTZ;
ALTER TABLE "standings" ALTER COLUMN "tie_key" TYPE VARCHAR(32) COLLATE "C";"""
    + INDEXES
)

SQLITE = (
    """
ALTER TABLE "leaderboards" ADD "dirty_last" TIMESTAMP;"""
    + INDEXES
)


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
    "ZvdqeYkVcMk8QNzJLpJH4suF1O6YdLV7GSyatFDIo1WVVqf3JkUzAfu7yPgin6jLkk+txy"
    "5FKzUhfq5KMQU/9oNI6OThuHRydnzePT0+bZ4ZKhil5aRVVddL4wtmo/6MO8TV8FdRtRQz"
    "LVwomtxbi4YJelMSiAcBGEVr74QoMbhXcwxZqW2Jq4Im83JztgwE6DctQ4PVk2IezPqkZj"
    "cNXqdr1WIgCkohjEjBkYJNtqQKQ4c63lxfuFjbWZylibK4y1GTXWQP/tQJUB7DjZAlGHi+"
    "qzqsyxVgz+R40U8B81EtFnlzgDf4YO0ZDnhpbJxkNSwszTmLk/BIyO8nRdI5jGYx2S46C+"
    "B8G8sF6mFDubcNHrdUNs9UWHG8td315dSP29ug0+ZFKt0BBPTOuIaZ1dpHUqNq0T1Pp8pq"
    "yp9bCk0HpZtO5hFFB7hFZz2I9YfzrRCwnJrOWLlE7BWwi7iUyR8iBHEf6sG0Sd0G9kYQPd"
    "oYzkHMeNjyOBWzsGcBJ3CckGflnybGHTgveHtybOyKEPlt7vtAHpNFPPYiJCTESIiYiiYc"
    "pzIoKLaIiZi4jGPCRPR8RFW7w5JVFrIXZLBZkzTJH+gKxHgpwW6xcTeUWiPbiIx1ghU3UM"
    "l43pPsLIJNjU6adzW8a9KRRR4wDP4RYjOpT6VwisDQ2kFgz3kRMwcVDbf3Mu5QkszD6SRW"
    "QuRQTuFhm462kiSv5IdD6NDB9CGHuyZSbmYTDc6f7nHNmHEf1Nkr6xv85xRK9618OvLME9"
    "cYz6HLHfEXXs+ty17xFtdbsyGxufI+9sRNu3g2EPJJwjX+/SEE5nKeims0Sy6Yynmlidil"
    "VofEVxs5dZh2sSefWTFMDWeR/JR5Zd2rWZq4I40lzmraCVMSxzDZ4gJFhBmmB3aYEoGwTj"
    "jHVUHBATCi61ggXxs61hmyB+3p34ydPxDIaGx3idXOR4ssvJB6vnFwEnvLV399bE2F4ss9"
    "zN0X3wySIwD8lrQsvAiVXAk1o12JN+H4bGeZFZ9+VYr9u7/uJl56fiuVl3AGaiG5kajqBM"
    "BSDPu+0oRRBb2eIwc45dY66e/AIvB35ILNxv85dcEQUaukcfZjT4j0dmloYTKlntqhJjUA"
    "pKSOg3P0YINPBfnWbqFYMyBbbLt8P2ro5BTN2wZN1QiLFudxguoUDUL6VBVthtGegI4Rd6"
    "MnbacsvIqIg0ekhWQ0QLBqZPMiNp1lVCqIACddDuXd1AUzHsOHG/WVQREIWRg/9nRC+l64"
    "HEtASHEe31LzvXre45ck/WUVe9nmZOr548p1ePbP8DxRMKzxAX0pVIWHFSFVo4tSF35QP7"
    "rJrqvaqpVoLn+XZdCJdQYGUYStctZxFplnpwc3vR7UBL5BzZ4JuVwobf7DiiN/3Od+iPIY"
    "Nzso79r1KBZ/6nidZ/GnWiiEywoYEZZ12ZwouKxSkZFqewpmMBN9GsuO46eYEKLycWqaym"
    "y9ZYpKKCUwHv9xzTg6+sDyG5AiuDN72xs3VBUQ1rIZuq2wNkcQE5UeEGltkNdJSl4bieJo"
    "2aPUmh5TJrWazxSx7J7eZqL7HG7yNqPaayizV+hfjNzLFyt73LhiwvJ0gJEUdXaBxdvBVv"
    "Ad3Ue1yWzHpTg8tX3Q1WqIotWLMsuhTrecUa1fKvUY1Wx9UBw36dTRU2HNy2edvRw1o4jN"
    "ntEkQU8XtGEb9A7/sYN+rRdJwArS/CwfvAZPKqx/WDw3yrcRx+l73bi66EbvpSuzNwp0N9"
    "t8u+GKY0+1KrG+E0zZmGF/LMUHUjdgYs0YjjRIvzk/LCe9tOUrD1ytRGRAWFExq/e1pmB3"
    "Rz57PqqArCZFuoCp/+HXx6biy3IbzV/DQKj3G0vwkB3W4N2q1LqRbT+BbJm+wqupuRJnm6"
    "bMl+WhrnLEeHTCznLI8jJpZziuWcYjnnbq8tLHo5J7x1zOA22bC9/BWAOu8lhXY7nbx+8+"
    "2A5VABBQLuxNplhN2VOkfOcUShv5K+sAT3ZEQvb/stJ6zfOxvRG6nfllhYs3tSW0N1W14k"
    "6E3ixLZF6TTHFVGg7ga3V1kVByLnCH5GtN27ZaqwDyMKrco5gh8464DO4GdEW9+/nCP4Gd"
    "FuawBZ2e86KmumUFkz+YsIvMoe1QmMSGXVlO+JFRsEvTLYNk5cxNymj7kVUXrJZr+b8Vpp"
    "ovQE/VgT9GN5yJtt7cnOomeK/1bzjoQaJRG4IkBIBAjlAJfY6j8JpfzJZt+4ElnnkP29RT"
    "9zX91+exv7HiXIEf3FRMacUgAKLQtBD7qBdMgS2PEI/ttJdkOCVOePs8X8Ae+lbLn4ER1R"
    "MDJjgQK+H1JN9ERmFiKv8KbaYh+9qGCicwvBKGyMnVs6Nm57YPbu9+BdoQdDn6K7O0u3sH"
    "Z3N6Is/e5urM+pdXe3z5wyOyu4ZF5W8K7U6Xx6d4ecvFOVOv/3bR/NycZ23H/G2py4W/aP"
    "qMbUYTnPgPbuFyCpj8dzw7DH5EwaslH3uqrsI1NHGDGpX7FhqM/sBXQN2m43i6ITE1HdGl"
    "EdwHgxwGWA/JS8EBvNT8m7+XOzgbPl1xFm4W83byPkS3wJmV0r4kvIvhrTEowBxVePO9/+"
    "HvJ2m5DNwpcilYkDK8TIAx4Ca5ZjXLLkeMelRJHhjjsa7Oj2XJnwDcgUiXD+A7/cQHaGC9"
    "lA9mUEyGlAZkvMZXu8lQnnsJiAOjXU2enngFgFuecd4Zo9TFaSzbambB8jlnBeNd6JiFaJ"
    "d36Poc8aFS0oJ3bcKHNFc3v5NXQclhRaLrWWnQHzOloOSQotl1nLYlmTWNa0e6gGP2GQda"
    "wXla0SxEUP9kSAhwjw2K0AD7G+bDOM11lfxk3QbYjzTbi0iuIc7afEOr6PsI4vEIwSE1UR"
    "DlVJDqgwWT7ZD47Jb1Gfqc8Nx5ScM4YpP/X+g28BAhEENcgbLM+34VAmMXtfytn77HMXYt"
    "oi07RFsBJEYF7Nw3CiYvqi1EyM346mjYPxJSoYB5PH94q87ikzxvHOahVgzmWpLrY/17Bi"
    "YWM81pxY5daPbt+k4XYWeY3pGJI/6BEQEd/yCPUN2/iWh1jmllwXqrvMTZD8NUHyV83nEy"
    "S/IPlLSd1lJfkF+SzI53KhW2Ly2dsnPY56DuyhvoJ4Dm7YnvPe3vErwKLkc6KYzZLbj68S"
    "2dvsLFgUo6YTpQNfEhL0dDnpabG4LOfFZcsalJr/X0qIhU5vkv+BZimt/QZbsqoRaNvfgO"
    "2ZGGbsJl6rmuiAUHGeTb0C7bT4fN8Hm9PyPi2RdW9UXm6tlqxkUeNFzLs8wzgoZme7FVMu"
    "S4nqQdxMBXFzBcTNKMQiXl6QvoL0FaSvIH3LTfqKyG4R2V1WnNOS6+9DAbeIoY4fazEEsH"
    "tlfxX9i/08W+V+N9nL66Nwrbl9NSSRJUl2LJI5kirwqI1mmt3JIVey99aM7FDOKlUGhN3s"
    "FUS3nspxq69w3OpRx82Oe4vrpN4IlYvdB62AULn3YZi2FhQXGfQW2Zn9/D8+UV1z"
)
