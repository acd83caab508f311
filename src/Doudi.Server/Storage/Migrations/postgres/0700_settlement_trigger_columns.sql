-- Nothing to do on PostgreSQL: its settlement trigger (0200) compares the whole row, so columns added later are
-- covered already. The file keeps both dialects' migration lists in step (sqlite/0700 recreates its trigger).
SELECT 1;
