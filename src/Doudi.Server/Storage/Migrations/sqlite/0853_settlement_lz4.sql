-- Issue 9 item 6: PostgreSQL compresses settlement rows with lz4 from here on (postgres/0853_settlement_lz4.sql).
-- SQLite does not compress rows: nothing to do.
SELECT 1;
