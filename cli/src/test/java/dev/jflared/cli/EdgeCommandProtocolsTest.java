package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.transport.Protocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jflared edge --protocols}: which protocols the loopback edge serves. */
@Timeout(60)
class EdgeCommandProtocolsTest {

    @TempDir
    Path dir;

    @Test
    void protocolsParseQuicAndHttp2() {
        assertThat(EdgeCommand.parseProtocols(List.of("quic", "http2")))
                .containsExactly(Protocol.QUIC, Protocol.HTTP2);
        assertThat(EdgeCommand.parseProtocols(List.of("http2"))).containsExactly(Protocol.HTTP2);
    }

    @Test
    void unknownProtocolFailsNamingTheFlag(@TempDir Path home) {
        CliRun run = CliRun.run(home, Map.of(), "edge", "--tls-dir", dir.toString(), "--protocols", "quic,spdy");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--protocols: expected quic or http2, got \"spdy\"");
    }
}
