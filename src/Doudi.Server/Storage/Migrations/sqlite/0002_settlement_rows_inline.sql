-- Kept in step with PostgreSQL's migration 2, which only tunes storage there; nothing to change in SQLite.
SELECT 1;
