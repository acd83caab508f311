-- Issue 9 item 6: the PostgreSQL migration of the same number drops the foreign key settlement_items.settlement_id →
-- settlements (a checking query per item line that cannot fail: the lines are written with their settlement in its own
-- transaction, and nothing is ever deleted). SQLite cannot drop a constraint without rebuilding the table and checks keys
-- in-process at little cost, so it stays here (as in 0900).
SELECT 1;
