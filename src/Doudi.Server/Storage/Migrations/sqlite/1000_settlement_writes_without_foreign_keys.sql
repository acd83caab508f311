-- Issue 9 item 6: the PostgreSQL migration of the same number drops the foreign keys settlements.person_id → persons and
-- settlement_items.settlement_id → settlements (their checks cost a query per row and cannot fail: the writer has locked
-- the person and written the settlement in the same transaction, and nothing is ever deleted). SQLite cannot drop a
-- constraint without rebuilding the table and checks keys in-process at little cost, so they stay here (as in 0900).
SELECT 1;
