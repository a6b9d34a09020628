package dev.jflared.cli;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationRejectedException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An in-memory QUIC {@link EdgeTransport} for command tests: every connect registers at once at location
 * {@code TST}, or is refused when built with a refusal. Each request is queued for the test to inspect.
 */
final class InstantTransport implements EdgeTransport {

    final BlockingQueue<EdgeConnectRequest> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<Duration> shutdowns = new LinkedBlockingQueue<>();
    final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private final RegistrationRejectedException refusal;

    private InstantTransport(RegistrationRejectedException refusal) {
        this.refusal = refusal;
    }

    static InstantTransport registering() {
        return new InstantTransport(null);
    }

    static InstantTransport refusing(RegistrationRejectedException refusal) {
        return new InstantTransport(refusal);
    }

    @Override
    public Protocol protocol() {
        return Protocol.QUIC;
    }

    @Override
    public CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request) {
        CompletableFuture<EdgeConnection> result;
        if (refusal != null) {
            result = CompletableFuture.failedFuture(refusal);
        } else {
            Connection connection = new Connection(request);
            connections.add(connection);
            result = CompletableFuture.completedFuture(connection);
        }
        // Queued last: the supervisor has taken the result by the time a test sees the request.
        requests.add(request);
        return result;
    }

    /** A registered connection; the test may lose it. */
    final class Connection implements EdgeConnection {
        private final EdgeConnectRequest request;
        private final ConnectionDetails details = new ConnectionDetails(UUID.randomUUID(), "TST", false);
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile boolean serving = true;

        Connection(EdgeConnectRequest request) {
            this.request = request;
        }

        @Override
        public int connIndex() {
            return request.connIndex();
        }

        @Override
        public Protocol protocol() {
            return Protocol.QUIC;
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

        @Override
        public CompletionStage<Void> closeFuture() {
            return closed;
        }

        @Override
        public CompletionStage<Void> shutdown(Duration gracePeriod) {
            serving = false;
            shutdowns.add(gracePeriod);
            closed.complete(null);
            return closed;
        }

        /** The transport lost the connection with {@code cause}. */
        void lose(Throwable cause) {
            serving = false;
            closed.completeExceptionally(cause);
        }

        @Override
        public void close() {
            serving = false;
            closed.complete(null);
        }
    }
}
