-- Doudi schema 0100 (SQLite): preventing poverty from illness (issue 4). Money is TEXT holding an exact decimal;
-- dates TEXT yyyy-MM-dd; times ISO-8601 text. Columns named *_at_local keep the China-time offset (+08:00) because
-- working-day deadlines are counted from the local date.

-- Local values for what the texts leave open: monitoring thresholds (pengshui, wenzhou) and regional statistics.
CREATE TABLE prevention_parameters (
  policy      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  threshold   TEXT NOT NULL,
  basis       TEXT NOT NULL,
  set_at      TEXT NOT NULL,
  set_by      TEXT NOT NULL,
  PRIMARY KEY (policy, rule)
);

CREATE TABLE prevention_statistics (
  region      TEXT NOT NULL,
  year        INTEGER NOT NULL,
  statistic   TEXT NOT NULL,
  value       TEXT NOT NULL,
  source      TEXT NOT NULL,
  set_at      TEXT NOT NULL,
  set_by      TEXT NOT NULL,
  PRIMARY KEY (region, year, statistic)
);

-- The pool of potential risk objects (因病致贫返贫风险潜在对象库).
CREATE TABLE risk_entries (
  id              TEXT PRIMARY KEY,
  policy          TEXT NOT NULL,
  region          TEXT NOT NULL,
  year            INTEGER NOT NULL,
  person_id       TEXT NOT NULL REFERENCES persons(id),
  household_id    TEXT,
  source          TEXT NOT NULL,
  rule            TEXT,
  cite            TEXT NOT NULL,
  measure         TEXT,
  amount          TEXT,
  threshold       TEXT,
  threshold_basis TEXT,
  applicant_kind  TEXT,
  applicant_name  TEXT,
  statement       TEXT,
  date            TEXT NOT NULL,
  state           TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX ix_risk_region_year ON risk_entries(region, year, state);
CREATE INDEX ix_risk_person ON risk_entries(person_id);

CREATE TABLE risk_entry_changes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id    TEXT NOT NULL REFERENCES risk_entries(id),
  from_state  TEXT NOT NULL,
  to_state    TEXT NOT NULL,
  actor       TEXT NOT NULL,
  at          TEXT NOT NULL,
  reason      TEXT NOT NULL
);
CREATE INDEX ix_risk_changes ON risk_entry_changes(entry_id);

-- Running year totals per person for the monitoring measures, in fen (exact integers on both databases), so the
-- settlement hook evaluates the rules with one upsert. A re-scan recomputes them from the stored settlements.
CREATE TABLE monitoring_person_years (
  person_id        TEXT NOT NULL REFERENCES persons(id),
  year             INTEGER NOT NULL,
  in_policy_fen    INTEGER NOT NULL,
  personal_fen     INTEGER NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (person_id, year)
);

-- Rules that could not be evaluated (a missing statistic or parameter), kept until the figure is supplied.
CREATE TABLE monitoring_problems (
  policy      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  year        INTEGER NOT NULL,
  code        TEXT NOT NULL,
  message_zh  TEXT NOT NULL,
  message_en  TEXT NOT NULL,
  first_seen  TEXT NOT NULL,
  PRIMARY KEY (policy, rule, year, code)
);

-- Tiered reduction (jiande 三.(四)): the case, its commands in order (replayed through the domain), and a task projection.
CREATE TABLE reduction_cases (
  id                TEXT PRIMARY KEY,
  region            TEXT NOT NULL,
  household_id      TEXT NOT NULL,
  cost_year         INTEGER NOT NULL,
  reasonable_burden TEXT NOT NULL,
  line              TEXT NOT NULL,
  stage             TEXT NOT NULL,
  approved_amount   TEXT,
  origin            TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  UNIQUE (household_id, cost_year)
);

