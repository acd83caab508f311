-- The region-years some of whose stored bills have no year facts (rows written before migration 0880): see the SQLite
-- migration of the same number for why a year-end run reads this instead of counting the year's settlements.
CREATE TABLE year_facts_pending (
  region       text NOT NULL,
  year         integer NOT NULL,
  completed_at timestamptz,
  PRIMARY KEY (region, year)
);
INSERT INTO year_facts_pending (region, year)
SELECT DISTINCT s.region, s.year FROM settlements s
WHERE NOT EXISTS (SELECT 1 FROM settlement_year_facts f WHERE f.settlement_id = s.id)
ON CONFLICT (region, year) DO UPDATE SET completed_at = NULL;
