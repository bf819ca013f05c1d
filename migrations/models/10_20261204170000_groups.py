"""Groups (issue 13, seed 002): ``groups`` and ``group_members``, and the scope of a
leaderboard (the group kind it ranks separately) with how it ranks its groups. Both
dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "leaderboards" DROP COLUMN "group_score";
        ALTER TABLE "leaderboards" DROP COLUMN "scope";
        DROP TABLE IF EXISTS "group_members";
        DROP TABLE IF EXISTS "groups";"""


POSTGRES = """
ALTER TABLE "leaderboards" ADD "scope" VARCHAR(32);
ALTER TABLE "leaderboards" ADD "group_score" VARCHAR(4) NOT NULL DEFAULT 'SUM';
ALTER TABLE "leaderboards" ALTER COLUMN "group_score" DROP DEFAULT;
COMMENT ON COLUMN "leaderboards"."group_score" IS 'SUM: SUM\\nMEAN: MEAN';
CREATE TABLE IF NOT EXISTS "groups" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_groups_tenant__d1b7c2" UNIQUE ("tenant_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_groups_tenant__c4b0a8" ON "groups" ("tenant_id", "kind", "key");
CREATE TABLE IF NOT EXISTS "group_members" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "group_id" BIGINT NOT NULL REFERENCES "groups" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_group_membe_group_i_dd4380" UNIQUE ("group_id", "participant_id")
);
CREATE INDEX IF NOT EXISTS "idx_group_membe_partici_559e6d" ON "group_members" ("participant_id", "group_id");"""


SQLITE = """
ALTER TABLE "leaderboards" ADD "scope" VARCHAR(32);
ALTER TABLE "leaderboards" ADD "group_score" VARCHAR(4) NOT NULL DEFAULT 'SUM';
CREATE TABLE IF NOT EXISTS "groups" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_groups_tenant__d1b7c2" UNIQUE ("tenant_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_groups_tenant__c4b0a8" ON "groups" ("tenant_id", "kind", "key");
CREATE TABLE IF NOT EXISTS "group_members" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "group_id" BIGINT NOT NULL REFERENCES "groups" ("id") ON DELETE CASCADE,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_group_membe_group_i_dd4380" UNIQUE ("group_id", "participant_id")
);
CREATE INDEX IF NOT EXISTS "idx_group_membe_partici_559e6d" ON "group_members" ("participant_id", "group_id");"""


