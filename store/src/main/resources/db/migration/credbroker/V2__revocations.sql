-- credbroker fleet store, schema version 2: targeted revocations (docs/revocation.md).
--
-- Plain SQL. One row per revocation in force, written by the replica an admin called and read by
-- every replica on each poll (revocation.poll_interval). record: the revocation as core's
-- RevocationJson writes it (the same text as a single node's revocations.jsonl line), so both
-- stores read back the same way.
CREATE TABLE revocations (
  id      text        PRIMARY KEY,
  created timestamptz NOT NULL,
  record  text        NOT NULL
);
