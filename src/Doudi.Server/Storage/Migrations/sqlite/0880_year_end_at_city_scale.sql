-- Issue 11 point 2: a city's year-end run (~3,000,000 bills) in ≤ 60 s and ≤ 2 GB.
-- settlement_year_facts: what the year-end rules read of each settled bill (Settlements/YearFacts.cs), written in the
-- settlement's statement, so a run reads ~100 bytes per bill instead of its bill and result JSON with the whole trace.
-- Reversed bills are found through ix_settlements_not_settled (few rows) rather than by reading every settled row.
-- year_end_persons / year_end_households: a run's results as rows (a city's run would be one enormous JSON row),
-- paged by the API; runs stored before keep persons_json/households_json (person_count NULL).
CREATE TABLE settlement_year_facts (
  settlement_id TEXT PRIMARY KEY REFERENCES settlements(id),
  person_id     TEXT NOT NULL,
  region        TEXT NOT NULL,
  year          INTEGER NOT NULL,
  facts         TEXT NOT NULL
);
CREATE INDEX ix_settlement_year_facts_person ON settlement_year_facts(person_id, year);
CREATE INDEX ix_settlement_year_facts_region ON settlement_year_facts(region, year);
CREATE INDEX ix_settlements_not_settled ON settlements(region, year) WHERE status <> 'settled';

ALTER TABLE year_end_runs ADD COLUMN person_count INTEGER;
ALTER TABLE year_end_runs ADD COLUMN household_count INTEGER;
ALTER TABLE year_end_runs ADD COLUMN bill_count INTEGER;

CREATE TABLE year_end_persons (
  run_id        TEXT NOT NULL REFERENCES year_end_runs(id),
  person_id     TEXT NOT NULL,
  year          INTEGER NOT NULL,
  household_id  TEXT NOT NULL,
  special_assistance TEXT NOT NULL,
  cap_relief    TEXT NOT NULL,
  result_json   TEXT NOT NULL,
  PRIMARY KEY (run_id, person_id, year)
);
CREATE TABLE year_end_households (
  run_id        TEXT NOT NULL REFERENCES year_end_runs(id),
  household_id  TEXT NOT NULL,
  year          INTEGER NOT NULL,
  cap_relief    TEXT NOT NULL,
  result_json   TEXT NOT NULL,
  PRIMARY KEY (run_id, household_id, year)
);

CREATE TRIGGER settlement_year_facts_no_change BEFORE UPDATE ON settlement_year_facts BEGIN SELECT RAISE(ABORT, 'year facts are never changed'); END;
CREATE TRIGGER settlement_year_facts_no_delete BEFORE DELETE ON settlement_year_facts BEGIN SELECT RAISE(ABORT, 'year facts are never deleted'); END;
CREATE TRIGGER year_end_persons_no_change BEFORE UPDATE ON year_end_persons BEGIN SELECT RAISE(ABORT, 'year-end results are never changed'); END;
CREATE TRIGGER year_end_persons_no_delete BEFORE DELETE ON year_end_persons BEGIN SELECT RAISE(ABORT, 'year-end results are never deleted'); END;
CREATE TRIGGER year_end_households_no_change BEFORE UPDATE ON year_end_households BEGIN SELECT RAISE(ABORT, 'year-end results are never changed'); END;
CREATE TRIGGER year_end_households_no_delete BEFORE DELETE ON year_end_households BEGIN SELECT RAISE(ABORT, 'year-end results are never deleted'); END;
