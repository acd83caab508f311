-- Issue 9 item 6 (load): a settlement row (bill, result with its trace, national answer) is over PostgreSQL's 2 kB
-- threshold, so every insert compresses it; lz4 does that at a fraction of pglz's CPU. Applies to rows written from now
-- on; older rows stay readable as they are. Kept in step with sqlite/0853_settlement_lz4.sql (nothing to do there).
ALTER TABLE settlements ALTER COLUMN bill_json SET COMPRESSION lz4;
ALTER TABLE settlements ALTER COLUMN result_json SET COMPRESSION lz4;
ALTER TABLE settlements ALTER COLUMN national_json SET COMPRESSION lz4;
ALTER TABLE audit_log ALTER COLUMN after_json SET COMPRESSION lz4;
