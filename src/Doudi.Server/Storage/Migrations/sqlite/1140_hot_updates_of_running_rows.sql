-- Issue 9 item 6: the PostgreSQL migration of the same number sets the fill factor of insight_monthly and ledger_totals
-- (room on each page for updates in place); SQLite has no such setting.
SELECT 1;