CREATE TABLE reduction_commands (
  case_id     TEXT NOT NULL REFERENCES reduction_cases(id),
  seq         INTEGER NOT NULL,
  command     TEXT NOT NULL,
  args_json   TEXT NOT NULL,
  actor       TEXT NOT NULL,
  at_local    TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE reduction_tasks (
  case_id     TEXT NOT NULL REFERENCES reduction_cases(id),
  department  TEXT NOT NULL,
  state       TEXT NOT NULL,
  asked_on    TEXT,
  short_due   TEXT,
  long_due    TEXT,
  answer_kind TEXT,
  PRIMARY KEY (case_id, department)
);
CREATE INDEX ix_reduction_tasks_department ON reduction_tasks(department, state);

-- Year-end relief runs and every payment they (or a reduction case) made; a payment id is run:payee, so nothing is paid twice.
CREATE TABLE relief_runs (
  id            TEXT PRIMARY KEY,
  region        TEXT NOT NULL,
  year          INTEGER NOT NULL,
  policy        TEXT NOT NULL,
  year_end_run  TEXT NOT NULL,
  reports_json  TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX ix_relief_runs ON relief_runs(region, year, created_at);

CREATE TABLE relief_payments (
  id          TEXT PRIMARY KEY,
  run_key     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  region      TEXT NOT NULL,
  payee_kind  TEXT NOT NULL,
  payee_id    TEXT NOT NULL,
  name        TEXT NOT NULL,
  amount      TEXT NOT NULL,
  fund        TEXT NOT NULL,
  paid_on     TEXT NOT NULL,
  trace_json  TEXT NOT NULL,
  origin      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
);
CREATE INDEX ix_relief_payments_run ON relief_payments(run_key);

-- Retroactive assistance (I-15): one supplementary payment per (identity, bill). result_json is the bill settled again
-- (what year-end runs and monitoring use instead of the original result); counted_json is what it adds to annual limits.
CREATE TABLE supplementary_payments (
  id            TEXT PRIMARY KEY,
  identity_id   INTEGER NOT NULL REFERENCES identities(id),
  bill_id       TEXT NOT NULL REFERENCES settlements(id),
  person_id     TEXT NOT NULL REFERENCES persons(id),
  region        TEXT NOT NULL,
  year          INTEGER NOT NULL,
  result_json   TEXT NOT NULL,
  counted_json  TEXT NOT NULL,
  paid_before   TEXT NOT NULL,
  due_now       TEXT NOT NULL,
  difference    TEXT NOT NULL,
  trace_json    TEXT NOT NULL,
  origin        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (identity_id, bill_id)
);
CREATE INDEX ix_supplementary_person ON supplementary_payments(person_id, year);

-- Post-hoc applications (wenzhou-2020 第二十二条), replayed from their commands like reduction cases.
CREATE TABLE posthoc_applications (
  id             TEXT PRIMARY KEY,
  person_id      TEXT NOT NULL REFERENCES persons(id),
  region         TEXT NOT NULL,
  township       TEXT NOT NULL,
  claimed_amount TEXT NOT NULL,
  state          TEXT NOT NULL,
  paid_amount    TEXT,
  created_at     TEXT NOT NULL,
  created_by     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE posthoc_commands (
  application_id TEXT NOT NULL REFERENCES posthoc_applications(id),
  seq            INTEGER NOT NULL,
  command        TEXT NOT NULL,
  args_json      TEXT NOT NULL,
  actor          TEXT NOT NULL,
  at_local       TEXT NOT NULL,
  PRIMARY KEY (application_id, seq)
);

-- Fund books: income by source (source set) and payments (source NULL). ref makes a posting idempotent.
CREATE TABLE fund_entries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  region      TEXT NOT NULL,
  fund        TEXT NOT NULL,
  date        TEXT NOT NULL,
  source      TEXT,
  amount      TEXT NOT NULL,
  memo        TEXT NOT NULL,
  payee_ref   TEXT,
  ref         TEXT UNIQUE,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
);
CREATE INDEX ix_fund_entries ON fund_entries(region, fund, date);

CREATE TRIGGER risk_entries_no_delete BEFORE DELETE ON risk_entries BEGIN SELECT RAISE(ABORT, 'risk entries are never deleted'); END;
CREATE TRIGGER reduction_commands_append_only BEFORE UPDATE ON reduction_commands BEGIN SELECT RAISE(ABORT, 'reduction_commands is append-only'); END;
CREATE TRIGGER reduction_commands_no_delete BEFORE DELETE ON reduction_commands BEGIN SELECT RAISE(ABORT, 'reduction_commands is append-only'); END;
CREATE TRIGGER posthoc_commands_append_only BEFORE UPDATE ON posthoc_commands BEGIN SELECT RAISE(ABORT, 'posthoc_commands is append-only'); END;
CREATE TRIGGER posthoc_commands_no_delete BEFORE DELETE ON posthoc_commands BEGIN SELECT RAISE(ABORT, 'posthoc_commands is append-only'); END;
CREATE TRIGGER relief_payments_no_change BEFORE UPDATE ON relief_payments BEGIN SELECT RAISE(ABORT, 'payments are never changed'); END;
CREATE TRIGGER relief_payments_no_delete BEFORE DELETE ON relief_payments BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;
CREATE TRIGGER supplementary_no_delete BEFORE DELETE ON supplementary_payments BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;
CREATE TRIGGER fund_entries_no_change BEFORE UPDATE ON fund_entries BEGIN SELECT RAISE(ABORT, 'fund entries are never changed'); END;
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries BEGIN SELECT RAISE(ABORT, 'fund entries are never deleted'); END;
