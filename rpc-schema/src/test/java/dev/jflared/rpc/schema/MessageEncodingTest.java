package dev.jflared.rpc.schema;

import static dev.jflared.rpc.schema.GoldenRegistrationTest.ACCOUNT_TAG;
import static dev.jflared.rpc.schema.GoldenRegistrationTest.QUIC_CLIENT_ID;
import static dev.jflared.rpc.schema.GoldenRegistrationTest.TUNNEL_ID;
import static dev.jflared.rpc.schema.GoldenRegistrationTest.testSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.testing.Golden;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Builds the messages of the golden captures with our builders. Where cloudflared's encoder made the
 * golden bytes from the same values in the same order, ours must be identical byte for byte; elsewhere
 * the message must decode back to the values it was built from.
 */
@Timeout(30)
class MessageEncodingTest {

    private static final String SPLIT = "quic/decoded/split/";

    @Test
    void registerConnectionParamsMatchCloudflaredByteForByte() throws Exception {
        ClientInfo client = new ClientInfo(QUIC_CLIENT_ID, List.of("management_logs", "allow_remote_config",
                "serialized_headers", "support_datagram_v2", "support_quic_eof"), "DEV", "linux_amd64");
        ConnectionOptions options =
                new ConnectionOptions(client, InetAddress.getByName("127.0.0.1"), false, 0, 0);
        RegisterConnectionParams params =
                new RegisterConnectionParams(new TunnelAuth(ACCOUNT_TAG, testSecret()), TUNNEL_ID, 0, options);

        byte[] encoded = content(params::write);

        assertThat(encoded).isEqualTo(Golden.bytes(SPLIT + "control.cfd2edge.m01.content.bin"));
        assertThat(RegisterConnectionParams.read(GoldenMessages.read(encoded).getRoot(AnyPointer.factory)))
                .isEqualTo(params);
    }

    @Test
    void connectionDetailsResultsMatchTheEdgeByteForByte() {
        byte[] golden = Golden.bytes(SPLIT + "control.edge2cfd.m01.content.bin");
        UUID connection = ((ConnectionDetails) RegisterConnectionResults.read(
                GoldenMessages.read(golden).getRoot(AnyPointer.factory))).uuid();
        ConnectionDetails details = new ConnectionDetails(connection, "REF", false);

        byte[] encoded = content(out -> RegisterConnectionResults.write(details, out));

        assertThat(encoded).isEqualTo(golden);
    }

    @Test
    void connectionErrorResultsMatchTheEdgeByteForByte() {
        ConnectionError error = new ConnectionError(
                "Unauthorized: refedge rejected registration (mismatched tunnel secret)", Duration.ZERO, false);

        byte[] encoded = content(out -> RegisterConnectionResults.write(error, out));

        assertThat(encoded).isEqualTo(Golden.bytes("quic-rejected/decoded/split/control.edge2cfd.m01.content.bin"));
    }

    @Test
    void retryableConnectionErrorKeepsItsDelay() {
        ConnectionError error = new ConnectionError("try later", Duration.ofSeconds(3), true);

        byte[] encoded = content(out -> RegisterConnectionResults.write(error, out));

        assertThat(RegisterConnectionResults.read(GoldenMessages.read(encoded).getRoot(AnyPointer.factory)))
                .isEqualTo(error);
    }

    @Test
    void updateLocalConfigurationParamsMatchCloudflaredByteForByte() {
        byte[] golden = Golden.bytes(SPLIT + "control.cfd2edge.m04.content.bin");
        UpdateLocalConfigurationParams params =
                UpdateLocalConfigurationParams.read(GoldenMessages.read(golden).getRoot(AnyPointer.factory));

        assertThat(content(params::write)).isEqualTo(golden);
    }

    @Test
    void updateConfigurationParamsMatchTheEdgeByteForByte() {
        UpdateConfigurationParams params = new UpdateConfigurationParams(7, "{\"ingress\":[{\"path\":\"^/teapot\","
                + "\"service\":\"http_status:418\"},{\"service\":\"http://127.0.0.1:8091\"}],"
                + "\"warp-routing\":{\"enabled\":false}}");

        assertThat(content(params::write)).isEqualTo(Golden.bytes(SPLIT + "rpc1.edge2cfd.m01.content.bin"));
    }

    @Test
    void updateConfigurationResultsMatchCloudflaredByteForByte() {
        byte[] encoded = content(out -> UpdateConfigurationResults.write(new UpdateConfigurationResponse(7, ""), out));

        assertThat(encoded).isEqualTo(Golden.bytes(SPLIT + "rpc1.cfd2edge.m01.content.bin"));
    }

