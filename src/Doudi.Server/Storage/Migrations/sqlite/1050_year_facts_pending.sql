-- The region-years some of whose stored bills have no year facts: rows written before migration 0880, which SQL alone
-- cannot fill (the facts are computed from each bill's JSON, Settlements/YearFacts.cs). Every writer of settlements
-- writes the facts in the same statement since 0880, so a year-end run completes the facts of a region-year only when
-- it is listed here (then marks it completed; the application role may not delete), instead of counting the year's
-- settlements on every run — millions of not-yet-vacuumed rows right after a city's import.
-- Storage repaired by hand (a bill's facts deleted) is listed again with the statement below (completed_at back to NULL).
CREATE TABLE year_facts_pending (
  region       TEXT NOT NULL,
  year         INTEGER NOT NULL,
  completed_at TEXT,
  PRIMARY KEY (region, year)
);
INSERT INTO year_facts_pending (region, year)
SELECT DISTINCT s.region, s.year FROM settlements s
WHERE NOT EXISTS (SELECT 1 FROM settlement_year_facts f WHERE f.settlement_id = s.id)
ON CONFLICT (region, year) DO UPDATE SET completed_at = NULL;
