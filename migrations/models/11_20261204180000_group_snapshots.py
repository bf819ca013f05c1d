"""Group snapshots (issue 13): ``run_group_entries`` and ``archived_run_group_entries``, a
scoped board's run entries ranked within each group of its scope, as the groups were when
the run was made; archived with their run. Both dialects, like 0_init. A downgrade drops
them (the runs and their entries stay: group snapshots are not made again)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "archived_run_group_entries";
        DROP TABLE IF EXISTS "run_group_entries";"""


POSTGRES = """
CREATE TABLE IF NOT EXISTS "archived_run_group_entries" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "group_id" BIGINT NOT NULL,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "archived_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_run_id_ac7e73" UNIQUE ("run_id", "group_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_archived_ru_partici_d4818f" ON "archived_run_group_entries" ("participant_id", "run_id");
CREATE TABLE IF NOT EXISTS "run_group_entries" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "group_id" BIGINT NOT NULL,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "leaderboard_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_run_group_e_run_id_bf8afd" UNIQUE ("run_id", "group_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_run_group_e_partici_898751" ON "run_group_entries" ("participant_id", "run_id");
COMMENT ON TABLE "run_group_entries" IS 'A participant''s place within one of its groups in a run of a scoped board';"""


SQLITE = """
CREATE TABLE IF NOT EXISTS "archived_run_group_entries" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "group_id" BIGINT NOT NULL,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" REAL NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "archived_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_archived_ru_run_id_ac7e73" UNIQUE ("run_id", "group_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_archived_ru_partici_d4818f" ON "archived_run_group_entries" ("participant_id", "run_id");
CREATE TABLE IF NOT EXISTS "run_group_entries" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "group_id" BIGINT NOT NULL,
    "position" INT NOT NULL,
    "rank" INT NOT NULL,
    "participant_id" BIGINT NOT NULL,
    "score" REAL NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "run_id" BIGINT NOT NULL REFERENCES "leaderboard_runs" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_run_group_e_run_id_bf8afd" UNIQUE ("run_id", "group_id", "position")
) /* A participant's place within one of its groups in a run of a scoped board */;
CREATE INDEX IF NOT EXISTS "idx_run_group_e_partici_898751" ON "run_group_entries" ("participant_id", "run_id");"""


