-- Issue 9 item 3 (import speed): ix_settlement_year_facts_region is read by no query. The year facts are read by person
-- (StoredYear: person_id IN (…) AND year AND region, through ix_settlement_year_facts_person) and by settlement id
-- (the NOT EXISTS of ListMissingFactsAsync, CompleteFactsAsync and migration 1050, through the primary key); EXPLAIN of
-- each shows no use of the region index. Every settled bill wrote an entry into it: one B-tree insert less per bill.
-- Kept in step with sqlite/1240_year_facts_without_region_index.sql.
DROP INDEX IF EXISTS ix_settlement_year_facts_region;
