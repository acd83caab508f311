-- Issue 9 item 4: running year-to-date ledger totals per person, year and bucket (the buckets of the engine's
-- PersonLedger), in fen, kept in the settlement's, reversal's and supplementary payment's transactions, so a settlement
-- reads a few small rows instead of every earlier result of the person (Settlements/LedgerTotals.cs).
-- Kept in step with postgres/0850_ledger_totals.sql.
CREATE TABLE ledger_totals (
  person_id   TEXT NOT NULL,
  year        INTEGER NOT NULL,
  bucket      TEXT NOT NULL,
  amount_fen  INTEGER NOT NULL,
  PRIMARY KEY (person_id, year, bucket)
) WITHOUT ROWID;

-- What is stored so far: non-reversed settlements and every supplementary payment (the definition the rebuild checks).
-- json_each reads numbers as binary floats; rounding each to the fen is exact for any amount a bill can hold.
INSERT INTO ledger_totals (person_id, year, bucket, amount_fen)
SELECT person_id, year, key, SUM(CAST(round(value * 100) AS INTEGER))
FROM (
  SELECT s.person_id, s.year, j.key, j.value FROM settlements s, json_each(s.counted_json) j WHERE s.status = 'settled'
  UNION ALL
  SELECT p.person_id, p.year, j.key, j.value FROM supplementary_payments p, json_each(p.counted_json) j
) x
GROUP BY person_id, year, key;
