package dev.jflared.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CapabilityServerTest {

    private static final RpcMethodHandler NOTHING = call -> CompletableFuture.completedFuture(null);

    @Test
    void handlersAreFoundByInterfaceAndMethod() {
        CapabilityServer server = CapabilityServer.builder().method(0xf71695ec7fe85497L, 2, NOTHING).build();

        assertThat(server.handler(0xf71695ec7fe85497L, 2)).containsSame(NOTHING);
        assertThat(server.handler(0xf71695ec7fe85497L, 1)).isEmpty();
        assertThat(server.handler(0xb48edfbdaa25db04L, 2)).isEmpty();
    }

    @Test
    void registeringAMethodTwiceIsRejected() {
        CapabilityServer.Builder builder = CapabilityServer.builder().method(1L, 0, NOTHING);

        assertThatThrownBy(() -> builder.method(1L, 0, NOTHING))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("method 0x1/0 is already registered");
    }

    @Test
    void methodIdOutsideSixteenBitsIsRejected() {
        assertThatThrownBy(() -> CapabilityServer.builder().method(1L, 65536, NOTHING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
    }
}
