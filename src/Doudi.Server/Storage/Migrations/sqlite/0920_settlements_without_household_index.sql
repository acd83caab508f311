-- Issue 9 item 6 (load): no query reads ix_settlements_household_year (postgres/0920_settlements_without_household_index.sql).
DROP INDEX IF EXISTS ix_settlements_household_year;
