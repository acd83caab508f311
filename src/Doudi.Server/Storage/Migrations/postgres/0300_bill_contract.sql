-- Issue 8 (one bill contract): see the SQLite migration of the same number.
ALTER TABLE settlements ADD COLUMN result_format integer NOT NULL DEFAULT 1;
ALTER TABLE settlements ADD COLUMN naming text NOT NULL DEFAULT 'ours';
ALTER TABLE settlements ADD COLUMN national_json text;

CREATE TABLE settlement_context (
  settlement_id     text PRIMARY KEY REFERENCES settlements(id),
  institution_code  text,
  institution_name  text,
  institution_level integer,
  township          text,
  diagnosis_code    text,
  diagnosis_name    text
);
CREATE INDEX ix_settlement_context_institution ON settlement_context(institution_code);
CREATE INDEX ix_settlement_context_diagnosis ON settlement_context(diagnosis_code);
CREATE INDEX ix_settlement_context_township ON settlement_context(township);

CREATE TABLE settlement_items (
  settlement_id text NOT NULL REFERENCES settlements(id),
  line          integer NOT NULL,
  code          text,
  name          text,
  kind          text NOT NULL,
  item_class    text,
  in_catalog    boolean NOT NULL,
  quantity      numeric(20,4),
  amount        numeric(16,2) NOT NULL,
  PRIMARY KEY (settlement_id, line)
);
CREATE INDEX ix_settlement_items_code ON settlement_items(code);

CREATE TABLE held_settlements (
  id            text PRIMARY KEY,
  person_id     text NOT NULL REFERENCES persons(id),
  region        text NOT NULL,
  date          date NOT NULL,
  request_hash  text NOT NULL,
  document_json text NOT NULL,
  reasons_json  text NOT NULL,
  source        text NOT NULL,
  status        text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  reviewed_at   timestamptz,
  reviewed_by   text,
  review_note   text
);
CREATE INDEX ix_held_settlements_status ON held_settlements(status, created_at);

CREATE TRIGGER settlement_context_no_change BEFORE UPDATE OR DELETE ON settlement_context FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER settlement_items_no_change BEFORE UPDATE OR DELETE ON settlement_items FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER held_settlements_no_delete BEFORE DELETE ON held_settlements FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
