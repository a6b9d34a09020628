package dev.jflared.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.TunnelRequest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EdgeRequestsTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void streamTypeFollowsCloudflaredsOrder() {
        assertThat(EdgeRequests.typeOf(upgrade("control-stream"))).isEqualTo(EdgeRequests.StreamType.CONTROL_STREAM);
        assertThat(EdgeRequests.typeOf(upgrade("update-configuration")))
                .isEqualTo(EdgeRequests.StreamType.CONFIGURATION);
        assertThat(EdgeRequests.typeOf(upgrade("websocket"))).isEqualTo(EdgeRequests.StreamType.WEBSOCKET);
        assertThat(EdgeRequests.typeOf(upgrade("websocket").add("cf-cloudflared-proxy-src", "1.2.3.4")))
                .isEqualTo(EdgeRequests.StreamType.WEBSOCKET);
        assertThat(EdgeRequests.typeOf(upgrade("control-stream").add("cf-cloudflared-proxy-src", "1.2.3.4")))
                .isEqualTo(EdgeRequests.StreamType.TCP);
        assertThat(EdgeRequests.typeOf(new DefaultHttp2Headers().add("cf-cloudflared-proxy-src", "")))
                .isEqualTo(EdgeRequests.StreamType.HTTP);
        assertThat(EdgeRequests.typeOf(upgrade("Control-Stream"))).isEqualTo(EdgeRequests.StreamType.HTTP);
    }

    @Test
    void goldenGetBecomesAnHttpRequestWithoutBody() {
        Http2Headers h2 = new DefaultHttp2Headers()
                .authority("127.0.0.1:8090").method("GET").path("/headers").scheme("http")
                .add("x-custom-one", "alpha").add("accept", "*/*").add("cf-ray", "0000000000000001-REF")
                .add("x-forwarded-for", "127.0.0.1");

        TunnelRequest request = EdgeRequests.decode(TunnelRequest.Kind.HTTP, h2, true, 3, channel.eventLoop(),
                BodySource.empty());

        assertThat(request.destination()).isEqualTo("http://127.0.0.1:8090/headers");
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.host()).isEqualTo("127.0.0.1:8090");
        assertThat(request.pathAndQuery()).isEqualTo("/headers");
        assertThat(request.requestId()).isEqualTo("0000000000000001-REF");
        assertThat(request.headers().names())
                .containsExactly("X-Custom-One", "Accept", "Cf-Ray", "X-Forwarded-For");
        assertThat(request.headers().contains("Transfer-Encoding")).isFalse();
    }

    @Test
    void aBodyWithoutLengthIsAnnouncedAsChunked() {
        Http2Headers h2 = new DefaultHttp2Headers().authority("app").method("POST").path("/grpc").scheme("https")
                .add("content-type", "application/grpc");

        TunnelRequest request = EdgeRequests.decode(TunnelRequest.Kind.HTTP, h2, false, 5, channel.eventLoop(),
                BodySource.empty());

        assertThat(request.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(request.requestId()).isEqualTo("stream-5");
    }

    @Test
    void aBodyWithLengthKeepsItsLength() {
        Http2Headers h2 = new DefaultHttp2Headers().authority("app").method("POST").path("/echo")
                .add("content-length", "17");

        TunnelRequest request = EdgeRequests.decode(TunnelRequest.Kind.HTTP, h2, false, 5, channel.eventLoop(),
                BodySource.empty());

        assertThat(request.headers().get("Content-Length")).isEqualTo("17");
        assertThat(request.headers().contains("Transfer-Encoding")).isFalse();
    }

    @Test
    void internalHeadersAreDroppedAndCookiesJoined() {
        Http2Headers h2 = upgrade("websocket").authority("app").method("GET").path("/ws")
                .add("cf-cloudflared-request-headers", "YQ:Yg").add("cookie", "a=1").add("cookie", "b=2")
                .add("sec-websocket-key", "k");

        TunnelRequest request = EdgeRequests.decode(TunnelRequest.Kind.WEBSOCKET, h2, false, 7, channel.eventLoop(),
                BodySource.empty());

        assertThat(request.headers().names()).containsExactlyInAnyOrder("Sec-Websocket-Key", "Cookie");
        assertThat(request.headers().get("Cookie")).isEqualTo("a=1; b=2");
    }

    @Test
    void tcpStreamsNameTheirDestinationInTheAuthority() {
        Http2Headers h2 = new DefaultHttp2Headers().authority("10.0.0.5:22").method("CONNECT")
                .add("cf-cloudflared-proxy-src", "198.51.100.7");

        TunnelRequest request = EdgeRequests.decode(TunnelRequest.Kind.TCP, h2, false, 9, channel.eventLoop(),
                BodySource.empty());

        assertThat(request.destination()).isEqualTo("10.0.0.5:22");
        assertThat(request.method()).isEmpty();
        assertThat(request.headers().isEmpty()).isTrue();
    }

    @Test
    void goCanonicalNamesAsTextprotoWritesThem() {
        assertThat(CanonicalHeaderName.of("sec-websocket-accept")).isEqualTo("Sec-Websocket-Accept");
        assertThat(CanonicalHeaderName.of("X-FORWARDED-FOR")).isEqualTo("X-Forwarded-For");
        assertThat(CanonicalHeaderName.of("grpc-status")).isEqualTo("Grpc-Status");
        assertThat(CanonicalHeaderName.of("bad name")).isEqualTo("bad name");
    }

    private static Http2Headers upgrade(String value) {
        return new DefaultHttp2Headers().add("cf-cloudflared-proxy-connection-upgrade", value);
    }
}
