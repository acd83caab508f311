-- A name-list import's progress, stored as it goes so that GET /api/name-lists/{batch} on any node shows a list another
-- node is importing: see the SQLite migration of the same number.
CREATE TABLE name_list_runs (
  batch        text PRIMARY KEY,
  department   text NOT NULL,
  month        text NOT NULL,
  region       text NOT NULL,
  mode         text NOT NULL,
  state        text NOT NULL,
  rows_read    bigint NOT NULL,
  rows_done    bigint NOT NULL,
  rows_total   integer,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  problem_json text,
  updated_at   timestamptz NOT NULL
);
