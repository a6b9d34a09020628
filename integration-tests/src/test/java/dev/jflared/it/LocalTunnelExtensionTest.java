package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.testkit.junit.LocalTunnelExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalTunnelExtensionTest {

    @RegisterExtension
    static final LocalTunnelExtension tunnel = LocalTunnelExtension.forHttpHandler(TestOrigins.jdkText("hi"));

    @Test
    void eyeballUrlReachesTheHandler() throws Exception {
        Eyeball.Response response = Eyeball.get(tunnel.eyeballUri("/"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hi");
    }

    @Test
    void runningEdgeAndTunnelAreInjected(LocalEdge edge, Tunnel running) {
        assertThat(edge.activeConnections()).hasSize(1);
        assertThat(running.connections()).hasSize(1);
        assertThat(tunnel.eyeballUrl()).isEqualTo(edge.eyeballUrl());
    }
}
