-- credbroker fleet store, schema version 3: access review's daily rollup (docs/audit.md,
-- "The fleet store"; docs/scaling.md, "Access review").
--
-- One row per UTC day and usage: a broker-independent identity (issuer, subject, client id, the
-- claims audit.claims recorded), a target (role or secret), an outcome (decision) and the rule ids
-- it named, with how many decision records said so that day and the last one's time. Access review
-- sums these rows over the days of its window instead of reading every record's JSON.
--
-- The columns hold what audit_records' columns hold (U+0000 as U+FFFD, values cut to 500
-- characters); rule_ids and claims are the JSON text of the record's "rule_ids" and
-- "caller"."claims", with a recorded \u0000 escape read as \ufffd (PostgreSQL's JSON operators
-- refuse it). They are too long for a b-tree entry, so a usage is identified by usage_key, the
-- SHA-256 of all of them as one JSON array; every writer (this backfill and the shipper,
-- AuditStore.ship) computes it with the same expression.
--
-- PostgreSQL-only: sha256() (PostgreSQL 11+) and the json operators; the rest is plain SQL.
CREATE TABLE audit_usage_daily (
  day        date        NOT NULL,
  usage_key  bytea       NOT NULL,
  issuer     text,
  subject    text,
  client_id  text,
  role       text,
  secret     text,
  decision   text,
  rule_ids   text,
  claims     text,
  count      bigint      NOT NULL,
  last       timestamptz NOT NULL,
  PRIMARY KEY (day, usage_key)
);

-- The records stored before this version: one pass over every decision, grouped by day and usage.
-- A store with many records takes a while here (docs/operations.md, "Upgrading the store schema").
INSERT INTO audit_usage_daily (day, usage_key, issuer, subject, client_id, role, secret,
    decision, rule_ids, claims, count, last)
SELECT day, sha256(convert_to(json_build_array(issuer, subject, client_id, role, secret, decision,
    rule_ids, claims)::text, 'UTF8')), issuer, subject, client_id, role, secret, decision,
    rule_ids, claims, count(*), max(time)
FROM (SELECT (time AT TIME ZONE 'UTC')::date AS day, issuer, subject, client_id, role, secret,
    decision, (j -> 'rule_ids')::text AS rule_ids, (j -> 'caller' -> 'claims')::text AS claims,
    time
  FROM (SELECT *, replace(record, '\u0000', '\ufffd')::json AS j FROM audit_records
    WHERE type = 'decision') r) f
GROUP BY day, issuer, subject, client_id, role, secret, decision, rule_ids, claims
ON CONFLICT (day, usage_key) DO UPDATE SET count = audit_usage_daily.count + EXCLUDED.count,
  last = greatest(audit_usage_daily.last, EXCLUDED.last);
