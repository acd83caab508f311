-- Issue 9 item 6 (one-stop load on PostgreSQL): every stored item line of a bill ran a checking query for its settlement
-- (SELECT … FOR KEY SHARE on settlements, one per line). It cannot fail: the item lines are written by the settlement's
-- own writer in the settlement's own transaction right after it (one-stop: the same batch; imports: the same chunk), and
-- no settlement or item line is ever deleted (triggers refuse DELETE; the application role has no DELETE). As 0900 did for
-- the context and year facts; migration 1030 does the same for settlements.person_id. Kept in step with
-- sqlite/1000_settlement_items_without_foreign_key.sql (SQLite keeps the key, see there).
ALTER TABLE settlement_items DROP CONSTRAINT IF EXISTS settlement_items_settlement_id_fkey;
