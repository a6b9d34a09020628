package dev.jflared.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.Protocol;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link EdgeTransport}: every {@link #connect} becomes an {@link Attempt} the test takes and then
 * registers or fails; a registered {@link FakeConnection} is lost, drained or closed when the test says so.
 */
final class FakeTransport implements EdgeTransport {

    private final Protocol protocol;
    private final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

    FakeTransport(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request) {
        Attempt attempt = new Attempt(request, protocol, new CompletableFuture<>());
        attempts.add(attempt);
        return attempt.future();
    }

    /** The next connect attempt, waiting up to 5 s for it. */
    Attempt nextAttempt() throws InterruptedException {
        Attempt attempt = attempts.poll(5, TimeUnit.SECONDS);
        assertThat(attempt).as("a connect attempt over " + protocol).isNotNull();
        return attempt;
    }

    /** Checks that no attempt comes within a short wait. */
    void assertNoAttempt() throws InterruptedException {
        assertThat(attempts.poll(100, TimeUnit.MILLISECONDS)).as("no further attempt over " + protocol).isNull();
    }

    /** One call of {@link #connect}. */
    record Attempt(EdgeConnectRequest request, Protocol protocol, CompletableFuture<EdgeConnection> future) {

        int connIndex() {
            return request.connIndex();
        }

        int previousAttempts() {
            return request.registration().numPreviousAttempts();
        }

        EdgeAddress address() {
            return request.address();
        }

        FakeConnection register(String location) {
            FakeConnection connection = new FakeConnection(request, protocol, location);
            future.complete(connection);
            return connection;
        }

        void fail(Throwable cause) {
            future.completeExceptionally(cause);
        }
    }

    /** A registered connection the test controls. */
    static final class FakeConnection implements EdgeConnection {

        final CompletableFuture<Duration> shutdownRequested = new CompletableFuture<>();
        final CompletableFuture<Void> closeCalled = new CompletableFuture<>();
        private final EdgeConnectRequest request;
        private final Protocol protocol;
        private final ConnectionDetails details;
        private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
        private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();
        private volatile boolean serving = true;

        FakeConnection(EdgeConnectRequest request, Protocol protocol, String location) {
            this.request = request;
            this.protocol = protocol;
            this.details = new ConnectionDetails(UUID.randomUUID(), location, false);
        }

        @Override
        public int connIndex() {
            return request.connIndex();
        }

        @Override
        public Protocol protocol() {
            return protocol;
        }

        @Override
        public EdgeAddress address() {
            return request.address();
        }

        @Override
        public ConnectionDetails details() {
            return details;
        }

        @Override
        public int activeStreams() {
            return 0;
        }

        @Override
        public boolean isServing() {
            return serving;
        }

        void serving(boolean value) {
            serving = value;
        }

        @Override
        public CompletionStage<Void> closeFuture() {
            return closeFuture;
        }

        @Override
        public CompletionStage<Void> shutdown(Duration gracePeriod) {
            serving = false;
            shutdownRequested.complete(gracePeriod);
            return shutdownDone;
        }

        /** Ends a requested shutdown: unregistered and drained. */
        void finishShutdown() {
            shutdownDone.complete(null);
            closeFuture.complete(null);
        }

        /** The transport lost the connection. */
        void lose(Throwable cause) {
            serving = false;
            closeFuture.completeExceptionally(cause);
        }

        @Override
        public void close() {
            serving = false;
            closeCalled.complete(null);
            closeFuture.complete(null);
            shutdownDone.complete(null);
        }
    }
}
