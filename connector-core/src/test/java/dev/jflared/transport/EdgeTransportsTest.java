package dev.jflared.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeTransportsTest {

    @Test
    void aMissingTransportNamesTheArtifactToAdd() {
        EdgeTransports none = EdgeTransports.load(getClass().getClassLoader());

        assertThatThrownBy(() -> none.require(Protocol.QUIC))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no quic transport on the class path")
                .hasMessageContaining("dev.jflared:transport-quic");
        assertThatThrownBy(() -> none.require(Protocol.HTTP2))
                .hasMessageContaining("dev.jflared:transport-http2");
    }

    @Test
    void protocolFlagValuesAreCloudflareds() {
        assertThat(Protocol.fromFlag("QUIC")).isEqualTo(Protocol.QUIC);
        assertThat(Protocol.fromFlag("http2")).isEqualTo(Protocol.HTTP2);
        assertThatThrownBy(() -> Protocol.fromFlag("h2mux")).hasMessageContaining("unknown protocol \"h2mux\"");
    }
}
