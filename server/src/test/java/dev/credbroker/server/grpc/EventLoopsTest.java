package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

  @Test
  void aThreadThatIsNoNetworkThread_cannotDefer() {
    try (EventLoops loops = EventLoops.start()) {
      assertFalse(loops.deferOnThisThread(() -> { }));
    }
  }

  /** On a network thread the task runs later, on the same thread, after the work in hand. */
  @Test
  void onANetworkThread_theTaskRunsAfterTheCurrentTask_onTheSameThread() throws Exception {
    try (EventLoops loops = EventLoops.start()) {
      CompletableFuture<List<String>> done = new CompletableFuture<>();
      List<String> steps = new ArrayList<>();
      loops.anyWorker().execute(() -> {
        Thread current = Thread.currentThread();
        boolean deferred = loops.deferOnThisThread(() -> {
          steps.add(Thread.currentThread() == current ? "deferred, same thread" : "other thread");
          done.complete(steps);
        });
        steps.add("deferred: " + deferred);
        steps.add("current task ends");
      });
      assertEquals(List.of("deferred: true", "current task ends", "deferred, same thread"),
          done.get(30, TimeUnit.SECONDS));
    }
  }
}
