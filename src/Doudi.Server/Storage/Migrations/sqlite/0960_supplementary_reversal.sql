-- A supplementary (retroactive) payment is reversed with its bill (冲销, P-1): it stops counting against annual limits
-- and its money is recovered to the fund. The row stays (never deleted); these say when and by whom.
ALTER TABLE supplementary_payments ADD COLUMN reversed_at TEXT;
ALTER TABLE supplementary_payments ADD COLUMN reversed_by TEXT;
