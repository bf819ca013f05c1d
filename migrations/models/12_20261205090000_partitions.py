"""Partitioning (issue 13): the four snapshot tables (``run_entries``, ``run_group_entries``
and their archives) become PostgreSQL tables partitioned by RANGE on ``run_id``
(``app.runs.partitions`` says why, and creates later ranges ahead).

Without copying a row: each table is renamed to its first partition, ``<table>_p0``, which
holds every run id up to a multiple of 10,000 at least 10,000 above the runs' sequence; a parent
with the models' columns, constraints and index names takes its place, and a DEFAULT
partition catches any run id no range holds yet. The primary key becomes ``(id, run_id)``:
a partitioned table's unique keys must hold its partition key. ``id`` stays unique as
before (the live tables' sequences, the archives' copies of them), and ``(run_id, position)``
was already. SQLite keeps plain tables: nothing to do there.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

TABLES = (  # table, runs table, unique constraint and its columns, participant index
    ("run_entries", "leaderboard_runs", "uid_run_entries_run_id_3d7d80",
     '"run_id", "position"', "idx_run_entries_partici_ea62c0"),
    ("run_group_entries", "leaderboard_runs", "uid_run_group_e_run_id_bf8afd",
     '"run_id", "group_id", "position"', "idx_run_group_e_partici_898751"),
    ("archived_run_entries", "archived_runs", "uid_archived_ru_run_id_b9a12d",
     '"run_id", "position"', "idx_archived_ru_partici_423692"),
    ("archived_run_group_entries", "archived_runs", "uid_archived_ru_run_id_ac7e73",
     '"run_id", "group_id", "position"', "idx_archived_ru_partici_d4818f"),
)  # fmt: skip
LIVE = ("run_entries", "run_group_entries")  # the tables with their own id sequence
FIRST_BOUND = 10_000  # the first partition ends at a multiple of this, this far past the last id


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return "SELECT 1;"
    return "\n".join(_partition(*spec) for spec in TABLES) + _attach()


async def downgrade(db: BaseDBAsyncClient) -> str:
    # Back to plain tables, every row copied: a downgrade loses no snapshot.
    if db.capabilities.dialect == "sqlite":
        return "SELECT 1;"
    return "\n".join(_unpartition(*spec) for spec in TABLES)


def _keys(table: str, runs: str, unique: str, columns: str, index: str, pk: str) -> str:
    return f"""
ALTER TABLE "{table}" ADD PRIMARY KEY ({pk});
ALTER TABLE "{table}" ADD CONSTRAINT "{unique}" UNIQUE ({columns});
CREATE INDEX "{index}" ON "{table}" ("participant_id", "run_id");
ALTER TABLE "{table}" ADD FOREIGN KEY ("run_id") REFERENCES "{runs}" ("id") ON DELETE CASCADE;
ALTER TABLE "{table}" ADD FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id")
    ON DELETE RESTRICT;"""


def _partition(table: str, runs: str, unique: str, columns: str, index: str) -> str:
    owned = f'\nALTER SEQUENCE "{table}_id_seq" OWNED BY "{table}"."id";' if table in LIVE else ""
    return f"""
ALTER TABLE "{table}" RENAME TO "{table}_p0";
ALTER TABLE "{table}_p0" DROP CONSTRAINT "{table}_pkey";
ALTER TABLE "{table}_p0" RENAME CONSTRAINT "{unique}" TO "{table}_p0_unique";
ALTER INDEX "{index}" RENAME TO "{table}_p0_participant";
CREATE TABLE "{table}" (LIKE "{table}_p0" INCLUDING DEFAULTS INCLUDING COMMENTS) PARTITION BY RANGE ("run_id");
{_keys(table, runs, unique, columns, index, '"id", "run_id"')}{owned}"""


def _attach() -> str:
    attach = "\n".join(
        f"    EXECUTE format('ALTER TABLE \"{t}\" ATTACH PARTITION \"{t}_p0\""
        f" FOR VALUES FROM (MINVALUE) TO (%s)', bound);\n"
        f"    CREATE TABLE \"{t}_default\" PARTITION OF \"{t}\" DEFAULT;"
        for t, *_ in TABLES
    )
    return f"""
