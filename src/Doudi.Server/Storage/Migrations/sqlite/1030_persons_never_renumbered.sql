-- Issue 9: a person is never renumbered (postgres/1030_persons_never_renumbered.sql: PostgreSQL's foreign key from
-- settlements, which refused it, is gone since 1000). SQLite refuses it alike, so both dialects keep every settlement's person.
CREATE TRIGGER persons_id_fixed BEFORE UPDATE OF id ON persons WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, 'a person is never renumbered'); END;
