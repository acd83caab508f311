-- Settlements of one person are serialised by a row lock on the person (SELECT … FOR UPDATE), not on person_years.
DROP TABLE person_years;
