-- Doudi schema 0100 (PostgreSQL): preventing poverty from illness (issue 4). Money is text holding an exact decimal;
-- dates text yyyy-MM-dd; times ISO-8601 text. Columns named *_at_local keep the China-time offset (+08:00) because
-- working-day deadlines are counted from the local date.

-- Local values for what the texts leave open: monitoring thresholds (pengshui, wenzhou) and regional statistics.
CREATE TABLE prevention_parameters (
  policy      text NOT NULL,
  rule        text NOT NULL,
  threshold   numeric(16,2) NOT NULL,
  basis       text NOT NULL,
  set_at      timestamptz NOT NULL,
  set_by      text NOT NULL,
  PRIMARY KEY (policy, rule)
);

CREATE TABLE prevention_statistics (
  region      text NOT NULL,
  year        integer NOT NULL,
  statistic   text NOT NULL,
  value       numeric(16,2) NOT NULL,
  source      text NOT NULL,
  set_at      timestamptz NOT NULL,
  set_by      text NOT NULL,
  PRIMARY KEY (region, year, statistic)
);

-- The pool of potential risk objects (因病致贫返贫风险潜在对象库).
CREATE TABLE risk_entries (
  id              text PRIMARY KEY,
  policy          text NOT NULL,
  region          text NOT NULL,
  year            integer NOT NULL,
  person_id       text NOT NULL REFERENCES persons(id),
  household_id    text,
  source          text NOT NULL,
  rule            text,
  cite            text NOT NULL,
  measure         text,
  amount          numeric(16,2),
  threshold       numeric(16,2),
  threshold_basis text,
  applicant_kind  text,
  applicant_name  text,
  statement       text,
  date            date NOT NULL,
  state           text NOT NULL,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX ix_risk_region_year ON risk_entries(region, year, state);
CREATE INDEX ix_risk_person ON risk_entries(person_id);

CREATE TABLE risk_entry_changes (
  id          bigserial PRIMARY KEY,
  entry_id    text NOT NULL REFERENCES risk_entries(id),
  from_state  text NOT NULL,
  to_state    text NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL,
  reason      text NOT NULL
);
CREATE INDEX ix_risk_changes ON risk_entry_changes(entry_id);

-- Running year totals per person for the monitoring measures, in fen (exact integers on both databases), so the
-- settlement hook evaluates the rules with one upsert. A re-scan recomputes them from the stored settlements.
CREATE TABLE monitoring_person_years (
  person_id        text NOT NULL REFERENCES persons(id),
  year             integer NOT NULL,
  in_policy_fen    bigint NOT NULL,
  personal_fen     bigint NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (person_id, year)
);

-- Rules that could not be evaluated (a missing statistic or parameter), kept until the figure is supplied.
CREATE TABLE monitoring_problems (
  policy      text NOT NULL,
  rule        text NOT NULL,
  year        integer NOT NULL,
  code        text NOT NULL,
  message_zh  text NOT NULL,
  message_en  text NOT NULL,
  first_seen  timestamptz NOT NULL,
  PRIMARY KEY (policy, rule, year, code)
);

-- Tiered reduction (jiande 三.(四)): the case, its commands in order (replayed through the domain), and a task projection.
CREATE TABLE reduction_cases (
  id                text PRIMARY KEY,
  region            text NOT NULL,
  household_id      text NOT NULL,
  cost_year         integer NOT NULL,
  reasonable_burden numeric(16,2) NOT NULL,
  line              numeric(16,2) NOT NULL,
  stage             text NOT NULL,
  approved_amount   numeric(16,2),
  origin            text NOT NULL,
  created_at        timestamptz NOT NULL,
  created_by        text NOT NULL,
  updated_at        timestamptz NOT NULL,
  UNIQUE (household_id, cost_year)
);

CREATE TABLE reduction_commands (
  case_id     text NOT NULL REFERENCES reduction_cases(id),
  seq         integer NOT NULL,
  command     text NOT NULL,
  args_json   text NOT NULL,
  actor       text NOT NULL,
  at_local    text NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE reduction_tasks (
  case_id     text NOT NULL REFERENCES reduction_cases(id),
  department  text NOT NULL,
  state       text NOT NULL,
  asked_on    date,
  short_due   date,
  long_due    date,
  answer_kind text,
  PRIMARY KEY (case_id, department)
);
CREATE INDEX ix_reduction_tasks_department ON reduction_tasks(department, state);

-- Year-end relief runs and every payment they (or a reduction case) made; a payment id is run:payee, so nothing is paid twice.
CREATE TABLE relief_runs (
  id            text PRIMARY KEY,
  region        text NOT NULL,
  year          integer NOT NULL,
  policy        text NOT NULL,
  year_end_run  text NOT NULL,
  reports_json  text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);
CREATE INDEX ix_relief_runs ON relief_runs(region, year, created_at);

CREATE TABLE relief_payments (
  id          text PRIMARY KEY,
  run_key     text NOT NULL,
  kind        text NOT NULL,
  region      text NOT NULL,
  payee_kind  text NOT NULL,
  payee_id    text NOT NULL,
  name        text NOT NULL,
  amount      numeric(16,2) NOT NULL,
  fund        text NOT NULL,
  paid_on     date NOT NULL,
  trace_json  text NOT NULL,
  origin      text NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);
CREATE INDEX ix_relief_payments_run ON relief_payments(run_key);

-- Retroactive assistance (I-15): one supplementary payment per (identity, bill). result_json is the bill settled again
-- (what year-end runs and monitoring use instead of the original result); counted_json is what it adds to annual limits.
CREATE TABLE supplementary_payments (
  id            text PRIMARY KEY,
  identity_id   bigint NOT NULL REFERENCES identities(id),
  bill_id       text NOT NULL REFERENCES settlements(id),
  person_id     text NOT NULL REFERENCES persons(id),
  region        text NOT NULL,
  year          integer NOT NULL,
  result_json   text NOT NULL,
  counted_json  text NOT NULL,
  paid_before   numeric(16,2) NOT NULL,
  due_now       numeric(16,2) NOT NULL,
  difference    numeric(16,2) NOT NULL,
  trace_json    text NOT NULL,
  origin        text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  UNIQUE (identity_id, bill_id)
);
CREATE INDEX ix_supplementary_person ON supplementary_payments(person_id, year);

-- Post-hoc applications (wenzhou-2020 第二十二条), replayed from their commands like reduction cases.
CREATE TABLE posthoc_applications (
  id             text PRIMARY KEY,
  person_id      text NOT NULL REFERENCES persons(id),
  region         text NOT NULL,
  township       text NOT NULL,
  claimed_amount numeric(16,2) NOT NULL,
  state          text NOT NULL,
  paid_amount    numeric(16,2),
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE posthoc_commands (
  application_id text NOT NULL REFERENCES posthoc_applications(id),
  seq            integer NOT NULL,
  command        text NOT NULL,
  args_json      text NOT NULL,
  actor          text NOT NULL,
  at_local       text NOT NULL,
  PRIMARY KEY (application_id, seq)
);

-- Fund books: income by source (source set) and payments (source NULL). ref makes a posting idempotent.
CREATE TABLE fund_entries (
  id          bigserial PRIMARY KEY,
  region      text NOT NULL,
  fund        text NOT NULL,
  date        date NOT NULL,
  source      text,
  amount      numeric(16,2) NOT NULL,
  memo        text NOT NULL,
  payee_ref   text,
  ref         text UNIQUE,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);
CREATE INDEX ix_fund_entries ON fund_entries(region, fund, date);

CREATE TRIGGER risk_entries_no_delete BEFORE DELETE ON risk_entries FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER reduction_commands_append_only BEFORE UPDATE OR DELETE ON reduction_commands FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER posthoc_commands_append_only BEFORE UPDATE OR DELETE ON posthoc_commands FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER relief_payments_no_change BEFORE UPDATE OR DELETE ON relief_payments FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER supplementary_no_delete BEFORE DELETE ON supplementary_payments FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER fund_entries_no_change BEFORE UPDATE OR DELETE ON fund_entries FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
