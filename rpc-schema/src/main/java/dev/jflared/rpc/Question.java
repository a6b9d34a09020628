package dev.jflared.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.capnproto.AnyPointer;

/**
 * A question we asked (a {@code Bootstrap}, a {@code Call}, or the {@code Bootstrap} of a ping) whose id is still in
 * use. The id may be reused once the peer's {@code Return} has arrived and our {@code Finish} has been sent
 * (rpc.capnp, {@code Call.questionId}). Event-loop confined.
 */
final class Question {

    final int id;
    /** The capability this bootstrap question resolves, or null for a call or a ping. */
    final RemoteCapability bootstrapOf;
    /** Completed with the results content of a call; null otherwise. */
    final CompletableFuture<AnyPointer.Reader> result;
    /** Completed with the round trip of a ping ({@link RpcConnection#ping}); null otherwise. */
    final CompletableFuture<Duration> pong;
    /** {@link System#nanoTime()} when a ping was asked. */
    final long askedAt;
    /** What was asked, for error messages. */
    final String description;
    ScheduledFuture<?> timeout;
    /** A Finish went out before the Return came (timeout): the late Return only frees the id (and a ping's cap). */
    boolean finishSent;

    Question(int id, RemoteCapability bootstrapOf, CompletableFuture<AnyPointer.Reader> result, String description) {
        this(id, bootstrapOf, result, null, description);
    }

    private Question(int id, RemoteCapability bootstrapOf, CompletableFuture<AnyPointer.Reader> result,
            CompletableFuture<Duration> pong, String description) {
        this.id = id;
        this.bootstrapOf = bootstrapOf;
        this.result = result;
        this.pong = pong;
        this.description = description;
        this.askedAt = pong != null ? System.nanoTime() : 0;
    }

    static Question ping(int id, CompletableFuture<Duration> pong) {
        return new Question(id, null, null, pong, "ping");
    }

    /** Fails whoever waits for the answer. */
    void fail(RpcException cause) {
        if (bootstrapOf != null) {
            bootstrapOf.breakWith(cause);
        } else if (pong != null) {
            pong.completeExceptionally(cause);
        } else {
            result.completeExceptionally(cause);
        }
    }

    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
