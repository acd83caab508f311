-- Reconciliation with the national platform's payments (应补/应退, I-24): one run per imported export, one item per
-- bill whose payment differs from what the policy gives, and the bureau's workflow on each item (sent to the
-- township, confirmed, paid or recovered). Amounts as decimal text, like settlements. Never deleted.
CREATE TABLE reconciliation_runs (
  id            text PRIMARY KEY,
  region        text NOT NULL,
  profile       text NOT NULL,
  source        text NOT NULL,
  content_hash  text NOT NULL,
  bills         integer NOT NULL,
  paid          text NOT NULL,
  due           text NOT NULL,
  to_pay        text NOT NULL,
  to_recover    text NOT NULL,
  report_json   text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);
CREATE UNIQUE INDEX ux_reconciliation_runs_content ON reconciliation_runs(region, profile, content_hash);

CREATE TABLE reconciliation_items (
  run_id        text NOT NULL REFERENCES reconciliation_runs(id),
  setl_id       text NOT NULL,
  person_id     text NOT NULL,
  township      text NOT NULL,
  institution   text NOT NULL,
  direction     text NOT NULL,
  paid          text NOT NULL,
  due           text NOT NULL,
  difference    text NOT NULL,
  status        text NOT NULL,
  item_json     text NOT NULL,
  updated_at    timestamptz NOT NULL,
  updated_by    text NOT NULL,
  PRIMARY KEY (run_id, setl_id)
);
CREATE INDEX ix_reconciliation_items_township ON reconciliation_items(run_id, township, status);
CREATE TRIGGER reconciliation_runs_no_delete BEFORE DELETE ON reconciliation_runs FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
CREATE TRIGGER reconciliation_items_no_delete BEFORE DELETE ON reconciliation_items FOR EACH ROW EXECUTE FUNCTION doudi_refuse();
