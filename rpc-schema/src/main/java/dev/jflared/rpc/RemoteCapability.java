package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.capnproto.AnyPointer;

/**
 * The peer's bootstrap capability, as returned by {@link RpcConnection#bootstrap()}.
 *
 * <p>Calls may be made at once: until the peer's answer to {@code Bootstrap} arrives they are pipelined on it
 * ({@code promisedAnswer(bootstrap question)}), afterwards they target the imported capability
 * ({@code importedCap(id)}), exactly as cloudflared does. If the bootstrap fails, every call fails with that
 * exception.
 *
 * <h2>Threads</h2>
 * Safe to use from any thread; the work happens on the connection's event loop. Futures complete on the event loop:
 * do not block in their callbacks.
 */
public final class RemoteCapability {

    private final RpcConnection connection;
    private final CompletableFuture<Void> resolved = new CompletableFuture<>();

    // Event-loop confined state.
    /** The bootstrap question while its answer is awaited, else -1. */
    int questionId = -1;
    /** The import id once the answer came, else -1. */
    int importId = -1;
    /** Why the capability is unusable, or null. */
    RpcException broken;

    RemoteCapability(RpcConnection connection) {
        this.connection = connection;
    }

    /**
     * Calls a method with the connection's default timeout.
     *
     * @param params fills the params struct (e.g. {@code p -> p.initAs(X.factory).setY(..)}); runs on the calling
     *        thread before the call is queued
     * @return the results content, readable with the method's results factory; fails with {@link RpcException}
     */
    public CompletableFuture<AnyPointer.Reader> call(long interfaceId, int methodId,
            Consumer<AnyPointer.Builder> params) {
        return call(interfaceId, methodId, params, connection.options().callTimeout());
    }

    /** As {@link #call(long, int, Consumer)}, failing with {@link RpcTimeoutException} after {@code timeout}. */
    public CompletableFuture<AnyPointer.Reader> call(long interfaceId, int methodId,
            Consumer<AnyPointer.Builder> params, Duration timeout) {
        requireNonNull(params, "params");
        requireNonNull(timeout, "timeout");
        if (methodId < 0 || methodId > 0xFFFF) {
            throw new IllegalArgumentException("methodId must be in 0..65535: " + methodId);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return connection.call(this, interfaceId, methodId, params, timeout);
    }

    /** Completes when the peer's answer to {@code Bootstrap} arrived; fails when the bootstrap failed. */
    public CompletableFuture<Void> whenResolved() {
        return resolved.copy();
    }

    void resolve(int id) {
        questionId = -1;
        importId = id;
        resolved.complete(null);
    }

    void breakWith(RpcException cause) {
        questionId = -1;
        broken = cause;
        resolved.completeExceptionally(cause);
    }

    @Override
    public String toString() {
        return "RemoteCapability(" + (importId >= 0 ? "import " + importId : broken != null ? "broken" : "pending")
                + ")";
    }
}