MODELS_STATE = (
    "eJztXW1T4zi2/iuqfOnuqizVQAO91K1bFSDdnR0gFAkzc3eyZUQsEl8cOWs70Ozc+e9Xkt"
    "9fZOzEdhxzvkBi68jOc2RZ5zkv+rOzMFSiW3u9pfYLee2coj87FC8I+xA700UdvFwGx/kB"
    "Gz/ooileasoTeRUH8YNlm3hqs+OPWLcIO6QSa2pqS1szKG/dQ6wtwsgmFFP7g4WmWNeJaa"
    "GlSSxC7T00pPor0myLNyQqUrUZsWykWciyDZOop8ieE9EJa0P0R3aGX1k1puzSGp1VdZEJ"
    "tebGC0UGnbKf9TInlJ3jEguskj1+Cyuq/XtFFNuYESZtshv541/ssEZV8pNY/OsfHeeOeG"
    "tN7fyLn14+KY8a0dUI/OwkOyWOK/brUhwbUPubaMh/7YMyNfTVggaNl6/23KB+a825yoxQ"
    "YmKb8O5tc8UVQle67urO05Fz50ET55ZDMip5xCudq5VLOzcQHOsoyvVwrIz6Y0XpJFTuSY"
    "QU5B6aGpQPF3arlvj1M34LfzvY/3Ly5evh8ZevrIm4Tf/IyV/OpQNgHEEBz/W485c4j23s"
    "tBCYB6CK/wlYz+fYTMfVax9Dlt1yHFkPxyxovQMBtsETUge4C/xT0Qmd2XP2df/z5wwof+"
    "3dnv/o3X5krT7xSxrskXae9Wv31IFzjuMd4GtNDd5LAYQDiRZifPwlB8THX6QI81NRgJ1Z"
    "qgjAgUQ5AG93fqgY3rk7Z+YF12vfwrG7f5xnejiWzw7HcXCnJuFgKDgF4gt2xtYWJB3mqG"
    "QMbNUV3fM+7CD0GVCPB1f90bh3dcO7X1jWv3WBV2/c52cOxNHX2NGPcbX4naDfBuMfiH9F"
    "/xxe9wWchmXPTHHFoN34nx1+T3hlGwo1XhSshjHxDnuHImrWsWUrK2stRcdlS1C1Oz2Bps"
    "vXtEmejae19ByVBC03WcuOvaIUskciMm+bJTswQ5dhmXBb7/Ep1TAJjMIowt+YKarNKLPA"
    "BdADdk+YWZ8psLrm+tjvaMcA/ssbQ97R4Kk28YtvIEeHFvv97FcTWyBwy4b67eCcIc2Bfs"
    "DTpxdsqkoEcX7GODBiR/y2yVOLg0X8CKZ4JvDhP4TftseUrFTN7lPbTOdRgrPdTC6Ft1N0"
    "Y5aPTBlSgrC60ChidhRTNzt8il7mBvro0hddZJiCypgaC3brKtI1Sj5x+gLb7K9mz9lHbT"
    "pH2JytFoRpo5sgU6q4yIRyAqWLeOu58cKZFMJGnloHj3Kmzd4LlfL3g4PDw5ODz4fHX4++"
    "nJwcff3sz1zJU1lT2NngO5/FIq+htwkXNjaKvTkCgbVeGw1bB5TDZwVwsqnAMIsYqL5AGy"
    "3Ug1wM1kEGg3WQYLD8Ca4IyhGhFiJdPtHivweSMP9jNLyWDOawUNxo0KY2+j/23rEqW/x0"
    "/utxRaccSfSw0nRbo9Yev+x/d+q3IjhIEQPCA/vjVe/3uB7OL4dnccuAd3AWH/srm72/Cx"
    "HkIZEWjvvDgxzj/vBAOu75qdi4L2wqA+cFNvKOaBRsZLCR37CRXehT7ONAKXLb2Pld+cIM"
    "5KC+bVyCU75Op7ylr2aFXMZue/BnvrnMhngHH9yDXPEOBxnxDgfJeIcFsTEf10WsmLAMGD"
    "GlGzHs5W+vJCEofbpaJNYI0bnFl67vEej0zseDX/sFFeBKnSLn/4SO7kY3/euL/sUp8j/G"
    "mdztOP4tYrNxNitk64dl4Ckp/SmBWAz508B+oMqDQ921wI7Yqe6yJWGmJgwq+cI/RFOEAn"
    "pjrhNX8tsvt0SXcZ6J0OEdGwIyOytK5QhHHaGsq7SQx0JARXyDbQRriU1bm2pLnEr5FsHq"
    "JuiprWBNMXsZq9hUlsTUDHVDwM7d3m5EZ23FTGeTNjEfDAbKhnhdBj29A7AUZo6Y2rQ8zK"
    "5Ef21FrhS03gNECp6xhcuM/bZSwOp5vbUVNWtqmEQhz+k+0SKAjXhPfd5Ra7FitruablAW"
    "Asrtpq0wvWiU/agNQfpNdNJWiLA5nWvPzJo1V3TTNbzb1e2Kvge0SjJ8AtBabf5EkJuZxm"
    "pZOn7fea+tBnHzZzS0TG3xY1ra09n2p7Lkh/F9PIRE8IZTHWuLTfESXZ3zntqKlkWwZWw6"
    "a41EJ+2GSHHGVSlIOeOqrXiJCWtDnMQ01WqAlAVZPGxs/AicrkRPbUKrygCvMD2fEuUVY+"
    "/loV5xh0G58V7h7CHy0yYmxbripRFlZBl1UfiIseSOUGNlQ/pRQ9OPwrpNqEEeBhUTWysU"
    "pGmZSNUHQ0GwWbX4sgk3Ce9ogXVdOpu4Ii1KpTs8ODn2pxD+JWvSGF31Li9TsuhU1SRWoT"
    "JFIZEaA8M6tQzWo1yD9ShjsB4lB2vo/e1AVQDsNNkaUWcntWdNXWG9HvwryDJ6Zi9EU1mZ"
    "eqExHpGCYZ5nmAdLwOQqzzB0gqksYzQkF4P6gQlWhbV/pN4YxrPh8JL37MfInQ1ia7nru6"
    "uz/u3HfQE+a6TZkSUehFxDMOku+v5bFkwa1vpqqa6p9agkaL0pWvcwCqk9wa5BpmsHMl3b"
    "kukatq0hWg2i1SBabavRahCqBo730oKQhftvrpXiKgUXYBEXYCzhJMULmExJkTsC05Jh8u"
    "wxwS+pImuJKTIeRW3C8FYQokv0kZ3EU6yShTZlp81FF2HkBCR8cvZ/cC/KuujEAK/gEhM6"
    "7t9eiYqIo36PGdrIyWeRlUQM+yKf2AgT/8lrwosJ5SzKXrt3M3yOnibWST/3ZJvsEmNm6O"
    "Dyf06R+Dehv/X7v/Cvzv8JvRpej3/wA+4HZ1CfIv53Qp1xfeqO7wntXV4q3Co9Rd6nCT2/"
    "G42HTML5H3/u8lC9X3MQvV+lNO/XOMn75CSx5uXR3eZN1uGaFHr5pQGa7zOuyTtRiceYzT"
    "Kmba3B0EUEW0jQ7S4hl+Rh2TpjHRWHxEDBjVYwUK5lLduAcm0Q5Qqx8bVb5uHSBilmeazy"
    "gdwmjxdbqC44F8zZrZuzYPxAdcbdNH/Cd5aAeUx+SmaGmFgLTM2s1XD/93FkIZwICPIXw5"
    "fD6+9e83iUUCwgiAEzM8xCE0dYpgWQVz13NCK+tmkh4hWH1XJbWHlhP44Zaqlwv03wxrqo"
    "s8ioy68WHPDvj+1tDGnWsKerTZRKIzgz0G9l+vWdxgWtl7hc+96K5btw+Gj/j0ELrUDCMj"
    "W+A+/G57u63rMM01YMUyWS7d9ylDaP9FAj6hf9UVHYhQxbdLC/bNXAP/bcPgoqIo8e5GpI"
    "aMHE9EnhhNi6Soh0UKMOzodXN2xaHg+c9I8iqgiJslVa8GVCL/rXoz7XEvs3ocPbi8F17/"
    "IUuR/WUdf+fp7ZaV8+O+0ndmhg3Uur+0jJwZhUi/JnS9uK8lmztAdN12zJC/btZyHaQ40P"
    "w7h/3XNqCRR5Dm7uzi4HbCZy/nNDh/fCTR3+f0Jvbge/srUPa+B8WGf8Z6nAG/4n0tF/kn"
    "w1E4VgU2fDuGiCYlwUchQL5CjyqeOVXUS3017X8jzFuBzkKmZTk2vkKmrMgGO/7znlDZ75"
    "PETkanwYPFfSzj4LThVaniuSxgdL38BxMXgFJ6G1pkYx4tcXaJ9dWz7b69QRE5lO665wYl"
    "3UuMQZ3V0VXd8wEb5z1NWEXvV7bKnP/zbA5FI1035VLM3FtwhdFxMFyq7JlJ2jLB2nrVTz"
    "qNmTBC03WctQKkI+i+5m0QAoFfEetZ7ysEOpiFoW/ZyYcbfYKYZsXA4sKggKrzUoPH0Ul4"
    "Bu7v20GjZ6c4Mbf3Q3iLqH7d4K7dsCZWGg1EnpMMHGXG8/eLAxF+yMVP78BClnW0w5c5cK"
    "2YlnwXoiV/pZePvasrPQ9Gg6nLtchWy0bWajvTDLYJ5mkekGlnkSfZEYvI9cpqrneH/vc7"
    "WPcRp+F8O7s8s+urntnw9GbqhXQAmJk1F37W2/d5nwt1hLHb8qS1MzzNToHukgThOtj8Op"
    "Cu+yCZzw7FVojkgKAkGWXiC8MDm2OTHWdlSBzC0LVeAbt8A3xtZyG8IbK5TQUoyT75sI0O"
    "e90Xnvot9JmXzr5HR3Fd3NCN0qTTa5nZbHOKvQIIOyIM0xxKAsCJQFgbIgu12jou6yIOxX"
    "pyxu5QPba98CqKsOVhbztLwOyNuhypEOagTcySMoCLsrdYqc/xPK3lf97/yA+2FCL+5ue0"
    "7KovdpQm/6t+d9nrLlfuisobqSi014DubUuSif5mJd7EqQ+fnwjqtC/JtQNqucIvaHfRrw"
    "2PMBrxby6/dTxP5M6GVvxJryv+uo7CiHyo7km/7FVTbXZmxFqmiW8kDs1ASvzESiNHHIJ8"
    "qfTwQRxPJhv5uxpHkiiIF+7AD92BzypqwauDyyLyijWkr4Rg7UdyQMUkbgQvAiBC9WABfs"
    "ZidDqXqyORhcUtY5Mv7eop+V6Nh/e7+oISXIEf1gIXNFKQMK+Z2gR8NEBmsSqpzJvotDYi"
    "JBmvPF2ctpL26llNz9hE5onyfGo5DthzQLPZGljchP9kv11y560dgQXdmIrcKm2LmkM8aF"
    "BSa2mWLWFXo0jQW6v7cNG+v39xPKj9/fT40Vte/vu9woE02ZSeY1ZdaVtlgt7u+R03ahUe"
    "d7V9hoTjO+tdUz1lfE3RtrQnWuDtu5B/Tx4ZVJGtPpyjTFmpxLs2bUPa+pXWQZCCMu9Tds"
    "mtoz/wGGzuZut4lqEAtRw55Qg4HxYjKTgbWn5IUIND/Jt82KeQOX/jZkIQWIJXAJIV9n2u"
    "y9OBv+fnBweHhy8Pnw+OvRl5OTo6+f/QVq8lTWSvVs8H1wHTMQ33ZJBGrMSzCGFN8+7rz8"
    "Sn9iTig2wn2R1sSB1TLIQxYCn5ZTTDJ5vKMvUWe4444GO7pvrkL4hmTqRLj6hV9lIDvLhW"
    "IgBzIAch6QefkLRay3CuEcFQOoc0NdnH4OibWQe94RrtnDJJNsFpoSNkYq4Zy13kmItol3"
    "3sbSZ40HLSwH1YCa/KC5b/k1dByVBC03WsvOgnkdLUckQctN1jKkNUFa0+6hGt4Kq+haLy"
    "nbJojrXuxBgAcEeOxWgAfkl22G8Tr5ZTEH3YY430R7aynOyfcU5PG9hzy+UDBKSlRFNFRF"
    "HlAhqpcrQXBMdUl9lrEynaHkfOKYxl3vf8RngFAEQYe1DfcXjOFII/DeN9J7X9x3AW6LQm"
    "6L8EOQgDmbh4mJgvui0UxMMI/mjYMJJFoYB1PFXoze66kwxunGahtgriRVF4utqDISG9Ox"
    "jom1Ln+0/CHNLmeTnykvBvlmZSER2Kcs8m4oY58ySHOTPwvtTXMDkr8DJH/bbD4g+YHkby"
    "R1V5TkB/IZyOdmodtg8tnbwyGNeg7t75BBPIc3k6i4tnd6BliSfJaK+Xt88oxur9hZuCtO"
    "TUulQ7ucAT3dTHoakssqTi6TbLSbwf/L9tWFRKck+R+alvKO3/BM1jYCrfwCbM/EtFKLeG"
    "VN0SGh+iyb/RbM07C16DvzaXlbSxStjRqXa9/G99X4XZ7ZOiilsl2Gy8WXaB/ER7kgPsqA"
    "+CgJMcTLA+kLpC+QvkD6Npv0hchuiOxuKs55yfXtUMDuDrUpBHCwd62c/g1tklsx+csgfH"
    "qb6+XByJzEjY1TL0YZKFugbJs2jVRN2S4NLbViZgZnG4hA0Hau3TjJVMfrBW3HRIHgajTB"
    "JV5CBTXsyYBqG61aYHqA6QGmB5geYHqA6WkbxsD0ANNj7fXM6Vx7JurtinZS6J7w6W4W54"
    "Pdhoq5ojkL9/d4OX20MJgU4sXunWLzSGfdINGvhQw2fpBmW8hkaFGRM7TElsUEPt7fs5vZ"
    "41fbc699f//ptBNTXSUXmVDehcWQQs7b0EIryovb+4d5CfylvrLQy5yYvHNk8QtoVDRxZr"
    "cPFrKmc8PQ0RQzS1/F5t6EXvEb7SJKnll3U2OpEfXUkTExtZzkOPYd20gUzbd41+ISzoAS"
    "3zlbRnJX0Gf3QNSV7gQM5QybVNjtxlP28ZQ1XGhT5ZU4zmSbmIstEGx5Zg5g2IBhq5xhc5"
    "4U9g40C/M/cVkon9hkkiA0J66nZ1cStNxkLbOH0V6lMOb5dnoNpJs8eXZu+tcXg+vvfJtd"
    "8WFCb26H5/3RyDnof+Z7wF7dXPbHfb4NrPNpQr/1Bpf9i1Pk/I8vxXJNw3mitfblwVr7iV"
    "gtdvXZLG2n13x6C4k3WnG9C7H5rvg3oaPzH/2Lu0umHO/TOsooeb/kyEKzwLojLte+IMXy"
    "Fx+8e2bKmFraBoLydPSo1Fpr7aYBXTJhbbKXhmQvJSmsEZnWbKZUGqTENI2U+XlMfkrw9A"
    "VakNuStULq/z6OLI4StUn8BdLl8Pq71zxesCQWHW7bZLFM8/xLh29YBEYv7Gn+Xlf/5npq"
    "jkqCjddkLT9qVLPma6k5Jgp6brKeE1x17lSpuCAYI28bI8IRUABkrz1g+za2vtut+IwVE4"
    "UFSKOnLIhEq3YdDwFQZaEKAVAQALUTGOcNgJIH5oRILBnZeuYKfvvllujYTi8Zkgy26bP+"
    "XluEfWSwzkxjtZTz02tC9p332jrcaor9cnDLDgDzsc0XBRZWcNlpgKYTjsYWWZroIHOvEf"
    "fh5jIQjtTUcCRPk/lXX2ERWHyl+aowTclLkrup3OaAJSSqNG3i2Llag9thNaDc4A6UG9xq"
    "PbSmDeY2FkRr8nCupB7ag0nwk2q8pKze5HvQRISasQsNv15rdqHhFljRlUogAysUSKXd+g"
    "IcmOQtMMkutbIhrLG8wZZiG8yXDU3pDHGi2dxelDzNSfAleNyKaD7nOu7kCJTfTr0X5ZRf"
    "WKv5lRAZCy16Uda8SAG+FfjWJmMJfGtDJgrgWyvmW4EOrJcOBF4EeJHtYw+8yLZtd+BF3h"
    "svEopqlFS7irXoZjEh4ejB3DWvCvIfG5Vq8qqeB6UnQhmHUPi8maQIlGWCskzbn+BbkTED"
    "ZZneg5Z3ryyTV2SpU0y7UJsprjyozQS1mXZwBQK1maA2065Ut4HaTFCbaXdHL9RmWmts76"
    "AJALWZWq9lqM30PvQMhU6g0MluoApuWCh0shMYN67QCRQ4KQIVFDYp6unPKmiSr5AJ1C8B"
    "tz2UL4Fw+pZgCeH0DQmChXB6KF8C5UvqhXq38xWgfAmUL0nBG8qXQJoOpOk0egEO/PDOpu"
    "kkE0FaCm8zM3XerFxSoGLJeoVKOj0Usns/WIitXacEvWj2XKPIoIRvJM+3dBddi53dsdhp"
    "nh3GiNlsS6Ii368Q25G+pJ4n1N2f3mnJd6YXW8W7gu5O96Kp2GueSfLt4R+IblAGO7INvj"
    "29syU9v8ALttCCjfvuhHIyhbXAC9aSn19YRH8m1h4acWsUYaoirhGE2RdPnMP7+sHqoiey"
    "dDelfzRMNuoIVS35dvS7WeMFaFEo8dJIZQAnDZz0bmAJnHRDJgrgpKHES6soU+COgDvaPv"
    "bAHW2b3ADu6B1yR/8wHiTVXdwz3Sy26H+Nh4qquSSojFDyCfAXzeQvii7YWrxQO/6SY512"
    "/EW6TOOnoouFglEatUdo7PYa2FjZU6PY6A2J1Bg4wGZbyrGqBeoKwmGIjTW9SORAINGMsA"
    "F+2daEDUDCeo0J6w1KvG3aDN+mjEzIvH0felZXpkhGUhZFSlDEpKAwjYTA2VIkBeF9nOtY"
    "W3TS4ihCp7uZURSioTLlLSvJiApYLYtgy3VBBl6ejlDBM9ETMQFgOjfSdHaUlX8a8dsDBZ"
    "xWyYY/d+tVsolIwkqr0W9gcIk3xJHlvIMK6yAiBvCDH3HrLxHwI27BjxisYDdEduR31FJk"
    "IxNmuhdR8n4sAd2baG8thTi5LmiSt9Yd4SmmaTD25VapM3wqtkfTNtv4sxP8vtD0wFuRn0"
    "u2IrQ0fl/ur/d+2UpTfyruPSsGJQq7X+1ZjFBvaHZED+yX8C/otx/92z6adDTLbTrpOIoC"
    "g7dxBi+4MyurmA1u+Gp9xf70kjJ/GIZOMJVMIGG5GNgPTLAqtP0j9dIJZ8PhZYRJOBvEnW"
    "R3V2d9NrgF+EFIcNLAEWyXYtlkWZQi84WAaJfBas/ZC3hu8Bk6Aa7cLZ8mu5GDvmFY1+2J"
    "h+Lb8mHPfqA6pPprx68duAsUpjugMxnM1VJdU+tRSdB6U7SeQlwn6l1OMVugqNhU3J2zCh"
    "F36cLA4KW+36A2dpX4Au9cFqrAO0Nt7J3A+I3a2OlAx15ZJYB97vZ443fYUrzT3/YSzOWc"
    "dCw0YtMi29EwqJZAH81tEz9xQ5wcTt5Bq01AVe/hcDGT+jkCTN/ydighTZbt9Agcl2lOD3"
    "A8NNLxAJF2ZZoA4MapLOEP3DjVunGW+FU3cMpcLCe9QyL1J6O1iOyGeEGIF2wK9sDbbNvG"
    "hXjBLcYLbieOTVSj7aSYd86JbpZd59RrrcKeyw5ii5xnxyPtwNBrnKEHpkl1tUjc4Z8bW7"
    "d9C8Etv0QG2H3V2n0QaSNHfzdjLiDS5j1qPU+kDVi6HbB0m2OP5bF08zhxF2TxQMwNvZPC"
    "1LoSPbUI8kqdk2HIZMZrgOgbJqwS0mLZluzMM6PDKYCZ24OIISCkwJ5tpj0L69a2rWDyrF"
    "thT5gtOkqgwEhDFAHr+A6s43drHZ+YxEsA1veOtBTX8GsLyltUgXCzy1v0iKlN550U08o9"
    "082yqnDQpsqtCAqZR+/FNtowoFBu9TwzCzl1Vz65QyQk0kafyNFRHp/I0ZHcJ8LPRddX/K"
    "EqgLDbvIXo7ufyOO1neJz2UzxOBmUrhpSXlDzSMCQCkYYFIw0TS9w6X2Z//T+NE/w+"
)
