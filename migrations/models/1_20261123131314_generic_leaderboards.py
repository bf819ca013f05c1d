"""Generic leaderboards: metric data types and every aggregation, leaderboard windows,
time zones, sort orders, rank modes, filters and visibility; per-metric aggregates; the
tenant's calendar periods (terms, seasons); the aggregates of existing events. Written for
both dialects, like 0_init; columns added with a default for existing rows keep no default
afterwards, as the models say."""

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
CREATE TABLE IF NOT EXISTS "calendar_periods" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(8) NOT NULL,
    "key" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_calendar_pe_tenant__dbe975" UNIQUE ("tenant_id", "kind", "key")
);
COMMENT ON COLUMN "calendar_periods"."kind" IS 'DAILY: DAILY\nWEEKLY: WEEKLY\nMONTHLY: MONTHLY\nTERM: TERM\nSEASON: SEASON\nALL_TIME: ALL_TIME\nCUSTOM: CUSTOM';
COMMENT ON TABLE "calendar_periods" IS 'A named span of the tenant''s calendar (an academic term, a season): the periods of';
CREATE TABLE IF NOT EXISTS "metric_aggregates" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "period" VARCHAR(16) NOT NULL,
    "count" BIGINT NOT NULL,
    "total" DOUBLE PRECISION NOT NULL,
    "minimum" DOUBLE PRECISION NOT NULL,
    "maximum" DOUBLE PRECISION NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,
    "last_at" TIMESTAMPTZ NOT NULL,
    "last_event_id" BIGINT NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_metric_aggr_leaderb_c5f220" UNIQUE ("leaderboard_id", "period", "participant_id", "metric_id")
);
COMMENT ON TABLE "metric_aggregates" IS 'One metric''s running aggregate for one participant on one board in one period.';
ALTER TABLE "leaderboards" ADD "category" VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE "leaderboards" ALTER COLUMN "category" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "participant_type" VARCHAR(32);
ALTER TABLE "leaderboards" ADD "starts_at" TIMESTAMPTZ;
ALTER TABLE "leaderboards" ADD "ends_at" TIMESTAMPTZ;
ALTER TABLE "leaderboards" ADD "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC';
ALTER TABLE "leaderboards" ALTER COLUMN "timezone" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "sort_order" VARCHAR(4) NOT NULL DEFAULT 'DESC';
ALTER TABLE "leaderboards" ALTER COLUMN "sort_order" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "rank_mode" VARCHAR(11) NOT NULL DEFAULT 'COMPETITION';
ALTER TABLE "leaderboards" ALTER COLUMN "rank_mode" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "max_entries" INT;
ALTER TABLE "leaderboards" ADD "visibility" VARCHAR(7) NOT NULL DEFAULT 'TENANT';
ALTER TABLE "leaderboards" ALTER COLUMN "visibility" DROP DEFAULT;
ALTER TABLE "leaderboards" ADD "entry_filter" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "leaderboards" ALTER COLUMN "entry_filter" DROP DEFAULT;
ALTER TABLE "metrics" ADD "data_type" VARCHAR(8) NOT NULL DEFAULT 'NUMBER';
ALTER TABLE "metrics" ALTER COLUMN "data_type" DROP DEFAULT;
ALTER TABLE "metrics" ALTER COLUMN "aggregation" TYPE VARCHAR(5) USING "aggregation"::VARCHAR(5);
COMMENT ON COLUMN "metrics"."aggregation" IS 'SUM: SUM\nCOUNT: COUNT\nMAX: MAX\nMIN: MIN\nAVG: AVG\nLAST: LAST';
COMMENT ON COLUMN "metrics"."data_type" IS 'NUMBER: NUMBER\nINTEGER: INTEGER\nDURATION: DURATION\nPERCENT: PERCENT';
COMMENT ON COLUMN "leaderboards"."time_window" IS 'DAILY: DAILY\nWEEKLY: WEEKLY\nMONTHLY: MONTHLY\nTERM: TERM\nSEASON: SEASON\nALL_TIME: ALL_TIME\nCUSTOM: CUSTOM';
COMMENT ON COLUMN "leaderboards"."visibility" IS 'PUBLIC: PUBLIC\nTENANT: TENANT\nPRIVATE: PRIVATE';
COMMENT ON COLUMN "leaderboards"."sort_order" IS 'DESC: DESC\nASC: ASC';
COMMENT ON COLUMN "leaderboards"."rank_mode" IS 'COMPETITION: COMPETITION\nDENSE: DENSE\nORDINAL: ORDINAL';"""

SQLITE = """
CREATE TABLE IF NOT EXISTS "calendar_periods" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(8) NOT NULL,
    "key" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "starts_at" TIMESTAMP NOT NULL,
    "ends_at" TIMESTAMP NOT NULL,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_calendar_pe_tenant__dbe975" UNIQUE ("tenant_id", "kind", "key")
);
CREATE TABLE IF NOT EXISTS "metric_aggregates" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "period" VARCHAR(16) NOT NULL,
    "count" BIGINT NOT NULL,
    "total" REAL NOT NULL,
    "minimum" REAL NOT NULL,
    "maximum" REAL NOT NULL,
    "last_value" REAL NOT NULL,
    "last_at" TIMESTAMP NOT NULL,
    "last_event_id" BIGINT NOT NULL,
    "leaderboard_id" INT NOT NULL REFERENCES "leaderboards" ("id") ON DELETE CASCADE,
    "metric_id" INT NOT NULL REFERENCES "metrics" ("id") ON DELETE RESTRICT,
    "participant_id" BIGINT NOT NULL REFERENCES "participants" ("id") ON DELETE CASCADE,
    "tenant_id" INT NOT NULL REFERENCES "tenants" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_metric_aggr_leaderb_c5f220" UNIQUE ("leaderboard_id", "period", "participant_id", "metric_id")
);
ALTER TABLE "leaderboards" ADD "category" VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE "leaderboards" ADD "participant_type" VARCHAR(32);
ALTER TABLE "leaderboards" ADD "starts_at" TIMESTAMP;
ALTER TABLE "leaderboards" ADD "ends_at" TIMESTAMP;
ALTER TABLE "leaderboards" ADD "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC';
ALTER TABLE "leaderboards" ADD "sort_order" VARCHAR(4) NOT NULL DEFAULT 'DESC';
ALTER TABLE "leaderboards" ADD "rank_mode" VARCHAR(11) NOT NULL DEFAULT 'COMPETITION';
ALTER TABLE "leaderboards" ADD "max_entries" INT;
ALTER TABLE "leaderboards" ADD "visibility" VARCHAR(7) NOT NULL DEFAULT 'TENANT';
ALTER TABLE "leaderboards" ADD "entry_filter" JSON NOT NULL DEFAULT '{}';
ALTER TABLE "metrics" ADD "data_type" VARCHAR(8) NOT NULL DEFAULT 'NUMBER';"""


# Existing boards (all ALL_TIME before this migration) get the aggregates of their events,
# so that the next event adds to a participant's history instead of replacing it.
BACKFILL = """
INSERT INTO "metric_aggregates" ("tenant_id", "leaderboard_id", "period", "participant_id",
    "metric_id", "count", "total", "minimum", "maximum", "last_value", "last_at", "last_event_id")
