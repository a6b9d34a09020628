package dev.jflared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConnectionReadinessTest {

    @Test
    void countsEachConnectedIndexOnceUntilItDisconnects() {
        ConnectionReadiness readiness = new ConnectionReadiness(UUID.randomUUID());

        readiness.connected(0);
        readiness.connected(1);
        readiness.connected(1);
        readiness.connected(3);
        readiness.disconnected(1);
        readiness.disconnected(2);

        assertThat(readiness.readyConnections()).isEqualTo(2);
    }
}
