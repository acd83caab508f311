-- Issue 8 (one bill contract): results stored in the format `doudi settle` writes, with its version; the naming the
-- bill came in and, for the national naming, the platform's own fields (for the setlinfo answer); what a bill says
-- beside the engine's inputs (institution, diagnosis, item lines); settlements held for review.
ALTER TABLE settlements ADD COLUMN result_format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE settlements ADD COLUMN naming TEXT NOT NULL DEFAULT 'ours';
ALTER TABLE settlements ADD COLUMN national_json TEXT;

CREATE TABLE settlement_context (
  settlement_id     TEXT PRIMARY KEY REFERENCES settlements(id),
  institution_code  TEXT,
  institution_name  TEXT,
  institution_level INTEGER,
  township          TEXT,
  diagnosis_code    TEXT,
  diagnosis_name    TEXT
);
CREATE INDEX ix_settlement_context_institution ON settlement_context(institution_code);
CREATE INDEX ix_settlement_context_diagnosis ON settlement_context(diagnosis_code);
CREATE INDEX ix_settlement_context_township ON settlement_context(township);

CREATE TABLE settlement_items (
  settlement_id TEXT NOT NULL REFERENCES settlements(id),
  line          INTEGER NOT NULL,
  code          TEXT,
  name          TEXT,
  kind          TEXT NOT NULL,
  item_class    TEXT,
  in_catalog    INTEGER NOT NULL,
  quantity      TEXT,
  amount        TEXT NOT NULL,
  PRIMARY KEY (settlement_id, line)
);
CREATE INDEX ix_settlement_items_code ON settlement_items(code);

-- A bill over the plausibility bounds waits here for a bureau operator; it pays and counts nothing until released
-- (then it is settled like any bill, against the ledger of that moment) and is never settled when rejected.
CREATE TABLE held_settlements (
  id            TEXT PRIMARY KEY,
  person_id     TEXT NOT NULL REFERENCES persons(id),
  region        TEXT NOT NULL,
  date          TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  document_json TEXT NOT NULL,
  reasons_json  TEXT NOT NULL,
  source        TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  reviewed_at   TEXT,
  reviewed_by   TEXT,
  review_note   TEXT
);
CREATE INDEX ix_held_settlements_status ON held_settlements(status, created_at);

CREATE TRIGGER settlement_context_no_change BEFORE UPDATE ON settlement_context BEGIN SELECT RAISE(ABORT, 'settlement context is never changed'); END;
CREATE TRIGGER settlement_context_no_delete BEFORE DELETE ON settlement_context BEGIN SELECT RAISE(ABORT, 'settlement context is never deleted'); END;
CREATE TRIGGER settlement_items_no_change BEFORE UPDATE ON settlement_items BEGIN SELECT RAISE(ABORT, 'settlement items are never changed'); END;
CREATE TRIGGER settlement_items_no_delete BEFORE DELETE ON settlement_items BEGIN SELECT RAISE(ABORT, 'settlement items are never deleted'); END;
CREATE TRIGGER held_settlements_no_delete BEFORE DELETE ON held_settlements BEGIN SELECT RAISE(ABORT, 'held settlements are never deleted'); END;
