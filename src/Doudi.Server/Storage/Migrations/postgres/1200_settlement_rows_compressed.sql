-- Issue 9 item 3: settlement rows compressed inline, never moved out of line. Migration 0002 kept a row inline and
-- uncompressed (toast_tuple_target 8160) when rows were compressed with pglz; since 0853 the JSON columns use lz4, whose
-- CPU is a few microseconds a row, while an uncompressed row (≈ 4.3 kB: bill, result with its trace, national answer)
-- fills an 8 kB page alone: on a city's import that is one page, and ≈ 4.4 kB of WAL, per bill.
-- PostgreSQL's default target (≈ 2 kB) is no better: once the result is compressed, a national bill's row is still over
-- it, so its largest column goes to the TOAST table (measured on a whole city's import: 1.5 GB of rows plus 2.1 GB of
-- TOAST at half-way, with the TOAST table's index and its own vacuum).
-- Here every variable-length column is MAIN (compressed inline; out of line only when even the compressed row exceeds a
-- page) and the target is PostgreSQL's minimum, so a row over ≈ 2 kB (the size at which PostgreSQL looks at it) has
-- each of its JSON columns compressed with lz4, and stays on its page. Applies to rows written from now on; older rows
-- stay readable as they are. Kept in step with sqlite/1200_settlement_rows_compressed.sql (nothing to do there).
ALTER TABLE settlements
    ALTER COLUMN id SET STORAGE MAIN,
    ALTER COLUMN person_id SET STORAGE MAIN,
    ALTER COLUMN household_id SET STORAGE MAIN,
    ALTER COLUMN region SET STORAGE MAIN,
    ALTER COLUMN policy SET STORAGE MAIN,
    ALTER COLUMN kind SET STORAGE MAIN,
    ALTER COLUMN source SET STORAGE MAIN,
    ALTER COLUMN request_hash SET STORAGE MAIN,
    ALTER COLUMN bill_json SET STORAGE MAIN,
    ALTER COLUMN result_json SET STORAGE MAIN,
    ALTER COLUMN counted_json SET STORAGE MAIN,
    ALTER COLUMN counted_json SET COMPRESSION lz4,
    ALTER COLUMN status SET STORAGE MAIN,
    ALTER COLUMN created_by SET STORAGE MAIN,
    ALTER COLUMN reversed_by SET STORAGE MAIN,
    ALTER COLUMN reversal_reason SET STORAGE MAIN,
    ALTER COLUMN naming SET STORAGE MAIN,
    ALTER COLUMN national_json SET STORAGE MAIN,
    SET (toast_tuple_target = 128);
