package dev.credbroker.server.audit;

/**
 * How records reach the {@link ChainWriter}: {@link TurnBatching} for {@code os_buffered} (the
 * network thread writes its turn's records at the turn's end), {@link GroupCommit} for
 * {@code fsync} (one thread, one flush per batch). Each closes under the same lock that admits
 * records, so a record is either written and answered or refused, never left behind.
 */
sealed interface Admission permits TurnBatching, GroupCommit {
  /** Takes {@code record} towards the chain; its future completes once it is written or refused. */
  void admit(Pending record);

  /** The checkpoint timer: writes a checkpoint if one is due. */
  void tick();

  /** Writes a checkpoint now over whatever is unsealed (a resumed head). */
  void sealNow();

  /** Writes what was admitted, refuses what comes later, seals and closes the chain. */
  void close();
}
