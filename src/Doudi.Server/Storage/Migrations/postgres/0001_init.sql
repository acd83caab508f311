-- Doudi schema v1 (PostgreSQL).
CREATE TABLE households (
  id          text PRIMARY KEY,
  region      text NOT NULL,
  township    text,
  created_at  timestamptz NOT NULL
);

CREATE TABLE persons (
  id          text PRIMARY KEY,
  id_number   text NOT NULL UNIQUE,
  psn_no      text UNIQUE,
  name        text NOT NULL,
  household_id text NOT NULL REFERENCES households(id),
  insurance   text NOT NULL,
  region      text NOT NULL,
  township    text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX ix_persons_household ON persons(household_id);
CREATE INDEX ix_persons_region ON persons(region, id);

CREATE TABLE name_list_batches (
  id            text PRIMARY KEY,
  department    text NOT NULL,
  month         text NOT NULL,
  region        text NOT NULL,
  content_hash  text NOT NULL,
  format        text NOT NULL,
  row_count     integer NOT NULL,
  report_json   text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  UNIQUE (department, month, region, content_hash)
);

CREATE TABLE identities (
  id            bigserial PRIMARY KEY,
  person_id     text NOT NULL REFERENCES persons(id),
  category      text NOT NULL,
  department    text NOT NULL,
  recognized    date NOT NULL,
  revoked       date,
  for_medical_spending boolean NOT NULL DEFAULT false,
  source_batch  text REFERENCES name_list_batches(id),
  ended_batch   text REFERENCES name_list_batches(id),
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);
CREATE INDEX ix_identities_person ON identities(person_id);
CREATE INDEX ix_identities_open ON identities(department, revoked);

CREATE TABLE person_years (
  person_id   text NOT NULL REFERENCES persons(id),
  year        integer NOT NULL,
  settled     integer NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (person_id, year)
);

CREATE TABLE settlements (
  id              text PRIMARY KEY,
  person_id       text NOT NULL REFERENCES persons(id),
  household_id    text NOT NULL,
  year            integer NOT NULL,
  date            date NOT NULL,
  region          text NOT NULL,
  policy          text NOT NULL,
  kind            text NOT NULL,
  source          text NOT NULL,
  request_hash    text NOT NULL,
  bill_json       text NOT NULL,
  result_json     text NOT NULL,
  counted_json    text NOT NULL,
  assistance      numeric(16,2) NOT NULL,
  personal_burden numeric(16,2) NOT NULL,
  status          text NOT NULL,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL,
  reversed_at     timestamptz,
  reversed_by     text,
  reversal_reason text
);
CREATE INDEX ix_settlements_person_year ON settlements(person_id, year);
CREATE INDEX ix_settlements_household_year ON settlements(household_id, year);
CREATE INDEX ix_settlements_region_year ON settlements(region, year);

CREATE TABLE settlement_imports (
  id            text PRIMARY KEY,
  format        text NOT NULL,
  mode          text NOT NULL,
  rows_total    bigint NOT NULL,
  rows_settled  bigint NOT NULL,
  rows_replayed bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  committed     boolean NOT NULL,
  errors_json   text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);

CREATE TABLE year_end_runs (
  id            text PRIMARY KEY,
  region        text NOT NULL,
  year          integer NOT NULL,
  persons_json  text NOT NULL,
  households_json text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);
CREATE INDEX ix_year_end_runs ON year_end_runs(region, year, created_at);

CREATE TABLE users (
  username      text PRIMARY KEY,
  display_name  text NOT NULL,
  role          text NOT NULL,
  department    text,
  password_hash text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL
);

CREATE TABLE api_tokens (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  role          text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  revoked_at    timestamptz
);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  role        text NOT NULL,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text NOT NULL,
  before_json jsonb,
  after_json  jsonb
);
CREATE INDEX ix_audit_entity ON audit_log(entity, entity_id);

-- Append-only and no hard deletes, enforced by the database itself.
CREATE FUNCTION doudi_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed (append-only / no hard deletes)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER identities_no_delete BEFORE DELETE ON identities FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
