-- Issue 9 item 6 (load): every one-stop settlement wrote an entry into ix_settlements_household_year, which no query
-- reads (a household's settlements are found through persons: StoredYear, year-end, relief). One index write less per
-- settlement. Kept in step with sqlite/0920_settlements_without_household_index.sql.
DROP INDEX IF EXISTS ix_settlements_household_year;
