-- Issue 9 item 6 (load): the monthly aggregates' hot rows split into shards (see postgres/0852_insight_shards.sql).
-- SQLite has one writer, so it gains nothing, but the schema and the SQL stay one. The key changes: the table is rebuilt.
CREATE TABLE insight_monthly_sharded (
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
  shard             INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (region, month, dimension, dim_key, shard)
);
INSERT INTO insight_monthly_sharded (region, month, dimension, dim_key, label, bills, assisted, quantity, total_fen, in_policy_fen, basic_fen,
  critical_fen, supplementary_fen, assistance_fen, tilted_fen, burden_fen, self_pay_fen, shard)
SELECT region, month, dimension, dim_key, label, bills, assisted, quantity, total_fen, in_policy_fen, basic_fen,
  critical_fen, supplementary_fen, assistance_fen, tilted_fen, burden_fen, self_pay_fen, 0 FROM insight_monthly;
DROP TABLE insight_monthly;
ALTER TABLE insight_monthly_sharded RENAME TO insight_monthly;
CREATE INDEX ix_insight_dimension ON insight_monthly(dimension, month);
