-- credbroker fleet audit store, schema version 1 (docs/audit.md, "The fleet store").
--
-- PostgreSQL-only: PARTITION BY RANGE (declarative partitioning, PostgreSQL 10+; indexes on the
-- partitioned parent, 11+). Everything else is plain SQL. The monthly partitions themselves are
-- created by the broker (a few months ahead, and for any month a shipped record falls in), and
-- dropped by it for audit.store.retention.

-- Every chain record of every broker, exactly as written to its local trail (record: the JSON line
-- without its newline; hash: its chain hash), plus the columns searches filter on. A record is
-- identified by (broker_id, seq); time is in the key because a partitioned table's unique keys
-- must hold the partition key. Re-shipping a record is a no-op (ON CONFLICT DO NOTHING); a
-- different record claiming a seq already stored (a rewritten local trail) is kept beside it as
-- evidence, and verify reports the seq as repeated.
CREATE TABLE audit_records (
  broker_id       text        NOT NULL,
  seq             bigint      NOT NULL,
  time            timestamptz NOT NULL,
  type            text        NOT NULL,
  request_id      text,
  rpc             text,
  decision        text,
  status          text,
  issuer          text,
  subject         text,
  client_id       text,
  role            text,
  secret          text,
  access_key_id   text,
  session_name    text,
  source_identity text,
  prev            text        NOT NULL,
  hash            text        NOT NULL,
  record          text        NOT NULL,
  PRIMARY KEY (broker_id, seq, time)
) PARTITION BY RANGE (time);

-- Newest-first pages over a time window; every filter below narrows one of these.
CREATE INDEX audit_records_time ON audit_records (time DESC, broker_id DESC, seq DESC);
CREATE INDEX audit_records_subject ON audit_records (subject, time DESC) WHERE subject IS NOT NULL;
CREATE INDEX audit_records_client ON audit_records (client_id, time DESC) WHERE client_id IS NOT NULL;
CREATE INDEX audit_records_role ON audit_records (role, time DESC) WHERE role IS NOT NULL;
CREATE INDEX audit_records_secret ON audit_records (secret, time DESC) WHERE secret IS NOT NULL;
-- The CloudTrail join: an access key id names the identity it was issued to.
CREATE INDEX audit_records_access_key ON audit_records (access_key_id) WHERE access_key_id IS NOT NULL;
CREATE INDEX audit_records_session ON audit_records (session_name) WHERE session_name IS NOT NULL;
CREATE INDEX audit_records_request ON audit_records (request_id) WHERE request_id IS NOT NULL;

-- The signed checkpoints of every broker (also chain records above): the heads verify checks the
-- stored records against, kept after retention drops the months they sealed.
CREATE TABLE audit_checkpoints (
  broker_id  text        NOT NULL,
  seq        bigint      NOT NULL,
  time       timestamptz NOT NULL,
  key_id     text        NOT NULL,
  head_seq   bigint      NOT NULL,
  head_hash  text        NOT NULL,
  record     text        NOT NULL,
  hash       text        NOT NULL,
  PRIMARY KEY (broker_id, seq, hash)
);

-- Where each broker's shipper stands: the highest seq it stored, for resuming after a restart or
-- an outage and for measuring its lag.
CREATE TABLE audit_brokers (
  broker_id    text        PRIMARY KEY,
  shipped_seq  bigint      NOT NULL,
  shipped_hash text        NOT NULL,
  shipped_at   timestamptz NOT NULL
);
