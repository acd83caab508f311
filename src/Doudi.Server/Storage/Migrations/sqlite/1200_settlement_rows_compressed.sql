-- Issue 9 item 3: PostgreSQL compresses settlement rows inline from here on (postgres/1200_settlement_rows_compressed.sql).
-- SQLite does not compress rows: nothing to do.
SELECT 1;
