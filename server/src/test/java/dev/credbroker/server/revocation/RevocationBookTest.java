package dev.credbroker.server.revocation;

import static dev.credbroker.server.revocation.FileRevocationStoreTest.revocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a replica enforces while the list is readable, and when it is not. */
class RevocationBookTest {
  @TempDir Path dir;

  @Test
  void aChangeMadeElsewhere_isSeenOnTheNextRefresh_andListenersHearOfItOnce() throws IOException {
    MutableClock clock = MutableClock.startingNow();
    Path file = dir.resolve("revocations.jsonl");
    RevocationBook book = new RevocationBook(new FileRevocationStore(file), clock,
        Optional.of(Duration.ofSeconds(30)));
    List<Revocations> heard = new ArrayList<>();
    book.onChange(heard::add);

    new FileRevocationStore(file).add(revocation("r1", "alice")); // another replica's write
    assertTrue(book.refresh());
    assertFalse(book.refresh(), "unchanged");
    assertEquals(1, heard.size());
    assertEquals("r1", known(book).all().get(0).id());

    assertTrue(book.remove("r1"));
    assertTrue(known(book).isEmpty());
    assertEquals(2, heard.size());
  }

  @Test
  void anUnreadableList_keepsTheLastOne_thenFailsClosedAfterTheBound() throws IOException {
    MutableClock clock = MutableClock.startingNow();
    Path file = dir.resolve("revocations.jsonl");
    RevocationBook book = new RevocationBook(new FileRevocationStore(file), clock,
        Optional.of(Duration.ofSeconds(30)));
    book.add(revocation("r1", "alice"));
    Files.writeString(file, "garbage\n");

    assertFalse(book.refresh());
    clock.advance(Duration.ofSeconds(30));
    assertEquals("r1", known(book).all().get(0).id(), "within the bound: the last list holds");
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(RevocationBook.Standing.Unknown.class, book.standing());

    Files.delete(file);
    book.refresh();
    assertTrue(known(book).isEmpty(), "readable again (an absent file is an empty list)");
  }

  @Test
  void withoutABound_anUnreadableListNeverFailsClosed() throws IOException {
    MutableClock clock = MutableClock.startingNow();
    Path file = dir.resolve("revocations.jsonl");
    Files.writeString(file, "garbage\n");
    RevocationBook book = new RevocationBook(new FileRevocationStore(file), clock, Optional.empty());
    book.refresh();
    clock.advance(Duration.ofDays(1));
    assertInstanceOf(RevocationBook.Standing.Known.class, book.standing());
  }

  private static Revocations known(RevocationBook book) {
    return ((RevocationBook.Standing.Known) book.standing()).revocations();
  }
}
