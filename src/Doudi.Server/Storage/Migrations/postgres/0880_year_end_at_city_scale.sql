-- Issue 11 point 2 (a city's year-end in ≤ 60 s, ≤ 2 GB): see the SQLite migration of the same number for why.
CREATE TABLE settlement_year_facts (
  settlement_id text PRIMARY KEY REFERENCES settlements(id),
  person_id     text NOT NULL,
  region        text NOT NULL,
  year          integer NOT NULL,
  facts         text NOT NULL
);
CREATE INDEX ix_settlement_year_facts_person ON settlement_year_facts(person_id, year);
CREATE INDEX ix_settlement_year_facts_region ON settlement_year_facts(region, year);
CREATE INDEX ix_settlements_not_settled ON settlements(region, year) WHERE status <> 'settled';

ALTER TABLE year_end_runs ADD COLUMN person_count integer;
ALTER TABLE year_end_runs ADD COLUMN household_count integer;
ALTER TABLE year_end_runs ADD COLUMN bill_count integer;

CREATE TABLE year_end_persons (
  run_id        text NOT NULL REFERENCES year_end_runs(id),
  person_id     text NOT NULL,
  year          integer NOT NULL,
  household_id  text NOT NULL,
  special_assistance numeric(16,2) NOT NULL,
  cap_relief    numeric(16,2) NOT NULL,
  result_json   text NOT NULL,
  PRIMARY KEY (run_id, person_id, year)
);
CREATE TABLE year_end_households (
  run_id        text NOT NULL REFERENCES year_end_runs(id),
  household_id  text NOT NULL,
  year          integer NOT NULL,
  cap_relief    numeric(16,2) NOT NULL,
  result_json   text NOT NULL,
  PRIMARY KEY (run_id, household_id, year)
);

CREATE TRIGGER settlement_year_facts_no_change BEFORE UPDATE OR DELETE ON settlement_year_facts FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER year_end_persons_no_change BEFORE UPDATE OR DELETE ON year_end_persons FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER year_end_households_no_change BEFORE UPDATE OR DELETE ON year_end_households FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
