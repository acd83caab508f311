-- A settlement row (bill, result with its trace, counts) is 2–4 kB: keep it inline and uncompressed rather than
-- compressing or moving it out of line on every insert (measured: less CPU per one-stop settlement).
ALTER TABLE settlements SET (toast_tuple_target = 8160);
