package dev.jflared.quic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class QuicStreamResponderTest {

    @Test
    void headerNamesAreCanonicalisedAsGoDoes() {
        assertThat(QuicStreamResponder.canonicalName("content-length")).isEqualTo("Content-Length");
        assertThat(QuicStreamResponder.canonicalName("Sec-WebSocket-Accept")).isEqualTo("Sec-Websocket-Accept");
        assertThat(QuicStreamResponder.canonicalName("x-request-id")).isEqualTo("X-Request-Id");
        assertThat(QuicStreamResponder.canonicalName("x_custom.header")).isEqualTo("X_custom.header");
        assertThat(QuicStreamResponder.canonicalName("ETAG")).isEqualTo("Etag");
    }

    @Test
    void namesWithCharactersOutsideTheTokenSetStayAsTheyAre() {
        assertThat(QuicStreamResponder.canonicalName("bad name")).isEqualTo("bad name");
        assertThat(QuicStreamResponder.canonicalName("über")).isEqualTo("über");
    }
}
