-- Issue 9 item 4: running year-to-date ledger totals per person, year and bucket (the buckets of the engine's
-- PersonLedger), in fen, kept in the settlement's, reversal's and supplementary payment's transactions, so a settlement
-- reads a few small rows instead of every earlier result of the person (Settlements/LedgerTotals.cs). No foreign key:
-- the settlement has just locked the person's row, and a check per row would cost the hot insert for nothing.
-- Kept in step with sqlite/0850_ledger_totals.sql.
CREATE TABLE ledger_totals (
  person_id   text NOT NULL,
  year        integer NOT NULL,
  bucket      text NOT NULL,
  amount_fen  bigint NOT NULL,
  PRIMARY KEY (person_id, year, bucket)
);

-- What is stored so far: non-reversed settlements and every supplementary payment (the definition the rebuild checks).
INSERT INTO ledger_totals (person_id, year, bucket, amount_fen)
SELECT person_id, year, key, SUM(round(value::numeric * 100))::bigint
FROM (
  SELECT s.person_id, s.year, j.key, j.value FROM settlements s, jsonb_each_text(s.counted_json::jsonb) j WHERE s.status = 'settled'
  UNION ALL
  SELECT p.person_id, p.year, j.key, j.value FROM supplementary_payments p, jsonb_each_text(p.counted_json::jsonb) j
) x
GROUP BY person_id, year, key;
