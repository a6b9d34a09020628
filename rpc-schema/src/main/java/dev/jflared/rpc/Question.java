package dev.jflared.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.capnproto.AnyPointer;

/**
 * A question we asked (a {@code Bootstrap} or a {@code Call}) whose id is still in use. The id may be reused once the
 * peer's {@code Return} has arrived and our {@code Finish} has been sent (rpc.capnp, {@code Call.questionId}).
 * Event-loop confined.
 */
final class Question {

    final int id;
    /** The capability this bootstrap question resolves, or null for a call. */
    final RemoteCapability bootstrapOf;
    /** Completed with the results content of a call; unused for a bootstrap. */
    final CompletableFuture<AnyPointer.Reader> result;
    /** What was asked, for error messages. */
    final String description;
    ScheduledFuture<?> timeout;
    /** A Finish went out before the Return came (timeout): the late Return only frees the id. */
    boolean finishSent;

    Question(int id, RemoteCapability bootstrapOf, CompletableFuture<AnyPointer.Reader> result, String description) {
        this.id = id;
        this.bootstrapOf = bootstrapOf;
        this.result = result;
        this.description = description;
    }

    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
