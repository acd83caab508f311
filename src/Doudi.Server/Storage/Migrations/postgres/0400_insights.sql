-- Doudi schema 0400 (PostgreSQL): monthly aggregates for the web console (issue 10). Kept up to date in the transaction
-- that stores or reverses a settlement, so the dashboard, the map and the rankings never scan the settlements table.
-- Money in fen (bigint), exact on both databases. dimension: region (key ''), township, category, kind,
-- institution, diagnosis, item (key = kind:code). bills counts bills (items: times billed), assisted those with assistance.
CREATE TABLE insight_monthly (
  region            text NOT NULL,
  month             text NOT NULL,
  dimension         text NOT NULL,
  dim_key           text NOT NULL,
  label             text NOT NULL DEFAULT '',
  bills             bigint NOT NULL DEFAULT 0,
  assisted          bigint NOT NULL DEFAULT 0,
  quantity          bigint NOT NULL DEFAULT 0,
  total_fen         bigint NOT NULL DEFAULT 0,
  in_policy_fen     bigint NOT NULL DEFAULT 0,
  basic_fen         bigint NOT NULL DEFAULT 0,
  critical_fen      bigint NOT NULL DEFAULT 0,
  supplementary_fen bigint NOT NULL DEFAULT 0,
  assistance_fen    bigint NOT NULL DEFAULT 0,
  tilted_fen        bigint NOT NULL DEFAULT 0,
  burden_fen        bigint NOT NULL DEFAULT 0,
  self_pay_fen      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (region, month, dimension, dim_key)
);
CREATE INDEX ix_insight_dimension ON insight_monthly(dimension, month);

-- The map layer a bureau loads (GeoJSON of its townships), one per region; the demo stores a generated fictional one.
CREATE TABLE insight_maps (
  region      text PRIMARY KEY,
  geojson     text NOT NULL,
  source      text NOT NULL,
  set_at      timestamptz NOT NULL,
  set_by      text NOT NULL
);
