-- Issue 8 (access, the database defends itself). Kept in step with sqlite/0200_security.sql.
-- The grants to the application role are given by the server at every start (Migrator), as the owner role.

-- Sessions: a new security stamp (logout, password change) ends every session of the user.
ALTER TABLE users ADD COLUMN security_stamp text NOT NULL DEFAULT '';

-- Hospital settlements belong to the token that created them, by id ('token:T…'), no longer by its name. Earlier rows
-- written as 'token:<name>' move to the token's id where exactly one token had that name.
UPDATE settlements SET created_by = 'token:' || (SELECT t.id FROM api_tokens t WHERE 'token:' || t.name = settlements.created_by)
WHERE created_by LIKE 'token:%'
  AND (SELECT COUNT(*) FROM api_tokens t WHERE 'token:' || t.name = settlements.created_by) = 1;

-- A settlement's facts and amounts are never changed in place: a correction is a reversal and a new settlement.
-- Only the status and the reversal's who/when/why may be set, and a reversed settlement stays reversed. The row is
-- compared whole (as jsonb, less those columns), so columns added by later migrations are protected too.
CREATE FUNCTION doudi_settlement_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'reversed'
     OR (to_jsonb(NEW) - 'status' - 'reversed_at' - 'reversed_by' - 'reversal_reason')
        IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'reversed_at' - 'reversed_by' - 'reversal_reason') THEN
    RAISE EXCEPTION 'settlements cannot be changed in place: reverse and settle again (settlement %)', OLD.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER settlements_fixed BEFORE UPDATE ON settlements FOR EACH ROW EXECUTE FUNCTION doudi_settlement_fixed();

-- An identity's category, person, department and dates are never changed in place: it is ended (once) and a new one
-- recognised, so the history stays readable.
CREATE FUNCTION doudi_identity_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'revoked' - 'ended_batch') IS DISTINCT FROM (to_jsonb(OLD) - 'revoked' - 'ended_batch')
     OR (OLD.revoked IS NOT NULL AND (NEW.revoked, NEW.ended_batch) IS DISTINCT FROM (OLD.revoked, OLD.ended_batch)) THEN
    RAISE EXCEPTION 'identities cannot be changed in place: end the identity and recognise a new one (identity %)', OLD.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER identities_fixed BEFORE UPDATE ON identities FOR EACH ROW EXECUTE FUNCTION doudi_identity_fixed();
