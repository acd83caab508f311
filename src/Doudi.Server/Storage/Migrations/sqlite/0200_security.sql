-- Issue 8 (access, the database defends itself). Kept in step with postgres/0200_security.sql.

-- Sessions: a new security stamp (logout, password change) ends every session of the user.
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';

-- Hospital settlements belong to the token that created them, by id ('token:T…'), no longer by its name. Earlier rows
-- written as 'token:<name>' move to the token's id where exactly one token had that name.
UPDATE settlements SET created_by = 'token:' || (SELECT t.id FROM api_tokens t WHERE 'token:' || t.name = settlements.created_by)
WHERE created_by LIKE 'token:%'
  AND (SELECT COUNT(*) FROM api_tokens t WHERE 'token:' || t.name = settlements.created_by) = 1;

-- A settlement's facts and amounts are never changed in place: a correction is a reversal and a new settlement.
-- Only the status and the reversal's who/when/why may be set, and a reversed settlement stays reversed.
-- (SQLite names the columns; PostgreSQL compares the whole row, so columns added later are covered there first.)
CREATE TRIGGER settlements_fixed BEFORE UPDATE ON settlements
WHEN OLD.status = 'reversed'
  OR NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id OR NEW.household_id IS NOT OLD.household_id
  OR NEW.year IS NOT OLD.year OR NEW.date IS NOT OLD.date OR NEW.region IS NOT OLD.region OR NEW.policy IS NOT OLD.policy
  OR NEW.kind IS NOT OLD.kind OR NEW.source IS NOT OLD.source OR NEW.request_hash IS NOT OLD.request_hash
  OR NEW.bill_json IS NOT OLD.bill_json OR NEW.result_json IS NOT OLD.result_json OR NEW.counted_json IS NOT OLD.counted_json
  OR NEW.assistance IS NOT OLD.assistance OR NEW.personal_burden IS NOT OLD.personal_burden
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN SELECT RAISE(ABORT, 'settlements cannot be changed in place: reverse and settle again'); END;

-- An identity's category, person, department and dates are never changed in place: it is ended (once) and a new one
-- recognised, so the history stays readable.
CREATE TRIGGER identities_fixed BEFORE UPDATE ON identities
WHEN NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id OR NEW.category IS NOT OLD.category
  OR NEW.department IS NOT OLD.department OR NEW.recognized IS NOT OLD.recognized
  OR NEW.for_medical_spending IS NOT OLD.for_medical_spending OR NEW.source_batch IS NOT OLD.source_batch
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
  OR (OLD.revoked IS NOT NULL AND (NEW.revoked IS NOT OLD.revoked OR NEW.ended_batch IS NOT OLD.ended_batch))
BEGIN SELECT RAISE(ABORT, 'identities cannot be changed in place: end the identity and recognise a new one'); END;