DO $$
DECLARE bound BIGINT;
BEGIN
    SELECT ((last_value + {FIRST_BOUND}) / {FIRST_BOUND} + 1) * {FIRST_BOUND} INTO bound FROM leaderboard_runs_id_seq;
{attach}
END $$;"""


def _unpartition(table: str, runs: str, unique: str, columns: str, index: str) -> str:
    live = table in LIVE
    free = f'\nALTER SEQUENCE "{table}_id_seq" OWNED BY NONE;' if live else ""
    owned = f'\nALTER SEQUENCE "{table}_id_seq" OWNED BY "{table}"."id";' if live else ""
    return f"""
CREATE TABLE "{table}_plain" (LIKE "{table}" INCLUDING DEFAULTS);
INSERT INTO "{table}_plain" SELECT * FROM "{table}";{free}
DROP TABLE "{table}";
ALTER TABLE "{table}_plain" RENAME TO "{table}";
{_keys(table, runs, unique, columns, index, '"id"')}{owned}"""


MODELS_STATE = (
    "eJztXW1T40iS/isV/jLdESzR0A30chcXYcDdww5gApuZuR1vyIVV2DrkkleSobm5+e+XVX"
    "p/RbIlWxb5BWypsiQ/WSpVPvlSf3bmhsp0a7+70H5hr51T8meH0zmDD7Eze6RDF4vguDhg"
    "0wddNqULTXlir/IgfbBsk05sOP5IdYvBIZVZE1Nb2JrBResugbaEEptxyu2fLDKhus5Miy"
    "xMZjFu75M+11+JZluiIVOJqk2ZZRPNIpZtmEw9JfaMyU6gDdMf4Yy4smpM4NIan9Z1kRG3"
    "ZsYLJwafwM96mTEO54TEnKpsX9zCkmv/XjLFNqYMpE24kT/+BYc1rrIfzBJf/+g4dyRaa2"
    "rnX+L04kl51JiuRuCHk3BKHlfs14U8dsntb7Kh+LUPysTQl3MeNF682jOD+6015ypTxplJ"
    "bSa6t82lUAhf6rqrO09Hzp0HTZxbDsmo7JEudaFWIe3cQHCsoyg3/aEy6A0VpZNQuScRUp"
    "B7aGJwMVzgVi3566fiFv52ePDl5MvXz8dfvkITeZv+kZO/nEsHwDiCEp6bYecveZ7a1Gkh"
    "MQ9Alf8TsJ7PqJmOq9c+hizcchxZD8c8aL0DAbbBE7IJcOf0h6IzPrVn8PXg06ccKH/t3p"
    "3/3L37AK0+iksa8Eg7z/qNe+rQOSfwDvC1JobopQTCgUQLMT7+UgDi4y+ZCItTUYCdWaoM"
    "wIFENQBvd36oGd6ZO2cWBddr38Kxe3BcZHo4zp4djuPgTkwmwFBoCsQXcMbW5iwd5qhkDG"
    "zVFd33Puwg9DlQDy+ve4Nh9/pWdD+3rH/rEq/usCfOHMqjr7GjH+Jq8Tshv10OfybiK/ln"
    "/6Yn4TQse2rKKwbthv/siHuiS9tQuPGiUDWMiXfYOxRRs04tW1laKyk6LluBqt3pCTVdva"
    "ZN9mw8raTnqCRqucladuwVpZQ9EpF52yzZgRm6CstE2HqPT6mGSWAURhH+BqaoNuVggUug"
    "L+GeKFifKbC65vrQ72jHAP7LG0Pe0eCpNumLbyBHhxb8fvjVzJYI3MFQv7s8B6QF0A908v"
    "RCTVWJIC7OGIdG7IjfNnlqfjiPH6GcTiU+4oeI2/aYkqWq2T1um+k8SnB2L5dLEe0U3ZgW"
    "I1P6nBGqzjVOwI4CdcPhU/IyM8gHl77YI4YpqYyJMYdbV4mucfZR0BfUhr+aPYOP2mRGqD"
    "ldzhloYy9BptRxkREXBMoeEa1nxotgUhiMPHUTPMqZNn0vVMrfDw8/fz45/PT5+OvRl5OT"
    "o6+f/JkreSpvCju7/C5mschr6G3CBcZGuTdHILDSa6Nh64Bq+KwATpgKDLOMgeoLtNFCPS"
    "zEYB3mMFiHCQbLn+DKoBwRaiHS1RMt/nsgCfM/Bv2bjMEcFoobDdrEJv8H7x2rtsVP5z8f"
    "l3wikCQPS023NW7ti8v+V2fzVoQAKWJAeGB/uO7+HtfD+VX/LG4ZiA7O4mN/acP7uxRBHh"
    "Jp4bj/fFhg3H8+zBz34lRs3Jc2lZHzQht5RzSKNjLayG/YyC70KfZxoJRs29j5XcXCDLJB"
    "fdu4RKf8Jp3ylr6clnIZu+3Rn/nmMhvjHXxwDwvFOxzmxDscJuMd5symYlyXsWLCMmjEVG"
    "7EwMvfXmaEoPT4cp5YI0TnFl96c49Ap3s+vPy1V1IBrtQpcf6P+OB+cNu7uehdnBL/Y5zJ"
    "3Y7j32I2jLNpKVs/LINPSeVPCcZiZD8N8ANVERzqrgV2xE51ly0JMzVhUGUv/EM0RSigN+"
    "Y6cSW//XLH9CzOMxE6vGNDIMvOilI50lHHOHSVFvJYCqiIb7CNYC2oaWsTbUFTKd8yWN0G"
    "PbUVrAmFl7FKTWXBTM1Q1wTs3O3tVnbWVsx0mLSZ+WAAKGvidRX09A7AUsAcMbVJdZhdy/"
    "7ailwlaL0HiBQ6hYXLFH5bJWB1vd7aipo1MUymsOd0n2gZwAaip57oqLVYge2uphuUpYBy"
    "u2krTC8ahx+1Jki/yU7aChE1JzPtGaxZc8nXXcO7Xd0t+XtAqyLDJwCt1eZPBLmpaSwXle"
    "P3XfTaahDXf0ZDy9QWP6aVPZ1tfyorfhjfx0PIJG840ak2Xxcv2dW56KmtaFmMWsa6s9ZA"
    "dtJuiBRnXFWClDOu2oqXnLDWxElOU60GSJmz+cPaxo/E6Vr21Ca06gzwCtPzKVFeMfY+O9"
    "Qr7jCoNt4rnD3EftjM5FRXvDSinCyjPRI+YiyEI9RY2ph+1ND0o7BuE2rIDoOKia0UCtK0"
    "TKT6g6Ew2KxefGHCTcI7mFNdz5xNXJEWpdJ9Pjw59qcQ8SVv0hhcd6+uUrLoVNVkVqkyRS"
    "GRDQaGdTYyWI8KDdajnMF6lBysofe3A1UJsNNkN4g6nNSeNXVJ9c3gX0OW0TO8EE1laeql"
    "xnhECod5kWEeLAGTqzzD0BnlWRmjIbkY1A8gWBfW/pHNxjCe9ftXomc/Ru7sMraWu7m/Pu"
    "vdfTiQ4EMjzY4s8TDkGoNJd9H337Jg0rDWlwt1Ra1HJVHrTdG6h1FI7Ql2DTNdO5jp2pZM"
    "17BtjdFqGK2G0WpbjVbDUDV0vFcWhCzdfzOtElcpugDLuABjCScpXsBkSkq2IzAtGabIHh"
    "PikiqxFpQT41HWJgxvBSG7JB/gJJ1Qlc21CZw253uEEicg4aOz/4N7UeiiEwO8hkuM+LB3"
    "dy0rIg56XTC0iZPPklUSMeyLfIIRJv+z14QXE8tZVL1238vxOXqaWCX93JNtsksMzNDLq/"
    "8+JfLfiP/W6/0ivjr/R/y6fzP8WRxwPziD+pSIvyPujOtTd3yPePfqShFW6SnxPo34+f1g"
    "2AcJ53/8uStC9X4tQPR+zaR5v8ZJ3icnibUoj+42b7IOV6TQqy8N0Hyf8Ya8E7V4jGGWMW"
    "1rBYYuIthCgm53CbkkDwvrjFVUHBJDBTdawUi5VrVsQ8q1QZQrxsZv3DIPlzZIMctjlQ+y"
    "bfJ4sYX6gnPRnN26OYvGD1Zn3E3zJ3xnCZiH7EfGzBATa4Gpmbca7v0+jCyEEwFB/mL4qn"
    "/z3WsejxKKBQQBMFPDLDVxhGVaAHndc0cj4mubFiJec1itsIWVF/hxYKilwv02wRvrYpNF"
    "Rl1+teSAf39sb2NIs4Y9XW2iVBrBmaF+a9Ov7zQuab3E5dr3VqzehSNG+/8avNQKJCyzwX"
    "fg/fB8V9d7lmHaimGqLGP7twKlzSM9bBD1i96gLOxSBhYd8BdWDeJj1+2jpCKK6CFbDQkt"
    "mJQ/KYIQW1UJkQ42qIPz/vUtTMvDSyf9o4wqQqKwSgu+jPhF72bQE1qCfyPev7u4vOlenR"
    "L3wyrqOjgoMjsdZM9OB4kdGqD7zOo+meRgTKpF+bOVbUX5rFnag6ZrdsYL9u1nIdrDBh+G"
    "Ye+m69QSKPMc3N6fXV3CTOT8F4aO6EWYOuL/iN/eXf4Kax9o4HxYZfznqcAb/ieZo/8k+W"
    "pmCqOmDsO4bIJiXBRzFEvkKIqp4xUuottpr+vsPMW4HOYq5lOTK+QqamDAwe97TnmD5z4P"
    "EbkNPgyeK2lnnwWnCq3IFUnjgzPfwHExfAUnobUmRjni1xdon11bPdvr1BGTmU6rrnBiXW"
    "xwiTO4vy67vgERsXPU9Yhf97qw1Bd/G2ByqZppvyqW5uJbhq6LiSJl12TKzlGWTtNWqkXU"
    "7EmilpusZSwVkT2L7mbRACwV8R61nvKwY6mIjSz6BTHjbrFTDtm4HFpUGBS+0aDw9FFcAb"
    "qF99Nq2OgtDG780V0j6h63eyu1bwuWhcFSJ5XDhBtzvf3g4cZcuDNS9fMTppxtMeXMXSrk"
    "J54F64lC6Wfh7WurzkLTo+lw7nIVs9G2mY32ApbBLM0i0w2a5Un0RWLwPgqZup7jg/1P9T"
    "7Gafhd9O/Prnrk9q53fjlwQ70CSkiejLpr73rdq4S/xVro9FVZmJphpkb3ZA7iNNHNcTh1"
    "4V01gROevUrNEUlBJMjSC4SXJsfWJ8bajiqSuVWhinzjFvjG2FpuTXhjhRJainHyfRMB+r"
    "w7OO9e9Dopk+8mOd1dRXc9QrdOky3bTitinNVokGFZkOYYYlgWBMuCYFmQ3a5RsemyIPCr"
    "Uxa32QPba98CqOsOVpbzdHYdkLdDlSMdbBBwJ4+gJOyu1Clx/o84vK9638UB98OIX9zfdZ"
    "2URe/TiN/27s57ImXL/dBZQXUVF5vwHMypc1ExzcW62JUg8/P+vVCF/DfiMKucEvgDny5F"
    "7PmlqBby6/dTAn9G/Ko7gKbi7yoqOyqgsqPsTf/iKptpU1iRKpqlPDA7NcErN5EoTRzziY"
    "rnE2EEcfaw381Y0iIRxEg/dpB+bA55U1UNXBHZF5RRrSR8owDqOxIGmUXgYvAiBi/WABfu"
    "ZpeFUv1kczC4MlnnyPh7i35WomP/7f2i+pwRR/Qni5hLzgEo4ndCHg2TGNAkVDkTvstDci"
    "IhmvPF2ctpP26lVNz9iI94TyTGk5DtRzSLPLGFTdgP+KX66x550WCILm0Cq7AJdS7pjHFp"
    "gcltpsC6Io+mMSfjsW3YVB+PR1wcH48nxpLb4/GeMMpkUzDJvKZgXWnz5Xw8Jk7bucad73"
    "vSRnOaia2tnqm+ZO7eWCOuC3XYzj2QDw+vIGlMJkvTlGtyIQ3NuHteU/eIZRBKhNTfqGlq"
    "z+IHGDrM3W4T1WAW4YY94gaA8WKCyQDtOXthEs2P2dtmxbyBC38bspAC5BK4gpCvM236Xp"
    "wNfz88/Pz55PDT5+OvR19OTo6+fvIXqMlTeSvVs8vvlzcxA/Ftl0SgxqIEY0jx7ePOq6/0"
    "J+eEciPcF2lNHNhGBnnIQhDTcopJlh3v6EtsMtxxR4Md3TdXKXxDMptEuP6FX20gO8uFci"
    "AHMghyEZBF+QtFrrdK4RwVQ6gLQ12efg6JtZB73hGu2cMkl2yWmpI2RirhnLfeSYi2iXfe"
    "xtJnhQctLIfVgJr8oLlv+RV0HJVELTday86CeRUtRyRRy03WMqY1YVrT7qEa3gqr7FovKd"
    "smiDe92MMADwzw2K0AD8wvWw/jVfLLYg66NXG+jfbWUpyT7ynM43sPeXyhYJSUqIpoqEp2"
    "QIWsXq4EwTH1JfVZxtJ0hpLzSWAad73/EZ8BQhEEHWgb7i8Yw5FG6L1vpPe+vO8C3Ral3B"
    "bhhyABcz4PExNF90WjmZhgHi0aBxNItDAOpo69GL3XU2mM043VNsBcS6oulVtR5SQ2pmMd"
    "E2td/mj1QxouZ7MfKS+G7M3KQiK4T1nk3VDFPmWY5pb9LLQ3zQ1J/g6S/G2z+ZDkR5K/kd"
    "RdWZIfyWckn5uFboPJZ28PhzTqObS/Qw7xHN5Mouba3ukZYEnyOVPM3+NTZHR7xc7CXQlq"
    "OlM6tMsZ0tPNpKcxuazm5LKMjXZz+P+sfXUx0SlJ/oempaLjNzyTtY1Aq74A2zMzrdQiXn"
    "lTdEhoc5bNQQvmadxa9J35tLytJcrWRo3LtW/j+3r8Ls+wDkqpbJfjcvEl2gfxUSGIj3Ig"
    "PkpCjPHySPoi6YukL5K+zSZ9MbIbI7ubinNRcn07FLC7Q20KARzsXZtN/4Y2ya2Z/AUIn9"
    "7mekUwsiBxY+PUi1FGyhYp26ZNI3VTtgtDS62YmcPZBiIYtF1oN0420elqQdsxUSS4Gk1w"
    "yZdQSQ17MqjaRqsWmR5kepDpQaYHmR5ketqGMTI9yPRY+11zMtOemXq35J0Uuid8ei+P86"
    "FuQ8Vc8oKF+7uinD6ZGyBFRLF7p9g80aEbIvu1iAHjh2i2RUxAi8ucoQW1LBD4MB7DzeyL"
    "q+271x6PP552Yqqr5SIjLrqwACnivA0tsuSiuL1/WJTAX+hLi7zMmCk6J5a4gMZlE2d2+8"
    "ki1mRmGDqZULD0VWruj/i1uNE9wtkzdDcxFhpTTx0Zk3LLSY6D79Qmsmi+JbqWl3AGlPwu"
    "2DJWuII+3ANTl7oTMFQwbFKB242n7NMJNJxrE+WVOc5km5nzLRBsRWYOZNiQYaudYXOeFH"
    "gHmqX5n7gslk9sMkkQmhNX07MriVpuspbhYbSXKYx5sZ1eA+kmT56d297NxeXNd7HNrvww"
    "4rd3/fPeYOAc9D+LPWCvb696w57YBtb5NOLfupdXvYtT4vyPL8UKTcNForUOsoO1DhKxWn"
    "D16TRtp9dieguJN1px3Qu5+a78N+KD8597F/dXoBzv0yrKqHi/5MhCs8S6Iy7XviDF6hcf"
    "onswZUwtbQPB7HT0qNRKa+2mAV0xYW3CSyNjL6VMWCMyrdlMqTJImWkaKfPzkP3IwNMXaE"
    "FuS94Kqff7MLI4StQm8RdIV/2b717zeMGSWHS4bbP5Is3znzl8wyI4enFP8/e6+jdXU3NU"
    "Em28Jmv5UeOaNVtJzTFR1HOT9ZzgqgunSsUF0Rh52xiRjoASIHvtEdu3sfXdbuVnrJgoLk"
    "AaPWVhJFq963gMgKoKVQyAwgConcC4aABUdmBOiMTKIlvPXMFvv9wxndrpJUOSwTY96O+1"
    "RdhHBuvUNJaLbH56Rci+i15bh9uGYr8c3PIDwHxsi0WBhRVcdRqg6YSjwSJLkx3k7jXiPt"
    "xCBsORmhqO5Gmy+OorLIKLrzRfFeUpeUnZbiq3OWKJiSpNmzh2rtbgdlgNLDe4A+UGt1oP"
    "rWmDuY0F0Zo8nGuph/ZgMvqkGi8pq7fsPWgiQs3YhUZcrzW70AgLrOxKJZDBFQqm0m59AY"
    "5M8haYZJdaWRPWWN5gS7EN5suGpnSGONF8bi9KnhYk+BI8bk00n3Mdd3JEym+n3ovZlF9Y"
    "q8WVEBkLLXpRbniRgnwr8q1NxhL51oZMFMi3It+KfCvyrRlwI9+6Bb4VqT2k9raPPVJ726"
    "afkNp7b9ReKDA3o2BbrMVeHpkXDoAtXLatJIW3VrUxr3B/UD0llDSLtfubyethZTGsLLb9"
    "Cb4VSV9YWew9aHn3Kot5dcJK2tBYXiyuPCwvhuXFdnAFguXFsLzYrhRowvJiWF5sd0cvlh"
    "dbaWzvoAmA5cVar2UsL/Y+9Iy1erBWz26gim5YrNWzExg3rlYP1ugpAxXW5inr6c+ryVOs"
    "Fg+W4EG3PVbgwYyQlmCJGSENCYLFjBDMCMGMkM1CjRkhrRnOWIEHK/Bgmg6m6ezEAhz54Z"
    "1N00kmgrQU3mZm6rxZfKdE0Z3Vau10uiRk9/5kEVi7Thh50eyZxonBGTEeiWZbRHZtEThI"
    "CVxKHKYEbLYFU4nvVwjrq7qeR/zDeAw/fN9pOR5/BB3PmCcI7cU32RQuIyWhY/LAdIMD7M"
    "Q2yMuMcdlKXOCFWmQO435vxAWZAi3oHFqK83OL6c/MIo+mMZftxQOkwg+yyAfLgPua6NSC"
    "e7WgR0NnhD1Dv7Jz7v8iODviGo/cFKyf4DYWZDwOxTeOx/9BGJ3MnB9CnhiDX2PPqA13x1"
    "8/7nf28lnVHat4hAwrFjxqpDKQ3kZ6ezewRHq7IRMF0ttIbyO9jfR2BtxIb2PBo/fzMkQm"
    "taq1HjKpyKQ2Hd5mMqn/MB4yah25Z/byuNP/MR5qqm2UYONCqVhIwTWTgiu7JG7xUvj4S4"
    "F12vGXzGWaOBVdLJQ06jZu0O22lWEs7YlRbvSGRDZoZ8BsywVWG4G6BuuZ2VTTkzBnx9EE"
    "Es0IohGXbU0QDZZv2GD5hgaloTdthm9TfjLmob8PPatLU6bmKfMyBVliUlimKYPA2VJcER"
    "N9nOtUm3fSoopCp/dyY4pkQ2UiWtaSHxiwWhajlutFDxyVHamCZ6YnwlrQdG6k6ewoq/g0"
    "4rdHCjitrpN47lar6xSRxJVWo9/AGNXREEeW8w4qrYOIGMKPfsStv0TQj7gFP2Kwgl0T2Y"
    "HfUUuRjUyY6V7EjPdjBejeRntrKcTJdUGTvLXuCE8xTYOxn22VOsOnZns0beuZPzvB7wtN"
    "D6IV+7GAFaGliftyf733y5aa+kNx71kxOFPgfrVnOUK9odmRPcAvEV/Ibz/37npk1NEst+"
    "mo4ygKDd7GGbzozqytfjy64ev1FfvTS8r8YRg6ozxjAgnLxcB+AMG60PaPbJZOOOv3ryJM"
    "wtll3El2f33Wg8EtwQ+i2pMGjmS7FMtmi7IUmS+ERHsWrPYMXsAzQ8zQCXCz3fJpsms56B"
    "uG9aY98ViKPnvYww9U+1x/7fiVNHeBwnQHdC6DuVyoK2o9Kolab4rWU4jrRPXXCYUFikpN"
    "xd1HrhRxly6MDF7q+w0rxdeJL/LOVaGKvDNWit8JjN+oFJ8OdOyVVQHY526Pt36HLcU7/W"
    "2fgXk2Jx0LjVi35Hw0DKol0Edz2+RPXBMnh5N30GoTUPV7OFzMMv0cAaZveTuUkCardnoE"
    "jss0pwc6HhrpeMBIuypNAHTj1Jbwh26cet04C/qqGzRlLs4mvUMim09GaxHZjfGCGC/YFO"
    "yRt9m2jYvxgluMF9xOHJuszdxJMe+cE3t5dp1TvbgOey4/iC1yHo5H2qGh1zhDD02T+mqR"
    "uMO/MLZu+xaCW32JDLT76rX7MNImG/3djLnASJv3qPUikTZo6XbQ0m2OPVbE0i3ixJ2z+Q"
    "Mz1/ROSlPrWvbUIshrdU6GIcsyXgNE3zBhlZAWq7Zkp54ZHU4BzN3hRg4BKYX2bDPtWVy3"
    "tm0FU2TditsabdFRggVGGqIIXMd3cB2/W+v4xCReAbC+d6SluIZfW1jeog6Em13eostMbT"
    "LrpJhW7pm9PKuKBm3q3IqglHn0XmyjNQMKs62eZ7CQUzeWzHaIhETa6BM5OiriEzk6yvaJ"
    "iHOxTbYWKa+nnB22Fmk59W1A96CQx+kgx+N0kOJxMjisGFJeUtmRhiERjDQsGWmYWOJu8m"
    "X21/8DoU/U2Q=="
)
