-- The settlement row's trigger (0200) names its columns, so the ones 0300 added (result_format, naming, national_json)
-- were not covered on SQLite (PostgreSQL's trigger compares the whole row). Recreated with them.
DROP TRIGGER settlements_fixed;
CREATE TRIGGER settlements_fixed BEFORE UPDATE ON settlements
WHEN OLD.status = 'reversed'
  OR NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id OR NEW.household_id IS NOT OLD.household_id
  OR NEW.year IS NOT OLD.year OR NEW.date IS NOT OLD.date OR NEW.region IS NOT OLD.region OR NEW.policy IS NOT OLD.policy
  OR NEW.kind IS NOT OLD.kind OR NEW.source IS NOT OLD.source OR NEW.request_hash IS NOT OLD.request_hash
  OR NEW.bill_json IS NOT OLD.bill_json OR NEW.result_json IS NOT OLD.result_json OR NEW.counted_json IS NOT OLD.counted_json
  OR NEW.assistance IS NOT OLD.assistance OR NEW.personal_burden IS NOT OLD.personal_burden
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
  OR NEW.result_format IS NOT OLD.result_format OR NEW.naming IS NOT OLD.naming OR NEW.national_json IS NOT OLD.national_json
BEGIN SELECT RAISE(ABORT, 'settlements cannot be changed in place: reverse and settle again'); END;
