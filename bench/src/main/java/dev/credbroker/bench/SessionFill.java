package dev.credbroker.bench;

import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills the broker's credential cache with distinct (role, caller) sessions, each requested exactly
 * once, a bounded number at a time: the state the heap target is about.
 */
final class SessionFill {
  private static final int IN_FLIGHT = 64;

  private SessionFill() {}

  /**
   * Requests {@code sessions} pairs: every caller in {@code tokens} takes each role in turn until
   * there are enough. Returns how many calls failed.
   */
  static long run(Channel channel, List<String> tokens, List<String> roles, int sessions)
      throws InterruptedException {
    if ((long) tokens.size() * roles.size() < sessions) {
      throw new IllegalArgumentException(tokens.size() + " callers and " + roles.size()
          + " roles make fewer than " + sessions + " pairs");
    }
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong failures = new AtomicLong();
    CredentialBrokerGrpc.CredentialBrokerStub stub = CredentialBrokerGrpc.newStub(channel);
    for (int i = 0; i < sessions; i++) {
      slots.acquire();
      stub.withCallCredentials(dev.credbroker.bench.load.BearerCredentials.of(tokens.get(i % tokens.size())))
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .getAwsCredentials(Scenarios.role(roles.get(i / tokens.size())), new StreamObserver<>() {
            @Override
            public void onNext(AwsCredentials value) {}

            @Override
            public void onError(Throwable t) {
              failures.incrementAndGet();
              slots.release();
            }

            @Override
            public void onCompleted() {
              slots.release();
            }
          });
    }
    if (!slots.tryAcquire(IN_FLIGHT, 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("session fill still running after 120 s");
    }
    return failures.get();
  }
}
