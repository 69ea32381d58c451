package dev.credbroker.server.revocation;

import dev.credbroker.core.revocation.Revocation;
import java.io.IOException;
import java.util.List;

/**
 * Where revocations live: a file beside the configuration on a single node, the fleet store when
 * replicas share one. Every replica reads the whole list on each poll, so a revocation written
 * through any replica reaches all of them.
 */
public interface RevocationStore {

  /** The whole list; a failure to read any of it is an IOException, never a shorter list. */
  List<Revocation> load() throws IOException;

  /** Adds a revocation (its id is new). */
  void add(Revocation revocation) throws IOException;

  /** Withdraws one; false when no revocation has that id. */
  boolean remove(String id) throws IOException;
}
