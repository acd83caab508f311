-- Issue 9 item 3: a settlement import is recorded when it starts (state running) and its progress is kept as it commits
-- its chunks (rows_done), so GET /api/settlement-imports/{id} shows a long import while it runs, on any node.
ALTER TABLE settlement_imports ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE settlement_imports ADD COLUMN rows_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlement_imports ADD COLUMN rows_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlement_imports ADD COLUMN updated_at TEXT;
ALTER TABLE settlement_imports ADD COLUMN finished_at TEXT;