MODELS_STATE = (
    "eJztXW1T40iS/isV/jLdESzRmAZ6iYuLMKDu9g5gApuZuR1vCGEVtg655NULNDvX//2qSu"
    "8vJSRbkmWRX7CRKkvyk6VS5pOZVX/1loaKdWt/sNJ+xa+9U/RXjyhLTL8kzuyhnrJahcfZ"
    "AVt50HlTZaXJT/iVH1QeLNtUZjY9/qjoFqaHVGzNTG1lawZhrQeItkUKsjFRiP2LhWaKrm"
    "PTQisTW5jY+2hE9Fek2RZriFWkanNs2UizkGUbJlZPkb3AvBPaBuuP9Ay7smrM6KU1Mq/r"
    "IlNiLYwXggwyoz/rZYEJPcckloqK99ktOET7t4Nl25hjKm3SG/nzX/SwRlT8A1vs3z977h"
    "2x1pra+xc7vXqSHzWsqzH46Ul6ih+X7dcVPzYk9lfekP3aB3lm6M6ShI1Xr/bCIEFrzb3K"
    "HBNsKjZm3dumwxRCHF33dOfryL3zsIl7yxEZFT8qjs7UyqTdGwiP9WT5ejSRx9JElnsplf"
    "sSEQV5h2YGYcOF3qrFf/2c3cLf+gefTz5/OTz+/IU24bcZHDn56V46BMYV5PBcT3o/+XnF"
    "VtwWHPMQVP6ZgvV8oZjZuPrtE8jSW04i6+OYB61/IMQ2fEKaAHep/JB1TOb2gv578OlTDp"
    "S/DW7Pvw9uP9BWH9klDfpIu8/6tXeq755jeIf4WjOD9VIC4VCigxgffy4A8fFnIcLsVBxg"
    "d5YqA3AoUQ3A250faoZ34c2ZRcH123dw7B4cF5kejsWzw3ES3JmJGRiykgHxBT1ja0ucDX"
    "NcMgG26onu+192EPocqCfDK2k8GVzdsO6XlvVvneM1mEjsTJ8ffU0c/ZBUS9AJ+n04+Y7Y"
    "v+ifo2uJw2lY9tzkVwzbTf7ZY/ekOLYhE+NFVtQoJv5h/1BMzbpi2bJjraXopGwFqvamJ9"
    "B09Zo28bPxtJae45Kg5TZr2fVX5FL+SEzmbbdkB2boKjwT5us9PmU6JqFTGEf4K3VFtTmh"
    "HjgHekjvSaHeZwasnrs+CTraMYB/+mPIPxo+1abyEjjI8aFFfz/91djmCNzSoX47PKdIM6"
    "AflNnTi2KqcgxxdsboG4kjQdv0qWV/mTyiEGXO8WE/hN22z5Q4qmZLxDazeZTw7F4ul8La"
    "yboxL0amjAhGirrUCKJ+FFU3PXyKXhYG+uDRF3vIMDmVMTOW9NZVpGsEf2T0hWLTv5q9oF"
    "+12QIp5txZYqqNvRSZUsdFpoQRKHuItV4YL4xJwXTkqU3wKGfa/L1QKX/v9w8PT/qfDo+/"
    "HH0+OTn68imYudKn8qaws+E3NovFXkNvEy50bJR7c4QCa702WmYHVMNnhXDSqcAwyziogU"
    "AXPdR+IQarn8Ng9VMMVjDBlUE5JtRBpKsnWoL3QBrmf4xH14LBHBVKOg3azEb/R987Vm3G"
    "T++/Hh0yY0iiB0fTbY1Y++yy/91r3otgIMUcCB/sD1eDP5J6OL8cnSU9A9bBWXLsOzZ9f5"
    "ciyCMiHRz3h/0C4/6wLxz37FRi3Jd2lYHzAh95RzQKPjL4yG/4yB70Gf5xqBSxb+z+rmJp"
    "BmJQ33YuISjfZFDe0p15qZCx1x7imW+a2ZDvEIDbL5Tv0M/Jd+in8x2W2FbYuC7jxURlwI"
    "mp3ImhL3/bEaSgSMRZpmyE+NwSSDf3CPQG55Phb1JJBXhSp8j9nJLx3fhGur6QLk5R8DXJ"
    "5G4n8G9hm46zeSlfPyoDT0nlTwnkYoifBvoDVZYc6tkCO+KnemZLyk1NOVRiwz9CU0QSeh"
    "OhE0/y66+3WBdxnqnU4R0bAiI/K07l8EAdJrSrrJTHUkDFYoNdBGulmLY201ZKJuVbBqub"
    "sKeugjVT6MtYVUx5hU3NUDcE7Nzr7YZ31lXMdDppY/PBoKBsiNdl2NM7AEum7oipzarD7I"
    "r311XkKkHrPUAkK3NquMzpb6sErIHfW1dRs2aGiWX8nB0TLQPYmPUksY46ixX13dVsh7IU"
    "UF43XYXpRSP0R20I0u+8k65CpJizhfZMvVnTIZva8F5Xtw55D2hV5PiEoHXa/dl8eEUsrA"
    "6PsMoGVucHFOb0zUxXtOWmUPGuzllPXUXLwoplbPoEjnkn3YZIdsdVJUi546qreM1Nw1lt"
    "iNM31kenAZKXePmwsQ3KcbriPXUJrTrzbKIsaUayTYJEFWfcJHnbatNuokUc+IeNTaLosl"
    "/NkVPssYeiR4wVi0cZjg1VIC2tAonqNqUGcTZKQmytiHzbCkLqz0mBnJ968aUTbhre8VLR"
    "deFs4ol0qKLpsH9yHEwh7J+8SWN8Nbi8zChmUlUTW6VWi4mINJifU1fSR3ywHhUarEc5g/"
    "UoPVgj728XqhJgZ8k2iDo9qT1rqqPozeBfQ7HHM30hmrJj6qXGeEwKhnmRYR6agGkrzzB0"
    "rBBR4V5ELgH1AxWsC+vgSLOpZGej0SXrOUhVOhsmbLnru6sz6fbDAQefNtLsmIkHma+Q07"
    "eLIdiO5fRFte6s1DW1HpcErbdF6z5GEbWn2DUoOOxBwWFXCg6jvjUkDUHSECQNbTVpCDKG"
    "IPBeWS4oD/8ttEpCpRACLBMCTOT9Z0QB05UB4kBgVk1CkaX+2SVVZK0UgoxHvkRcdEV+3i"
    "X6QE8qM0XFS21GT5vLPaQgNyHho7sMv3dR2kUvAXgNl5iSiXR7xRemG0sD6mgjt6xAtDJd"
    "NBb5REcY/8SvqSgmrCpQte2+lxNz9DWxThWwL9vmkBh1Q4eX/3OK+MeU/C5Jv7J/3c8puR"
    "pdT76zA94Xd1CfIvZ3StxxfeqN7ykZXF7KzCs9Rf63KTm/G09GVML9TD53RajeLwWI3i9C"
    "mvdLkuR9cmsJi/LoXvM263BNCr36Cu32x4wbik7UEjGms4xpW2swdDHBDhJ0u0vIpXlYam"
    "eso+KIGCi41QoGyrUqsw0o1xZRrpAb37hnHq0wz3DLEwXoYp88WfNeX3IuuLNbd2fB+YFF"
    "8nbT/YneWQrmCf4hmBkSYh1wNfOsYemPScwQTiUEBcbw5ej6m988mSWUSAiiwMwNs9TEEZ"
    "XpAOR1zx2tyK9tW4p4zWm1zBeWX+iPo45aJtxvE7yJLppc69HjV0sO+PfH9raGNGvZ09Ul"
    "SqUVnBnotzb9BkHjkt5LUq57b8XqQzhstP/HIKUskKhMg+/Au8n5rtp7lmHasmGqWLALV4"
    "EVpmM9NIj6hTQuCzuXoUYH/UutBvZ14PVRUhFF9CBWQ0oLpkKeZEaIrauEWAcN6uB8dHVD"
    "p+XJ0C3/KKOKiCi10sJ/puRCuh5LTEv0Y0pGtxfD68HlKfK+rKOug4Mis9OBeHY6SC2UT7"
    "sXLuwjJAcTUh2qn61sR8BnzdIeNF2zBS/Yt5+FeA8NPgwT6XrgriVQ5jm4uTu7HNKZyP1k"
    "jg7rhbk67HNKbm6Hv1HbhzZwv6wz/vNU4A//E+HoP0m/mrGMFVOnw7hsgWJSFGoUS9Qosq"
    "njlV5Et7Ne1+I6xaQc1CrmU5Nr1Cpq1IGjv+854w2e+zzE5Bp8GPxQ0s4+C+5ioKxWJIsP"
    "Fr6Bk2LwCk5Da82McsRvINA9v7Z6ttddR4xXOq1r4SS6aNDEGd9dlbVvqAjbwOdqSq6kAT"
    "X12d8WuFyqZtqvsqV5+Jah6xKiQNm1mbJzlaUrWZZqETX7kqDlNmsZlooQz6K7uWgALBXx"
    "HrWe8bDDUhGNGP2MmPF2OimHbFIOPCpICm80KTx7FFeAbuFtjVo2eguDm3x0N8i6h123Sm"
    "08AsvCwFInlcME+yO9/eDB/kiwy0/18xOUnG2x5MwzFfILz0J7olD5WXQX0aqr0PR4OZxn"
    "rkI12jar0V6oZ7DI8sh0QxFFEgORBLyPTKau5/hg/1O9j3EWfheju7NLCd3cSufDsZfqFV"
    "JC/GQ8XHsrDS5T8RZrpSuv8srUDDMzu0c4iLNEm+Nw6sK7agInOnuVmiPSgkCQZS8QXpoc"
    "25wY6zqqQOZWhSrwjVvgGxO23IbwJhZK6CjG6fdNDOjzwfh8cCH1MibfJjndXUV3M0K3Tp"
    "dN7KcVcc5qdMhgWZD2OGKwLAgsCwLLguz2GhVNLwtCf3WGcSse2H77DkBdd7Iyn6fF64C8"
    "naoc66BBwN06gpKwe1KnyP2cEvq+kr6xA96XKbm4ux24JYv+tym5kW7PJVay5X3praG6ih"
    "eb8APMmXNRMc0lutiVJPPz0R1TBf+YEjqrnCL6h34bstzzIVst5Ldvp4j+mZLLwZg2ZX/X"
    "UdlRAZUdiTf9S6psoc2pRSprlvyA7cwCr9xCoixxqCcqXk8EGcTiYb+buaRFMoiBfuwB/d"
    "ge8qaqNXBZZl+4jGol6RsFUN+RNEgRgQvJi5C8WANcsJudCKX6yeZwcAlZ59j4e4t+luNj"
    "/+39okYEI1f0FwuZDiEUKBR0gh4NExm0SWTlTPo/P8QnEqS5/7h7Oe0nvZSKu5+SKZFYYT"
    "yK+H5Is9ATXtkI/6C/VH/dQy8aHaKOjagVNlPcS7pjnHtgfJsp6l2hR9NYovt727AV/f5+"
    "Stjx+/uZ4RD7/n6POWW8KXXJ/KbUu9KWzvL+Hrltlxpx/9/jPprbjG1t9azoDvb2xpoSna"
    "nDdu8BfXh4pZLGbOaYJrfJmTRtRrzzmrqHLAMpiEn9TTFN7Zn9AEOnc7fXRDWwhYhhT4lB"
    "wXgxqctA2xP8gjmaH8XbZiWigatgG7KIArgJXEHK15k2fy/Bhr/3+4eHJ/1Ph8dfjj6fnB"
    "x9+RQYqOlTeZbq2fDb8DrhIL4dkgjVWJRgjCi+e9x59Sv98Tmh3AgPRDqTB9bIII94CGxa"
    "znDJxPmOgUST6Y47muzovblK4RuRaRLh+g2/2kB2zYVyIIcyAHIRkNnyFzK3t0rhHBcDqA"
    "tDXZ5+joh1kHveEa7ZxySXbOaa4j5GJuGcZ++kRLvEO2/D9FnjQYvKwWpAbX7QvLf8GjqO"
    "S4KWW61l12BeR8sxSdBym7UMZU1Q1rR7qEa3wipr66VluwRx08YeJHhAgsduJXhAfdlmGK"
    "9TX5YI0G2I8028t47inH5PQR3fe6jjiySjZGRVxFNVxAkVfPVyOUyOqa+ozzIc0x1K7jeG"
    "aTL0/mdyBohkEPRo22h/4RiONYLofSuj9+VjFxC2KBW2iD4EKZjzeZiEKIQvWs3EhPNo0T"
    "yYUKKDeTB17MXov55KY5ztrHYB5lpKdRW+FVVOYWM21gmxztWPVj+k6eVs/CPjxSDerCwi"
    "AvuUxd4NVexTBmVu4mehu2VuQPL3gOTvms8HJD+Q/K2k7sqS/EA+A/ncLnRbTD77ezhkUc"
    "+R/R1yiOfoZhI1r+2dXQGWJp+FYsEen6yi21/sLNoVo6aF0pFdzoCebic9DcVlNReXCTba"
    "zeH/RfvqQqFTmvyPTEtFx290JusagVb9AmzP2LQyF/HKm6IjQs15NgcdmKdha9F3FtPyt5"
    "YouzZqUq57G9/XE3d5pnZQxsp2OSGXQKJ7EB8VgvgoB+KjNMSQLw+kL5C+QPoC6dtu0hcy"
    "uyGzu604FyXXt0MBezvUZhDA4d61Yvo3skluzeQvhfDpba6XJSMzEjcxTv0cZaBsgbJt2z"
    "RSN2W7MrTMFTNzONtQBJK2C+3GiWe6sl7SdkIUCK5WE1z8JVRSw74MqLbVqgWmB5geYHqA"
    "6QGmB5iermEMTA8wPdb+wJwttGes3jqkl0H3RE/v5XE+itdQNh1ScOH+AVtOHy0NKoXYYv"
    "fuYvNIp90g3q+FDDp+kGZbyKRoEV4ztFIsiwp8uL+nN7PPrrbvXfv+/uNpL6G6Wi4yJawL"
    "iyKF3LehhRzCFrcPDrMl8Fe6Y6GXBTZZ58hiF9AIb+LObr9YyJotDENHM4V6+qpi7k/JFb"
    "vRPUTwM+1uZqw0rJ66MqZCLLc4jv6v2Igvmm+xrvkl3AHF/2dsGS68gj69B6w6upswVDBt"
    "Uqa3myzZV2a04VKbya/YDSbb2FxugWArMnMAwwYMW+0Mm/uk0HegWZr/ScrC8oltJgkic+"
    "J6evYkQctt1jJ9GG0ngzEvttNrKN3mybN3I11fDK+/sW12+ZcpubkdnUvjsXsw+M72gL26"
    "uZQmEtsG1v02JV8Hw0vp4hS5n0lTrNA0XCRb60CcrHWQytWiV5/Ps3Z6Laa3iHirFTe44J"
    "vv8o8pGZ9/ly7uLqly/G/rKKPi/ZJjhmYJuyMp170kxeqND9Y9dWVMLWsDQXE5elxqLVu7"
    "bUBXTFib9KUh2EtJCGtMpjObKVUGKTZNI2N+nuAfAjwDgQ7UtuRZSNIfk5hxlFqbJDCQLk"
    "fX3/zmyQVLEtnhto2Xq6zIv3D4RkVg9MKe5u/V+jfXU3NcEny8Nmv5USOatVhLzQlR0HOb"
    "9ZziqguXSiUFwRl52xnhgYASIPvtAdu3sQ3CbuVnrIQoGCCtnrIgE61eOx4SoKpCFRKgIA"
    "FqJzAumgAlTsyJkFgisvXME/z66y3WFTt7yZB0so1E+3vtEPY/G8phcnHLT2QKsC2WzRSl"
    "xKsuZzPdtCpqLGi8g9w9M7xBymQgraataTW+JotbEVERMCKyYi4KyaivEYdbvOaAJRRctG"
    "3i2Lk187bjncOyeTuwbN5W1/Vq22Du4sJebR7Otazr9WBi5Uk1XjKsN/FeKjGhduymwq7X"
    "md1UmAdW1lIJZcBCgZLQrRvgwIhugRH1qJUNYU3Uv3UU23C+bFNpYoSFFlQnJlrs5VF6Ub"
    "a3cI1iSTpvo9I6f5WqsFQgkiEGC1W1lO+DMjooo9v6BN+JDAcoo3sPWt69Mjq/KK6kQw21"
    "dEnlQS0d1NLtoAUCtXRQS7cr1UhQSwe1dLs7eqGWbq2xvYMuANTSdV7LUEv3PvQMhSlQmL"
    "IbqEIYFgpTdgLj1hWmQEHKXqnIdV4hSrECFKg7gTA0lJ1A2UlHsISyk5YkdULZCZSdQNlJ"
    "s1BD2UlnhjOUnUDZCZSdQNnJThjgwHfubNlJurCho/C2s/LkH8aDoOLEO7OXx939r/FQU4"
    "VJiqWLBMSBmmsnNVfWT+mwf3L8uYDxfPxZaDuzU3FjoaSn3biXvduun+HYM6Pc6I2INOj8"
    "0dmWMKwagboGSgPbiqaX8f5CiXa4fuyynXH9IIm2wSTaFiUDtm2G71KWGGQDvg89q47Jc0"
    "nkZZm0+IQUFMsICJzteMO3mPVxrivaspeV0BI5vZeb08IbyjPWspaslpDVsrBieakN8T3G"
    "dfyM9VS6C7jOrXSdXWUVn0aC9kABZ1XXsOduveqamCRYWq1+A0OqTUsCWe47qLQOYmIAP8"
    "QRt/4SgTjiFuKIoQW7IbLjoKOOIhubMLOjiIL3YwXo3sR76yjEabugTdFab4RnuKbh2Bd7"
    "pe7wqdkfzVoA8K9e+Psi0wNrhX+sqEVoaey+vF/v/zJHU3/I3j3LBsEyvV/tmY9Qf2j2eA"
    "/0l7B/0O/fpVsJTXua5TWd9lxFgcPbOocXwpm1reIDYfh6Y8XB9JIxfxiGjhUimECicgmw"
    "H6hgXWgHR5qlE85Go8sYk3A2TAbJ7q7OJDq4OfhhqUHaweFsl2zZeFWWIguEgGgXwWov6A"
    "t4YbAZOgWuOCyfJbtRgL5lWDcdiYcFgcTDnv5AdUT0V2+U7AiF6Q3oXAbTWalraj0uCVpv"
    "i9YziGvv7iPPukINFFUxZW8131LEXbYwMHiZ7zdYrwfW69kFVIF3hvV6dgLjN9bryQY68c"
    "qqAOxzr8eboMOO4p39thdgXmSRpDAlKcFclFkjKZ4G1RHo47Vt/CduiJPLybtodQmo+iMc"
    "HmbCOEeI6VvRDjmiyaqDHmHgMivoAYGHVgYeINOuShcAwji1FfxBGKfeMM5KedUNJWMuFp"
    "PeEZHmi9E6RHZDviDkC7YFe+Bttu3jQr7gFvMFt5PH9s00nFUvw71zT+zl+XVz1mQLSWyx"
    "85q7AWPQDhy91jl64JrUtxaJlrVzaQ62WuZ+pV0At/olMsDvq9fvg0wbMfq7mXMBmTbvUe"
    "tFMm3A0+2Bp9sef6yIp1skiLvEywdsbhid5K7WFe+pQ5DXGpyMQiZyXkNE33Bh5YgWq/Zk"
    "574bHS0BzN35hg8BLgX+bDv9WbBbu2bBFLFb3ami7JMXleqSCdNwoAQWGGmJIsCO74Edv1"
    "t2fGoSrwDYIDrSUVyjry1Y3qIOhNu9vMUAm9ps0ctwrbwze3lelRK2qXMrglLu0XvxjTZM"
    "KBR7Pc/UQ87c7VMcEImIdDEmcnRUJCZydCSOibBziZ3PVhmvp5xtz1ZZNfVdQPegUMTpIC"
    "fidJARcTIItRgyXlLiTMOICGQalsw0TJm4Tb7Mfv4/vvUTcw=="
)