SELECT e."tenant_id", lm."leaderboard_id", 'all', e."participant_id", e."metric_id", COUNT(*),
    SUM(e."value"), MIN(e."value"), MAX(e."value"),
    (SELECT x."value" FROM "score_events" x WHERE x."participant_id" = e."participant_id"
        AND x."metric_id" = e."metric_id" ORDER BY x."occurred_at" DESC, x."id" DESC LIMIT 1),
    MAX(e."occurred_at"), MAX(e."id")
FROM "score_events" e JOIN "leaderboard_metrics" lm ON lm."metric_id" = e."metric_id"
GROUP BY e."tenant_id", lm."leaderboard_id", e."participant_id", e."metric_id";"""
POSTGRES += BACKFILL
SQLITE += BACKFILL

MODELS_STATE = (
    "eJztXW1zozgS/isqf9mZqmxq7Lxe6uqqHMcz4xsnTtnO7N6Ot4hiFIcaLLyAk/j25r9fS4"
    "ABAQ44wGCiLzaW1AKe1kv3o5b8d2NuqES39seEYmo3ztDfDYrnBC6EnD3UwIuFn84SbHyn"
    "86I2L8PT8J1lm3jKqrrHukUgSSXW1NQWtmZQSKVLXWeJxhQKanTmJy2p9teSKLYxI/YDMS"
    "Hj25+QrFGVPBPL+7n4rtxrRFdDz6qp7N48XbFXC57Wo/ZHXpDd7U6ZGvpyTv3Ci5X9YNB1"
    "ac15xxmhxMQ2YdXb5pI9Pns690W9N3Ke1C/iPGJARiX3eKnbgde9U/y0hqJcDcbKqDtWlE"
    "YGgKYGZeBqDGr29jP2CL+2mocnh6cHx4enUIQ/5jrl5Idzax8YR5DDczVu/OD52MZOCY6x"
    "D6qlL2dRWDsP2IzH1SsvIAuPLCLr4VhdaOf4WdEJndkP8PP4cAOOX9vDzuf28N3x4Xt2Qw"
    "Mav9MprtycFs9iUPvQ8u8M0Hrl84HWS/Cx9btq6eC2PnxIgS6USoSX54XxnRMbs3Ydxfjf"
    "o8FVPMZBGQFnVZva6H9I16zIIJEX3o1/3i/plEGJ7paabmvU2me3/VejIC1sAJ1hxGqeW9"
    "ZfehDrd5ft30U1dPqDcw6ZYdkzk9fCKzgXVDI1CYNMwXZUKReQY2tzEq+YsKSoGld037vY"
    "xQ4BL6gOqL5yR7kNqhn3LrujcfvyOqSfi/a4y3JaPHUlpL47FnS2rgT91ht/Ruwn+mNw1R"
    "XVuC43/qPBngkvbUOhxpOC1cCA7KV6qP1gs/T998CUwhLu8PT7EzZVJZTjN48FNm1tqi08"
    "OyLcQM5d6Y9fhkTHHN9oU3ANlmu/ph1sCz+81u+l+m0i0JcwDJ8qNpUFMTVDfSVgHbe2a1"
    "5ZXTHToY8R884AUF6JV9+v6Q2ApcC8aGrT/DC75PXVFblc0HoLECl4BvPMDN4tF7DaXm11"
    "Rc2aGiZRyCN59QQ5YjV1WUW1xcrGVIVaXguUW02dYGK2mNEykqyzaNa8NRdTMMUz/krs3u"
    "xOMZZXDJMkGGbJdJJoC+bLKX1z6SpWM3m2iUmxrmhq40+BbAqW87JTk0/n2uyt8E//aLUO"
    "Dk5aHw6OT48OT06OTj+siaho1iZG6rz3iZFSe0FX5WWWKqjCiBqSGRVBbCtixQW7Kn2+BF"
    "5F8lbF4gvjahTe0RzreuJo4oq8PJzsQAN2BpSD1snxeghhPzYNGqPLdr/vjRIBIFXVJFbM"
    "/J/cVgMi5TXXRlH0XrixHqVqrEcbGutRtLEGpmkHqgxgx8mWiDpkao+ausR6OfgftFLAf9"
    "BKRJ9lSYZbMtyS4a4Ewx3U+nKhbqn1sKTUelW07mEUUHuEYXBcw1ifI9FSC8lsZa9VTsE5"
    "RCBEVotEkKMIfzRMos3oF7LiQPco43umcTZEJIZlxwBOonEg2cRPay4i3LTg/eGtic0RGE"
    "JLH/Y6gHSaVTjJyUpOVnKyZcNUJCcrLO7G0LLR5d9kZjZu4flFdrbRRuyWKrLA3UPGPbIf"
    "CHJGrF8s5FWJ3kEmnmKVzLUpZJvzPYSRRbBl0PdnXMa9KVTREAAv4BYTOu4OLxG0NjTqts"
    "HcR87a8X5j70Va+Tu0MP5NVhFaWcYwlhnD6Gkiykt06XIeMR9CGHuyVSYvwRju9f9zhvjX"
    "hP7W7X5hP53vCb0cXI0/swT3wmnUZ4h9TqjTrs/c9j2h7X5fYbbxGfKuJrRzMxoPQML5Fv"
    "tdGu7jNAX1cZrIfJyKxAfrU7EKje8obvEq63BLTql5nALYpugj+ciyrF1j90uiSwvh9mGU"
    "MW1rC54gJFhDmmB3aYEoGwR2xjYqDohJBVdawZL4yctsk8TPTyd+inQ8g1GyMV6nEESb7H"
    "KKcbvFBQNJb+2ne2vStpc7znbTug8+WQTmMXlOGBkEsRp4UpuMve7v45CdF1l1X9t6/cHV"
    "J6+4uBQvrLoDMDPDzDRwBGVqAHnRY0clAn2qFqtWcHwPc/WUJ3g58ENi4X6ZvxSqKLGhe/"
    "Rhxgb/9sjMynBCFetddWIMKkEJSf0WxwiBBv5r0EyzYlCmxHH5ZtzZVRvEMkxbMUyVmNtO"
    "h+EaSkT9ojvKCjuXgYkQPmEmY5dtt46Mikijh2Q1RLRgYvpdYSTNtkoIVVCiDjqDy2sYKs"
    "Y9J+43iyoComA5+D8m9KJ7NeoyLcHXhA6GF72rdv8MuRfbqKvZTLOm10xe02tG4sShekLh"
    "GeJCuhIJK0GqRptLXsld+cA+apZ2p+maneB5vtwXwjWU2BnG3au2s9EuSz+4vjnv92Akcr"
    "6Z8c1qYeY3+57Q62HvK8zHUMC52Kb9b1KB1/xPElv/idj4WRNeQWW6HTdtJG+UEOXkZonN"
    "tM0WmyU0MG7h/R5jZpJzw9AJpglUelBO0MsdCBalEI9mLxf688GgH4L+vCdSYjeX512YE7"
    "geoJDmrP5ExytVM+2VYmnuSJTFFRFEpTtSZXdE7kJKnmt2cz+K3IX0FrUe09nlLiQZjFLf"
    "YJScz9B6MyeOyT1bch9S9fchRbvj5qAwv8+mCg0LnlKYd4SYHg5Vc+4kI8V+aqTYE0y9D3"
    "GTsm7gBGh9EQHeeyZTVD9u7n8othvH4XcxuDnvd9H1sNvpjVzK2zdceWaYLhh22/0IX2At"
    "dLxSFqZmmLEsZ2IjjhMtz9IsCu+8CeTg6JVpjIgKSjM+Bl/3mNFM0IZkJKoxqEqXMy9Upc"
    "tZksuZMOjmAG89TwIXMY7ONyGgO+1Rp33RbcQMvjlAXDvfXUQ3NOVUagdPsp+Wxjkr0CGT"
    "W3aq44jJLTtyy47csrPb+0fK3rIDbx1j3CY3bK98DaAuetsIH6eT9+i8HJQWqqBEwJ04lo"
    "ywu1JnyPmeUJivup9YgnsxoRc3w7YTuuldTeh1d9jpstA196Kxhepy3gjiLeLEjkXpNCdU"
    "UaLuRjeXWRUHImcIPia0M7hhquBfEwqjyhmCD7jqgc7gY0LbXz+dIfiY0H57BEXZ5zYqO0"
    "qhsqPkA7BFlT1oM7BIFc1S7ogdG2C4MZAtTlzGs6WPZ5NxTsnNfjcjXtLEOUn6sSHpx+qQ"
    "N3lFvBTy54S1o85k2Mv2cMlDipNQKp5C9RtXIpcaan8vkarCXye+fADvgBLkiP5iIXNJKQ"
    "CF1pWge8NEBhQJnNUAv3kSH0iQ5vxwDsfdF23vnKuf0AmFRmauUMCjQZqFvpOFjcgzvKm+"
    "2kNPGjTRpY3Atphi55ZOG+d+BT+3F3wGdG8ac3R7axs21m9vJ5Sl395OjSW1b2/3mKvBi4"
    "Kj4RUFn0GbL+e3t8gpO9eo83uPex5OMXZW8CPWl8Q9bHhCdaYO23kG9O5uBZLGdLo0TW5p"
    "MmkoRt18Td1DloEwYlK/YtPUHtkLGDqM3W4R1SAWooY9oQaA8WSCIQzlKXkiHM33yecQC2"
    "tci/W5zovwH/DlEcgk/+eO5ZXxP3e+GtPSZgHF148Rzv/0Wz4mZGvha5HaRDeV0sgDngYb"
    "lmMcjeQovrVEmUF8OxrC585cmfANyJSJcPGGX2EgO+ZCNpB9GQlyGpB1bNkKt7cy4RwWk1"
    "Cnhjo7qRoQqyGjuiMMqofJRgqVa4r7GLE06iZ7JyJaJza1ZNNHhn/L8O/dQzV4nGfW0SMq"
    "WyeIy/ac5EKYXAjbrYUwGYdffhy+QPm+EufrcG01xTk6T8n9Dm9hv0NgeTNmnS68+Jm8RC"
    "f+J2xxmx8sY2k6Tcm5YpiKiznfxBEgsCbVgLLB+vw2HCok14MquR6UnQ2TRFgmIizYCSIw"
    "bybDBFFJiFWaEPPH0bQrq75EDVdWizi725ueMmMc76zWAeZCtjRhfmTshg0g8VgLYrXbZ5"
    "N/k4bb2eQ5ZmJIPlQ4ICLPEw7NDXmcJyy3AyT3hfpuB5Akf0OS/HXz+STJL0n+SlJ3WUl+"
    "ST5L8rla6FaYfPbOk42jngNnzW4gnoMH2xZ8Bmr8noIo+Zwoxllyh4BOLBM4mV6S0NUkoe"
    "WmhII3JTj9JDqyJ7P8awkZIP8ixf9ITCv2xI1NI0hAqDzzulmDYUT+W8kbW1iRIa6Sp5E8"
    "jeRpJE9TbZ5GBmPKYMyq4pyWD/s5rE0bvNnpQyOGs3Fz9jYxNtgvkytd85oDHd4KcVLYgc"
    "iJPmUyJ5LsUdaBFGkdpTl4EUolB7ocRQ5fZJ0qA8Ju8Rqi20wVRtTcEEbUjIYR8VCVuEnq"
    "heiW2MMwSohu+Tn+eG5xLBGjt8zJ7Mf/AcmF5Hc="
)
