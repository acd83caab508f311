-- A name-list import's progress, stored as it goes so that GET /api/name-lists/{batch} on any node shows a list another
-- node is importing (like settlement_imports' rows_done): written when the import starts, every few ten thousand rows
-- while it reads, when it starts applying, and when it ends (failed: with its problem). Not one write per row. A finished
-- import's report stays in name_list_batches; a row here only answers while the list runs or after it failed.
CREATE TABLE name_list_runs (
  batch        TEXT PRIMARY KEY,
  department   TEXT NOT NULL,
  month        TEXT NOT NULL,
  region       TEXT NOT NULL,
  mode         TEXT NOT NULL,
  state        TEXT NOT NULL,
  rows_read    INTEGER NOT NULL,
  rows_done    INTEGER NOT NULL,
  rows_total   INTEGER,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  problem_json TEXT,
  updated_at   TEXT NOT NULL
);
