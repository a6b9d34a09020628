package dev.jflared.rpc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decodes the params and results of every registration and configuration call that cloudflared 2025.5.0
 * and the reference edge exchanged (golden/README.md), from the {@code decoded/split/*.content.bin} files.
 */
@Timeout(30)
class GoldenRegistrationTest {

    static final String ACCOUNT_TAG = "0123456789abcdef0123456789abcdef";
    static final UUID TUNNEL_ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    static final UUID QUIC_CLIENT_ID = UUID.fromString("d806ca58-c81b-42ec-9d21-ed63cd415b6d");
    static final String[] FEATURES = {
        "allow_remote_config", "serialized_headers", "support_datagram_v2", "support_quic_eof", "management_logs"
    };

    static byte[] testSecret() {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) i;
        }
        return secret;
    }

    @ParameterizedTest
    @ValueSource(strings = {"quic", "http2"})
    void registerConnectionParamsCarryTheCredentialsAndClientInfo(String capture) throws Exception {
        RegisterConnectionParams params = RegisterConnectionParams.read(
                GoldenMessages.content(capture + "/decoded/split/control.cfd2edge.m01.content.bin"));

        assertThat(params.auth().accountTag()).isEqualTo(ACCOUNT_TAG);
        assertThat(params.auth().tunnelSecret()).isEqualTo(testSecret());
        assertThat(params.tunnelId()).isEqualTo(TUNNEL_ID);
        assertThat(params.connIndex()).isZero();
        ConnectionOptions options = params.options();
        assertThat(options.client().features()).containsExactlyInAnyOrder(FEATURES);
        assertThat(options.client().version()).isEqualTo("DEV");
        assertThat(options.client().arch()).isEqualTo("linux_amd64");
        assertThat(options.originLocalIp()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(options.replaceExisting()).isFalse();
        assertThat(options.compressionQuality()).isZero();
        assertThat(options.numPreviousAttempts()).isZero();
    }

    @Test
    void clientIdIsTheConnectorUuidThatCloudflaredAlsoSendsAsCfWarpTagId() {
        RegisterConnectionParams params = RegisterConnectionParams.read(
                GoldenMessages.content("quic/decoded/split/control.cfd2edge.m01.content.bin"));

        assertThat(params.options().client().clientId()).isEqualTo(QUIC_CLIENT_ID);
    }

    @Test
    void rawReadersSeeTheSixteenByteWireForms() {
        RegisterConnectionParams.Reader reader = GoldenMessages
                .content("quic/decoded/split/control.cfd2edge.m01.content.bin")
                .getAs(RegisterConnectionParams.FACTORY);

        assertThat(reader.tunnelId()).hasSize(16).startsWith(0x11, 0x11, 0x11, 0x11, 0x22, 0x22);
        assertThat(reader.options().originLocalIp())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1);
        assertThat(reader.auth().toString()).contains("<redacted 32 bytes>").doesNotContain("31");
    }

    @Test
    void rejectedRegistrationSentTheWrongCredentialsZeroSecret() {
        RegisterConnectionParams params = RegisterConnectionParams.read(
                GoldenMessages.content("quic-rejected/decoded/split/control.cfd2edge.m01.content.bin"));

        assertThat(params.auth().accountTag()).isEqualTo(ACCOUNT_TAG);
        assertThat(params.auth().tunnelSecret()).isNotEmpty().containsOnly(0);
        assertThat(params.tunnelId()).isEqualTo(TUNNEL_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"quic", "http2"})
    void acceptedRegistrationReturnsConnectionDetails(String capture) {
        ConnectionResponse response = RegisterConnectionResults.read(
                GoldenMessages.content(capture + "/decoded/split/control.edge2cfd.m01.content.bin"));

        assertThat(response).isInstanceOfSatisfying(ConnectionDetails.class, details -> {
            assertThat(details.locationName()).isEqualTo("REF");
            assertThat(details.tunnelIsRemotelyManaged()).isFalse();
            assertThat(details.uuid()).isNotNull();
        });
    }

    @Test
    void rejectedRegistrationReturnsAConnectionErrorThatMustNotBeRetried() {
        ConnectionResponse response = RegisterConnectionResults.read(
                GoldenMessages.content("quic-rejected/decoded/split/control.edge2cfd.m01.content.bin"));

        assertThat(response).isEqualTo(new ConnectionError(
                "Unauthorized: refedge rejected registration (mismatched tunnel secret)", Duration.ZERO, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"quic", "http2"})
    void updateLocalConfigurationCarriesTheLocalConfigJson(String capture) {
        UpdateLocalConfigurationParams params = UpdateLocalConfigurationParams.read(
                GoldenMessages.content(capture + "/decoded/split/control.cfd2edge.m04.content.bin"));

        assertThat(params.config()).isEqualTo("{\"__configuration_flags\":{\"metrics\":\"127.0.0.1:20249\","
                + "\"no-autoupdate\":\"true\",\"protocol\":\"" + capture + "\"},"
                + "\"ingress\":[{\"service\":\"http://127.0.0.1:8091\",\"originRequest\":{}}],\"warp-routing\":{}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "quic/decoded/split/control.cfd2edge.m06.content.bin",
        "quic/decoded/split/control.edge2cfd.m02.content.bin",
        "quic/decoded/split/control.edge2cfd.m03.content.bin",
        "http2/decoded/split/control.cfd2edge.m06.content.bin",
        "http2/decoded/split/control.edge2cfd.m02.content.bin",
        "http2/decoded/split/control.edge2cfd.m03.content.bin"
    })
    void emptyParamsAndResultsAreEmptyStructs(String file) {
        EmptyStruct.Reader empty = GoldenMessages.content(file).getAs(EmptyStruct.FACTORY);

        assertThat(empty).isNotNull();
    }

    @Test
    void updateConfigurationCarriesVersionSevenAndTheRemoteConfigJson() {
        UpdateConfigurationParams params = UpdateConfigurationParams.read(
                GoldenMessages.content("quic/decoded/split/rpc1.edge2cfd.m01.content.bin"));

        assertThat(params.version()).isEqualTo(7);
        assertThat(params.config()).isEqualTo("{\"ingress\":[{\"path\":\"^/teapot\",\"service\":\"http_status:418\"},"
                + "{\"service\":\"http://127.0.0.1:8091\"}],\"warp-routing\":{\"enabled\":false}}");
    }

    @Test
    void updateConfigurationResultsReportVersionSevenWithoutError() {
        UpdateConfigurationResponse response = UpdateConfigurationResults.read(
                GoldenMessages.content("quic/decoded/split/rpc1.cfd2edge.m01.content.bin"));

        assertThat(response).isEqualTo(new UpdateConfigurationResponse(7, ""));
    }

    @Test
    void configJsonIsUtf8() {
        UpdateConfigurationParams.Reader reader = GoldenMessages
                .content("quic/decoded/split/rpc1.edge2cfd.m01.content.bin")
                .getAs(UpdateConfigurationParams.FACTORY);

        assertThat(new String(reader.config(), StandardCharsets.UTF_8)).startsWith("{\"ingress\"");
    }
}
