package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.metrics.MetricRegistry;
import dev.jflared.metrics.MetricsServer;
import dev.jflared.metrics.ReadinessSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jflared tunnel --metrics ADDR ready} against a real metrics server on loopback. */
@Timeout(30)
class ReadyCommandTest {

    private static final UUID CONNECTOR = UUID.fromString("d806ca58-c81b-42ec-9d21-ed63cd415b6d");

    @TempDir
    Path home;

    private final AtomicInteger ready = new AtomicInteger();
    private final MetricsServer server = MetricsServer.builder(new MetricRegistry())
            .address("127.0.0.1:0")
            .readiness(new ReadinessSource() {
                @Override
                public UUID connectorId() {
                    return CONNECTOR;
                }

                @Override
                public int readyConnections() {
                    return ready.get();
                }
            })
            .build();

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String address() {
        InetSocketAddress bound = server.localAddress();
        return "127.0.0.1:" + bound.getPort();
    }

    @Test
    void readyConnectorExitsZero() {
        server.start();
        ready.set(2);

        CliRun run = CliRun.run(home, Map.of(), "tunnel", "--metrics", address(), "ready");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void connectorWithoutConnectionsExitsOneWithTheEndpointsAnswer() {
        server.start();

        CliRun run = CliRun.run(home, Map.of(), "tunnel", "--metrics", address(), "ready");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("http://" + address() + "/ready endpoint returned status code 503\n"
                + "{\"status\":503,\"readyConnections\":0,\"connectorId\":\"" + CONNECTOR + "\"}\n");
    }

    @Test
    void nothingListeningExitsOne() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        CliRun run = CliRun.run(home, Map.of(), "tunnel", "--metrics", "127.0.0.1:" + port, "ready");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("no connector answered at http://127.0.0.1:" + port + "/ready");
    }
}
