-- Issue 9 item 3 / issue 11 point 2 (settlement imports at a city's scale): fewer index entries and trigger calls per
-- imported bill. See sqlite/0900_import_writes_less.sql for the indexes.
-- settlement_context's three secondary indexes (institution, diagnosis, township) are read by no query: the context is
-- only ever looked up by settlement id (its primary key); the console's views read the monthly aggregates.
DROP INDEX IF EXISTS ix_settlement_context_institution;
DROP INDEX IF EXISTS ix_settlement_context_diagnosis;
DROP INDEX IF EXISTS ix_settlement_context_township;
-- The bill's context and year facts are written by the one writer of settlements in the settlement's own statement or
-- chunk, and none of the three tables ever loses a row (triggers refuse DELETE): the foreign keys to settlements(id) only
-- cost a checking query per row at insert (about a tenth of PostgreSQL's CPU in an import). settlements.person_id keeps its key.
ALTER TABLE settlement_context DROP CONSTRAINT IF EXISTS settlement_context_settlement_id_fkey;
ALTER TABLE settlement_year_facts DROP CONSTRAINT IF EXISTS settlement_year_facts_settlement_id_fkey;
