-- Doudi schema 0400 (SQLite): monthly aggregates for the web console (issue 10). Kept up to date in the transaction
-- that stores or reverses a settlement, so the dashboard, the map and the rankings never scan the settlements table.
-- Money in fen (INTEGER), exact on both databases. dimension: region (key ''), township, category, kind,
-- institution, diagnosis, item (key = kind:code). bills counts bills (items: times billed), assisted those with assistance.
CREATE TABLE insight_monthly (
  region            TEXT NOT NULL,
  month             TEXT NOT NULL,
  dimension         TEXT NOT NULL,
  dim_key           TEXT NOT NULL,
  label             TEXT NOT NULL DEFAULT '',
  bills             INTEGER NOT NULL DEFAULT 0,
  assisted          INTEGER NOT NULL DEFAULT 0,
  quantity          INTEGER NOT NULL DEFAULT 0,
  total_fen         INTEGER NOT NULL DEFAULT 0,
  in_policy_fen     INTEGER NOT NULL DEFAULT 0,
  basic_fen         INTEGER NOT NULL DEFAULT 0,
  critical_fen      INTEGER NOT NULL DEFAULT 0,
  supplementary_fen INTEGER NOT NULL DEFAULT 0,
  assistance_fen    INTEGER NOT NULL DEFAULT 0,
  tilted_fen        INTEGER NOT NULL DEFAULT 0,
  burden_fen        INTEGER NOT NULL DEFAULT 0,
  self_pay_fen      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (region, month, dimension, dim_key)
);
CREATE INDEX ix_insight_dimension ON insight_monthly(dimension, month);

-- The map layer a bureau loads (GeoJSON of its townships), one per region; the demo stores a generated fictional one.
CREATE TABLE insight_maps (
  region      TEXT PRIMARY KEY,
  geojson     TEXT NOT NULL,
  source      TEXT NOT NULL,
  set_at      TEXT NOT NULL,
  set_by      TEXT NOT NULL
);
