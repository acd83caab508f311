-- Issue 9 item 3 (settlement imports at >= 20,000 rows/s): a settlement row no longer costs a foreign-key check.
-- settlements.person_id referenced persons(id), checked by a trigger query per inserted row (an import's profile: about a
-- tenth of PostgreSQL's CPU). Both writers of settlements (one-stop settlement and the import) take the person id from
-- the persons row they have just locked (SELECT … FOR UPDATE) in the same transaction, a person is never deleted
-- (trigger persons_no_delete, 0001), and from here on never renumbered (persons_id_fixed, below: what the key also
-- refused): every settlement keeps its person. As 0900 did for the context and year facts.
CREATE TRIGGER persons_id_fixed BEFORE UPDATE OF id ON persons FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION doudi_refuse();
ALTER TABLE settlements DROP CONSTRAINT IF EXISTS settlements_person_id_fkey;
