-- Issue 9 items 3 and 6: migration 1000 dropped settlements' foreign key to persons (a checking query per stored row; in a
-- settlement import's profile about a tenth of PostgreSQL's CPU). Besides refusing a settlement without its person (which
-- cannot happen: both writers take the id from the person row they hold locked) and the deletion of a person (trigger
-- persons_no_delete, 0001), the key refused renumbering a person who has settlements. That stays refused here, for every
-- person, so a settlement never loses its person.
CREATE TRIGGER persons_id_fixed BEFORE UPDATE OF id ON persons FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION doudi_refuse();
