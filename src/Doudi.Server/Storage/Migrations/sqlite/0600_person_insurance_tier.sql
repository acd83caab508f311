-- Issue 9: each person's resident insurance tier (tier1 一档 / tier2 二档) for the premium-subsidy lists; NULL where
-- not recorded (the list then takes the tier its request names, tier1 by default).
ALTER TABLE persons ADD COLUMN insurance_tier TEXT NULL;
