-- Issue 8: results of retroactive re-settlement are stored like settlements' results (format 2: doudi settle's bill object).
ALTER TABLE supplementary_payments ADD COLUMN result_format INTEGER NOT NULL DEFAULT 1;
