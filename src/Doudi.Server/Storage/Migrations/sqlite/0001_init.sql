-- Doudi schema v1 (SQLite). Money is TEXT holding an exact decimal; dates are TEXT yyyy-MM-dd; times are ISO-8601 UTC text.
CREATE TABLE households (
  id          TEXT PRIMARY KEY,
  region      TEXT NOT NULL,
  township    TEXT,
  created_at  TEXT NOT NULL
);

CREATE TABLE persons (
  id          TEXT PRIMARY KEY,
  id_number   TEXT NOT NULL UNIQUE,
  psn_no      TEXT UNIQUE,
  name        TEXT NOT NULL,
  household_id TEXT NOT NULL REFERENCES households(id),
  insurance   TEXT NOT NULL,
  region      TEXT NOT NULL,
  township    TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX ix_persons_household ON persons(household_id);
CREATE INDEX ix_persons_region ON persons(region, id);

CREATE TABLE name_list_batches (
  id            TEXT PRIMARY KEY,
  department    TEXT NOT NULL,
  month         TEXT NOT NULL,
  region        TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  format        TEXT NOT NULL,
  row_count     INTEGER NOT NULL,
  report_json   TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (department, month, region, content_hash)
);

CREATE TABLE identities (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id     TEXT NOT NULL REFERENCES persons(id),
  category      TEXT NOT NULL,
  department    TEXT NOT NULL,
  recognized    TEXT NOT NULL,
  revoked       TEXT,
  for_medical_spending INTEGER NOT NULL DEFAULT 0,
  source_batch  TEXT REFERENCES name_list_batches(id),
  ended_batch   TEXT REFERENCES name_list_batches(id),
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX ix_identities_person ON identities(person_id);
CREATE INDEX ix_identities_open ON identities(department, revoked);

CREATE TABLE person_years (
  person_id   TEXT NOT NULL REFERENCES persons(id),
  year        INTEGER NOT NULL,
  settled     INTEGER NOT NULL DEFAULT 0,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (person_id, year)
);

CREATE TABLE settlements (
  id              TEXT PRIMARY KEY,
  person_id       TEXT NOT NULL REFERENCES persons(id),
  household_id    TEXT NOT NULL,
  year            INTEGER NOT NULL,
  date            TEXT NOT NULL,
  region          TEXT NOT NULL,
  policy          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  source          TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  bill_json       TEXT NOT NULL,
  result_json     TEXT NOT NULL,
  counted_json    TEXT NOT NULL,
  assistance      TEXT NOT NULL,
  personal_burden TEXT NOT NULL,
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  reversed_at     TEXT,
  reversed_by     TEXT,
  reversal_reason TEXT
);
CREATE INDEX ix_settlements_person_year ON settlements(person_id, year);
CREATE INDEX ix_settlements_household_year ON settlements(household_id, year);
CREATE INDEX ix_settlements_region_year ON settlements(region, year);

CREATE TABLE settlement_imports (
  id            TEXT PRIMARY KEY,
  format        TEXT NOT NULL,
  mode          TEXT NOT NULL,
  rows_total    INTEGER NOT NULL,
  rows_settled  INTEGER NOT NULL,
  rows_replayed INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  committed     INTEGER NOT NULL,
  errors_json   TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);

CREATE TABLE year_end_runs (
  id            TEXT PRIMARY KEY,
  region        TEXT NOT NULL,
  year          INTEGER NOT NULL,
  persons_json  TEXT NOT NULL,
  households_json TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX ix_year_end_runs ON year_end_runs(region, year, created_at);

CREATE TABLE users (
  username      TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  department    TEXT,
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  revoked_at    TEXT
);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  role        TEXT NOT NULL,
  action      TEXT NOT NULL,
  entity      TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT
);
CREATE INDEX ix_audit_entity ON audit_log(entity, entity_id);

-- Append-only and no hard deletes, enforced by the database itself.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are never deleted'); END;
CREATE TRIGGER identities_no_delete BEFORE DELETE ON identities BEGIN SELECT RAISE(ABORT, 'identities are never deleted'); END;
CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons BEGIN SELECT RAISE(ABORT, 'persons are never deleted'); END;
