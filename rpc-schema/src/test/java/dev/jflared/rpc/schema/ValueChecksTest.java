package dev.jflared.rpc.schema;

import static dev.jflared.rpc.schema.GoldenRegistrationTest.ACCOUNT_TAG;
import static dev.jflared.rpc.schema.GoldenRegistrationTest.TUNNEL_ID;
import static dev.jflared.rpc.schema.GoldenRegistrationTest.testSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.capnproto.AnyPointer;
import org.capnproto.DecodeException;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checks values make on input, and the secrets they keep out of {@code toString()}. */
@Timeout(30)
class ValueChecksTest {

    @Test
    void tunnelSecretNeverAppearsInToString() throws Exception {
        TunnelAuth auth = new TunnelAuth(ACCOUNT_TAG, testSecret());
        ConnectionOptions options = new ConnectionOptions(
                new ClientInfo(UUID.randomUUID(), List.of(), "DEV", "linux_amd64"),
                InetAddress.getByName("127.0.0.1"), false, 0, 0);
        String hex = HexFormat.of().formatHex(testSecret());

        String text = new RegisterConnectionParams(auth, TUNNEL_ID, 0, options).toString();

        assertThat(auth.toString()).isEqualTo("TunnelAuth[accountTag=" + ACCOUNT_TAG
                + ", tunnelSecret=<redacted 32 bytes>]");
        assertThat(text).contains("<redacted 32 bytes>").doesNotContain(hex).doesNotContain("[0, 1, 2");
    }

    @Test
    void tunnelAuthCopiesItsSecretAndComparesByContent() {
        byte[] secret = testSecret();
        TunnelAuth auth = new TunnelAuth(ACCOUNT_TAG, secret);

        secret[0] = 42;
        auth.tunnelSecret()[1] = 42;

        assertThat(auth.tunnelSecret()).isEqualTo(testSecret());
        assertThat(auth).isEqualTo(new TunnelAuth(ACCOUNT_TAG, testSecret())).hasSameHashCodeAs(
                new TunnelAuth(ACCOUNT_TAG, testSecret()));
        assertThat(auth).isNotEqualTo(new TunnelAuth(ACCOUNT_TAG, new byte[32]));
    }

    @Test
    void unknownConnectionTypeFailsToDecode() {
        assertThat(ConnectionType.fromWire((short) 2)).isEqualTo(ConnectionType.TCP);
        assertThatThrownBy(() -> ConnectionType.fromWire((short) 3))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("ConnectRequest.type 3 is not in the schema");
    }

    @Test
    void connectionDetailsWithAShortUuidFailToDecode() {
        MessageBuilder message = new MessageBuilder();
        ConnectionResponse.Builder response = message.initRoot(AnyPointer.factory)
                .initAs(RegisterConnectionResults.FACTORY).initResult();
        response.initConnectionDetails().setUuid(new byte[] {1, 2, 3}).setLocationName("REF");

        assertThatThrownBy(() -> ConnectionResponse.read(response.asReader()))
                .isInstanceOf(DecodeException.class)
                .hasMessage("ConnectionDetails.uuid must be 16 raw UUID bytes, got 3 bytes");
    }

    @Test
    void outOfRangeNumbersAreRejectedWithTheirName() {
        ConnectionOptions options = new ConnectionOptions(
                new ClientInfo(UUID.randomUUID(), List.of(), "DEV", "linux_amd64"),
                InetAddress.getLoopbackAddress(), false, 0, 0);
        TunnelAuth auth = new TunnelAuth(ACCOUNT_TAG, testSecret());

        assertThatThrownBy(() -> new RegisterConnectionParams(auth, TUNNEL_ID, 256, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("connIndex must be in 0..255, got 256");
        assertThatThrownBy(() -> new ConnectionError("x", Duration.ofSeconds(-1), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfter");
        assertThatThrownBy(() -> ConnectResponse.failed("", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTextIsWrittenAsANullPointer() {
        MessageBuilder message = new MessageBuilder();
        ConnectResponse.Builder builder = ConnectResponse.initRoot(message).setError("");

        assertThat(builder.asReader().has(0)).isFalse();
        assertThat(builder.asReader().error()).isEmpty();
        assertThat(builder.asReader().metadata().size()).isZero();
    }
}
