-- Issue 9 item 3: a settlement import is recorded when it starts (state running) and its progress is kept as it commits
-- its chunks (rows_done), so GET /api/settlement-imports/{id} shows a long import while it runs, on any node.
ALTER TABLE settlement_imports ADD COLUMN state text NOT NULL DEFAULT 'done';
ALTER TABLE settlement_imports ADD COLUMN rows_done bigint NOT NULL DEFAULT 0;
ALTER TABLE settlement_imports ADD COLUMN rows_held bigint NOT NULL DEFAULT 0;
ALTER TABLE settlement_imports ADD COLUMN updated_at timestamptz;
ALTER TABLE settlement_imports ADD COLUMN finished_at timestamptz;
