package dev.jflared.rpc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.schema.GoldenMessages.DataStream;
import dev.jflared.testing.Golden;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decodes the ConnectRequest and ConnectResponse at the start of the QUIC data streams in
 * {@code golden/quic/raw/quic-conn1/} and checks the body bytes that follow (golden/README.md).
 */
@Timeout(30)
class GoldenDataStreamTest {

    private static final String RAW = "quic/raw/quic-conn1/";
    private static final byte[] PREAMBLE = {0x0A, 0x36, (byte) 0xCD, 0x12, (byte) 0xA1, 0x3E, '0', '1'};

    @ParameterizedTest
    @ValueSource(strings = {"data1", "data2", "data3"})
    void bothDirectionsStartWithTheDataStreamPreambleVersion01(String stream) {
        assertThat(GoldenMessages.dataStream(RAW + stream + ".edge2cfd.bin").preamble()).isEqualTo(PREAMBLE);
        assertThat(GoldenMessages.dataStream(RAW + stream + ".cfd2edge.bin").preamble()).isEqualTo(PREAMBLE);
    }

    @Test
    void getRequestCarriesMethodHostAndHeadersAndNoBody() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data1.edge2cfd.bin");

        ConnectRequest request = ConnectRequest.read(stream.reader());

        assertThat(request.dest()).isEqualTo("http://127.0.0.1:8090/headers");
        assertThat(request.type()).isEqualTo(ConnectionType.HTTP);
        assertThat(request.metadata()).containsExactly(
                new Metadata("HttpMethod", "GET"),
                new Metadata("HttpHost", "127.0.0.1:8090"),
                new Metadata("HttpHeader:Accept", "*/*"),
                new Metadata("HttpHeader:Cf-Connecting-Ip", "127.0.0.1"),
                new Metadata("HttpHeader:Cf-Ray", "0000000000000001-REF"),
                new Metadata("HttpHeader:Cf-Visitor", "{\"scheme\":\"http\"}"),
                new Metadata("HttpHeader:User-Agent", "golden/1.0"),
                new Metadata("HttpHeader:X-Custom-One", "alpha"),
                new Metadata("HttpHeader:X-Custom-Two", "beta"),
                new Metadata("HttpHeader:X-Forwarded-For", "127.0.0.1"),
                new Metadata("HttpHeader:X-Forwarded-Proto", "http"));
        assertThat(stream.body()).isEmpty();
    }

    @Test
    void getResponseIsStatus200WithA725ByteJsonBody() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data1.cfd2edge.bin");

        ConnectResponse response = ConnectResponse.read(stream.reader());

        assertThat(response.isOk()).isTrue();
        assertThat(response.metadata()).contains(
                new Metadata("HttpStatus", "200"),
                new Metadata("HttpHeader:Content-Length", "725"),
                new Metadata("HttpHeader:Content-Type", "application/json"));
        assertThat(response.metadata()).extracting(Metadata::key).contains("HttpHeader:Date").hasSize(4);
        assertThat(stream.body()).hasSize(725);
        assertThat(new String(stream.body(), StandardCharsets.UTF_8))
                .startsWith("{").contains("\"uri\": \"/headers\"");
    }

    @Test
    void postRequestAnnouncesItsSeventeenBodyBytes() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data2.edge2cfd.bin");

        ConnectRequest request = ConnectRequest.read(stream.reader());

        assertThat(request.dest()).isEqualTo("http://127.0.0.1:8090/echo");
        assertThat(request.type()).isEqualTo(ConnectionType.HTTP);
        assertThat(request.firstValue("HttpMethod")).hasValue("POST");
        assertThat(request.firstValue("HttpHost")).hasValue("127.0.0.1:8090");
        assertThat(request.firstValue("HttpHeader:Content-Length")).hasValue("17");
        assertThat(request.firstValue("HttpHeader:Content-Type")).hasValue("text/plain");
        assertThat(request.firstValue("HttpHeader:Accept")).hasValue("*/*");
        assertThat(request.metadata()).hasSize(11);
        assertThat(new String(stream.body(), StandardCharsets.US_ASCII)).isEqualTo("hello golden echo");
    }

    @Test
    void postResponseEchoesTheBody() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data2.cfd2edge.bin");

        ConnectResponse response = ConnectResponse.read(stream.reader());

        assertThat(response.error()).isEmpty();
        assertThat(response.metadata()).contains(
                new Metadata("HttpStatus", "200"),
                new Metadata("HttpHeader:Content-Length", "17"),
                new Metadata("HttpHeader:Content-Type", "text/plain"));
        assertThat(new String(stream.body(), StandardCharsets.US_ASCII)).isEqualTo("hello golden echo");
    }

    @Test
    void websocketRequestHasTypeWebsocketAndNoUpgradeHeaders() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data3.edge2cfd.bin");

        ConnectRequest request = ConnectRequest.read(stream.reader());

        assertThat(request.dest()).isEqualTo("http://127.0.0.1:8090/ws");
        assertThat(request.type()).isEqualTo(ConnectionType.WEBSOCKET);
        assertThat(request.firstValue("HttpMethod")).hasValue("GET");
        assertThat(request.firstValue("HttpHeader:Sec-Websocket-Version")).hasValue("13");
        assertThat(request.firstValue("HttpHeader:Sec-Websocket-Key")).isPresent();
        assertThat(request.metadata()).extracting(Metadata::key)
                .doesNotContain("HttpHeader:Upgrade", "HttpHeader:Connection");
        assertThat(stream.body()).hasSize(26);
    }

    @Test
    void rootReaderReadsSingleFieldsWithoutCopyingTheRest() {
        ConnectRequest.Reader request = ConnectRequest.root(
                GoldenMessages.dataStream(RAW + "data3.edge2cfd.bin").reader());

        assertThat(request.type()).isEqualTo(ConnectionType.WEBSOCKET);
        assertThat(request.metadata().get(0).key()).isEqualTo("HttpMethod");
        assertThat(request.metadata().get(0).val()).isEqualTo("GET");
    }

    @Test
    void websocketResponseSwitchesProtocols() {
        DataStream stream = GoldenMessages.dataStream(RAW + "data3.cfd2edge.bin");

        ConnectResponse response = ConnectResponse.read(stream.reader());

        assertThat(response.metadata()).containsExactly(
                new Metadata("HttpStatus", "101"),
                new Metadata("HttpHeader:Upgrade", "websocket"),
                new Metadata("HttpHeader:Connection", "Upgrade"),
                new Metadata("HttpHeader:Sec-Websocket-Accept", "qUAfydXPw3963ZzsuF3AW/u86Nw="));
        assertThat(stream.body()).hasSize(11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data1.cfd2edge", "data2.cfd2edge", "data3.cfd2edge"})
    void splitFilesAgreeWithTheRawStream(String name) {
        DataStream stream = GoldenMessages.dataStream(RAW + name + ".bin");

        assertThat(stream.message()).isEqualTo(Golden.bytes("quic/decoded/split/" + name + ".msg.bin"));
        assertThat(stream.body()).isEqualTo(Golden.bytes("quic/decoded/split/" + name + ".body.bin"));
    }
}
