-- Issue 9 item 3 / issue 11 point 2: settlement_context's three secondary indexes (institution, diagnosis, township) are
-- read by no query (the context is looked up by settlement id, its primary key), so an import no longer writes them.
-- The PostgreSQL migration of the same number also drops two foreign keys; SQLite cannot drop a constraint without
-- rebuilding the table, and checks them in-process at little cost, so they stay here.
DROP INDEX IF EXISTS ix_settlement_context_institution;
DROP INDEX IF EXISTS ix_settlement_context_diagnosis;
DROP INDEX IF EXISTS ix_settlement_context_township;
