-- Issue 9 item 3: PostgreSQL drops settlements' foreign key to persons (postgres/1030_settlements_without_person_key.sql) and
-- refuses renumbering a person instead. SQLite keeps its table (changing a key there means rebuilding it) and refuses the
-- renumbering alike, so both dialects keep every settlement's person.
CREATE TRIGGER persons_id_fixed BEFORE UPDATE OF id ON persons WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'a person is never renumbered'); END;
