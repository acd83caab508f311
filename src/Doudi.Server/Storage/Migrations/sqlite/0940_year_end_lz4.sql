-- Issue 11 point 2: PostgreSQL compresses year-end result rows with lz4 from here on (postgres/0940_year_end_lz4.sql).
-- SQLite does not compress rows: nothing to do.
SELECT 1;
