package dev.credbroker.server.revocation;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.store.StoreException;
import dev.credbroker.store.StoredRevocations;
import java.io.IOException;
import java.util.List;

/** Revocations of a fleet: the shared store's table, read by every replica on each poll. */
public final class StoreRevocationStore implements RevocationStore {
  private final StoredRevocations stored;

  public StoreRevocationStore(StoredRevocations stored) {
    this.stored = stored;
  }

  @Override
  public List<Revocation> load() throws IOException {
    try {
      return stored.load();
    } catch (StoreException e) {
      throw new IOException(e.getMessage());
    }
  }

  @Override
  public void add(Revocation revocation) throws IOException {
    try {
      if (!stored.add(revocation)) {
        throw new IOException("a revocation with id " + revocation.id() + " exists already");
      }
    } catch (StoreException e) {
      throw new IOException(e.getMessage());
    }
  }

  @Override
  public boolean remove(String id) throws IOException {
    try {
      return stored.remove(id);
    } catch (StoreException e) {
      throw new IOException(e.getMessage());
    }
  }
}
