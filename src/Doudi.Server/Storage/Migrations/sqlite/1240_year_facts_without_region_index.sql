-- Issue 9 item 3: ix_settlement_year_facts_region is read by no query (year facts are read by person and by settlement
-- id); dropped as on PostgreSQL (postgres/1240_year_facts_without_region_index.sql).
DROP INDEX IF EXISTS ix_settlement_year_facts_region;
