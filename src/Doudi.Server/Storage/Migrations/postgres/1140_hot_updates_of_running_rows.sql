-- Issue 9 item 6: the rows every settlement updates in place keep room on their own page, so PostgreSQL updates them
-- "HOT" (the new version on the same page, no new index entry) and can prune the dead versions as it goes.
-- Measured on the one-stop bench (40,000 settlements, 16 connections): insight_monthly's 64 live shard rows had grown to
-- 27 MB of dead versions (≈ 10 % of their updates could not stay on the page, each one a new entry in both indexes), and
-- each upsert's conflict check read ≈ 31 index entries and their version chains; ledger_totals' rows are packed by their
-- first insert, so 98.8 % of their updates moved to another page with a new index entry.
-- insight_monthly: a page holds about one connection's shard rows (a settlement writes its shard's rows in one statement,
-- and fillfactor 10 leaves ~800 bytes for new rows per page), so only that connection pins the page and its pruning is
-- not blocked by the others. ledger_totals: half of each page is kept for the updates of its rows.
-- Only new pages follow the setting; no reader changes. SQLite has no such setting (sqlite/1140 is empty).
ALTER TABLE insight_monthly SET (fillfactor = 10);
ALTER TABLE ledger_totals SET (fillfactor = 50);
