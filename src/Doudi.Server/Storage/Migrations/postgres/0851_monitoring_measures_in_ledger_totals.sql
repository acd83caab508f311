-- Issue 9 item 4, one ledger store: monitoring's running year totals (in-policy and personal burden, fen) become measure
-- buckets of ledger_totals (Prevention/Monitoring/PersonYearTotals.cs), written in the settlement's own batch.
INSERT INTO ledger_totals (person_id, year, bucket, amount_fen)
SELECT person_id, year, 'measure.monitoring.inPolicyBurden', in_policy_fen FROM monitoring_person_years;
INSERT INTO ledger_totals (person_id, year, bucket, amount_fen)
SELECT person_id, year, 'measure.monitoring.personalBurden', personal_fen FROM monitoring_person_years;
DROP TABLE monitoring_person_years;
