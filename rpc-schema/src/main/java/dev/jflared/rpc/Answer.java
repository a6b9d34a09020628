package dev.jflared.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * A question the peer asked us, kept until its {@code Finish} arrives (rpc.capnp: the id stays valid for pipelining
 * until then). Event-loop confined.
 */
final class Answer {

    final int id;
    /** The export our bootstrap answer carries, or -1 when the answer holds no capability. */
    int exportId = -1;
    /** Our Return has been sent (results, exception or canceled); nothing more may be sent for this id. */
    boolean returned;
    /** The handler's work, cancelled if the peer finishes the call before it completes. */
    CompletableFuture<?> pending;

    Answer(int id) {
        this.id = id;
    }
}
