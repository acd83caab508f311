-- Issue 11 point 2 (a city's year-end run in ≤ 60 s): a person-year's stored result carries its trace with every bill it
-- adds up (a city's run: 251,582 person-years, ~6 kB each on average, nine in ten over PostgreSQL's 2 kB threshold), so
-- each row is compressed as it is stored; lz4 does that at a fraction of pglz's CPU. Applies to runs stored from now on;
-- older runs stay readable as they are. Kept in step with sqlite/0940_year_end_lz4.sql (nothing to do there).
ALTER TABLE year_end_persons ALTER COLUMN result_json SET COMPRESSION lz4;
ALTER TABLE year_end_households ALTER COLUMN result_json SET COMPRESSION lz4;