    @Test
    void connectResponsesMatchCloudflaredByteForByte() {
        for (String stream : List.of("data1", "data2", "data3")) {
            byte[] golden = Golden.bytes(SPLIT + stream + ".cfd2edge.msg.bin");
            List<Metadata> metadata = ConnectResponse.read(GoldenMessages.read(golden)).metadata();

            byte[] encoded = GoldenMessages.bytes(ConnectResponse.ok(metadata).toMessage());

            assertThat(encoded).as(stream).isEqualTo(golden);
        }
    }

    @Test
    void connectRequestsMatchTheEdgeByteForByte() {
        for (String stream : List.of("data1", "data2", "data3")) {
            byte[] golden = Golden.bytes(SPLIT + stream + ".edge2cfd.msg.bin");
            ConnectRequest decoded = ConnectRequest.read(GoldenMessages.read(golden));
            ConnectRequest rebuilt = new ConnectRequest(decoded.dest(), decoded.type(), decoded.metadata());

            byte[] encoded = GoldenMessages.bytes(rebuilt.toMessage());

            assertThat(encoded).as(stream).isEqualTo(golden);
        }
    }

    @Test
    void failedConnectResponseCarriesItsErrorAndRateLimitFlag() {
        ConnectResponse refused =
                ConnectResponse.failed("rate limited", List.of(new Metadata("FlowConnectRateLimited", "true")));

        ConnectResponse decoded = ConnectResponse.read(GoldenMessages.read(GoldenMessages.bytes(refused.toMessage())));

        assertThat(decoded).isEqualTo(refused);
        assertThat(decoded.isOk()).isFalse();
    }

    @Test
    void tcpConnectRequestWithoutMetadataRoundTrips() {
        ConnectRequest request = new ConnectRequest("127.0.0.1:22", ConnectionType.TCP, List.of());

        ConnectRequest decoded = ConnectRequest.read(GoldenMessages.read(GoldenMessages.bytes(request.toMessage())));

        assertThat(decoded).isEqualTo(request);
        assertThat(decoded.firstValue("HttpMethod")).isEmpty();
    }

    @Test
    void emptyResultsMatchTheEdgeByteForByte() {
        byte[] encoded = content(EmptyStruct::write);

        assertThat(encoded).isEqualTo(Golden.bytes(SPLIT + "control.edge2cfd.m02.content.bin"))
                .isEqualTo(Golden.bytes(SPLIT + "control.cfd2edge.m06.content.bin"));
        assertThat(root(encoded).isNull()).isFalse();
    }

    @Test
    void sessionManagerMessagesRoundTrip() throws Exception {
        RegisterUdpSessionParams register = new RegisterUdpSessionParams(UUID.randomUUID(),
                InetAddress.getByName("10.0.0.7"), 53, Duration.ofSeconds(210), "trace-id");
        UnregisterUdpSessionParams unregister = new UnregisterUdpSessionParams(register.sessionId(), "idle");
        RegisterUdpSessionResponse response = new RegisterUdpSessionResponse("", new byte[] {1, 2, 3});

        assertThat(RegisterUdpSessionParams.read(root(content(register::write)))).isEqualTo(register);
        assertThat(UnregisterUdpSessionParams.read(root(content(unregister::write)))).isEqualTo(unregister);
        assertThat(RegisterUdpSessionResults.read(root(content(out -> RegisterUdpSessionResults.write(response, out)))))
                .isEqualTo(response);
    }

    @Test
    void ipv6OriginAddressRoundTrips() throws Exception {
        ClientInfo client = new ClientInfo(UUID.randomUUID(), List.of(), "2025.5.0", "linux_arm64");
        ConnectionOptions options = new ConnectionOptions(client, InetAddress.getByName("2001:db8::1"), true, 3, 7);
        RegisterConnectionParams params =
                new RegisterConnectionParams(new TunnelAuth(ACCOUNT_TAG, testSecret()), TUNNEL_ID, 3, options);

        assertThat(RegisterConnectionParams.read(root(content(params::write)))).isEqualTo(params);
    }

    private static byte[] content(Consumer<AnyPointer.Builder> writer) {
        MessageBuilder message = new MessageBuilder();
        writer.accept(message.initRoot(AnyPointer.factory));
        return GoldenMessages.bytes(message);
    }

    private static AnyPointer.Reader root(byte[] framed) {
        return GoldenMessages.read(framed).getRoot(AnyPointer.factory);
    }
}
