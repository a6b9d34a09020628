package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.proxy.ResponseHead;
import dev.jflared.testing.Golden;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response HEADERS against cloudflared's (golden {@code http2/decoded/h2-streams/stream3, 5, 7, 11}): the
 * origin headers the capture shows, serialized by us, give the captured {@code cf-cloudflared-response-headers}
 * up to the order of the pairs (Go map order), and the captured value deserializes to those headers.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ResponseHeadersGoldenTest {

    private static final String SERIALIZED = "    cf-cloudflared-response-headers: ";
    private static final String DESERIALIZED = "        (deserialized) ";

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7, 11})
    void goldenSerializedHeadersDeserializeToTheOriginHeaders(int stream) {
        GoldenResponse golden = GoldenResponse.of(stream);

        HttpHeaders headers = SerializedHeaders.deserialize(golden.serialized());

        assertThat(entries(headers)).containsExactlyElementsOf(golden.originHeaders());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7, 11})
    void originHeadersSerializeToTheGoldenValueUpToPairOrder(int stream) {
        GoldenResponse golden = GoldenResponse.of(stream);
        HttpHeaders origin = new DefaultHttpHeaders();
        golden.originHeaders().forEach(h -> origin.add(h.getKey(), h.getValue()));

        Http2Headers ours = EdgeResponseHeaders.of(new ResponseHead(golden.status(), origin,
                ResponseHead.Source.ORIGIN));

        assertThat(pairs(ours.get(Http2Wire.RESPONSE_USER_HEADERS).toString()))
                .containsExactlyInAnyOrderElementsOf(pairs(golden.serialized()));
        assertThat(ours.get(Http2Wire.RESPONSE_META)).hasToString("{\"src\":\"origin\"}");
    }

    @Test
    void websocketAcceptIsSentAs200WithGoCanonicalNames() {
        HttpHeaders origin = new DefaultHttpHeaders()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", "qQZ5GRG9zTuoDizZKDVpIun257w=");

        Http2Headers ours = EdgeResponseHeaders.of(new ResponseHead(101, origin, ResponseHead.Source.ORIGIN));

        assertThat(ours.status()).hasToString("200");
        assertThat(pairs(ours.get(Http2Wire.RESPONSE_USER_HEADERS).toString()))
                .containsExactlyInAnyOrderElementsOf(pairs(GoldenResponse.of(7).serialized()));
    }

    @Test
    void contentLengthIsAlsoARealHeaderAndInternalHeadersStayOut() {
        HttpHeaders origin = new DefaultHttpHeaders()
                .add("content-length", "725")
                .add("cf-cloudflared-response-meta", "forged")
                .add("Cf-Int-Secret", "x")
                .add("cf-int-cloudflared-tracing", "trace-1")
                .add("x-app", "a");

        Http2Headers ours = EdgeResponseHeaders.of(new ResponseHead(200, origin, ResponseHead.Source.ORIGIN));

        assertThat(ours.get("content-length")).hasToString("725");
        assertThat(ours.get("cf-int-cloudflared-tracing")).hasToString("trace-1");
        assertThat(ours.get(Http2Wire.RESPONSE_META)).hasToString("{\"src\":\"origin\"}");
        assertThat(entries(SerializedHeaders.deserialize(ours.get(Http2Wire.RESPONSE_USER_HEADERS).toString())))
                .containsExactly(Map.entry("Content-Length", "725"), Map.entry("X-App", "a"));
    }

    @Test
    void connectorAnswersCarryTheCloudflaredSource() {
        HttpHeaders none = new DefaultHttpHeaders();

        Http2Headers ours = EdgeResponseHeaders.of(new ResponseHead(503, none, ResponseHead.Source.CLOUDFLARED));

        assertThat(ours.get(Http2Wire.RESPONSE_META)).hasToString("{\"src\":\"cloudflared\"}");
        assertThat(EdgeResponseHeaders.badGateway().status()).hasToString("502");
        assertThat(EdgeResponseHeaders.badGateway().get(Http2Wire.RESPONSE_META))
                .hasToString("{\"src\":\"cloudflared\"}");
    }

    @Test
    void everyByteOfAValueSurvivesTheRoundTrip() {
        String odd = "a\u00ff;b:c==\u0001";
        HttpHeaders headers = new DefaultHttpHeaders(false).add("X-Odd", odd);

        String serialized = SerializedHeaders.serialize(headers);

        assertThat(serialized).doesNotContain("=");
        assertThat(SerializedHeaders.deserialize(serialized).get("X-Odd")).isEqualTo(odd);
    }

    @Test
    void malformedPairsAreRejectedNamingThePair() {
        assertThatThrownBy(() -> SerializedHeaders.deserialize("YQ:Yg:Yw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("YQ:Yg:Yw");
        assertThatThrownBy(() -> SerializedHeaders.deserialize("YQ:*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("YQ:*");
        assertThat(SerializedHeaders.deserialize("").isEmpty()).isTrue();
    }

    private static List<String> pairs(String serialized) {
        return serialized.isEmpty() ? List.of() : Arrays.asList(serialized.split(";"));
    }

    private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        headers.forEach(h -> out.add(Map.entry(h.getKey(), h.getValue())));
        return out;
    }

    /** A response as h2-streams/streamN.txt shows it. */
    private record GoldenResponse(int status, String serialized, List<Map.Entry<String, String>> originHeaders) {

        static GoldenResponse of(int stream) {
            String text = new String(Golden.bytes("http2/decoded/h2-streams/stream" + stream + ".txt"), UTF_8);
            int status = 0;
            String serialized = null;
            List<Map.Entry<String, String>> origin = new ArrayList<>();
            boolean response = false;
            for (String line : text.split("\n")) {
                if (line.contains("cfd->edge HEADERS")) {
                    response = true;
                } else if (response && line.startsWith("    :status: ") && status == 0) {
                    status = Integer.parseInt(line.substring("    :status: ".length()).trim());
                } else if (response && line.startsWith(SERIALIZED)) {
                    serialized = line.substring(SERIALIZED.length()).trim();
                } else if (response && line.startsWith(DESERIALIZED)) {
                    String header = line.substring(DESERIALIZED.length());
                    int colon = header.indexOf(": ");
                    origin.add(Map.entry(header.substring(0, colon), header.substring(colon + 2)));
                }
            }
            return new GoldenResponse(status, serialized, origin);
        }
    }
}
