-- Issue 9 item 6 (one-stop load on PostgreSQL): every stored settlement ran a checking query for its person
-- (SELECT … FOR KEY SHARE on persons, about 5 % of the database's work per settlement) and every stored item line one
-- for its settlement. Neither can fail: the settlement's writer has just read and locked the person's row in the same
-- transaction (one-stop: SELECT … FOR UPDATE; imports: the chunk's persons read and locked first), the item lines are
-- written in the settlement's own transaction right after it, and no person, settlement or item line is ever deleted
-- (triggers refuse DELETE, and the application role has no DELETE). So the keys only cost. Kept in step with
-- sqlite/1000_settlement_writes_without_foreign_keys.sql (SQLite keeps them, see there).
ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_person_id_fkey;
ALTER TABLE settlement_items DROP CONSTRAINT IF EXISTS settlement_items_settlement_id_fkey;
