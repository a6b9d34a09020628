package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LocalEdgeRegistrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LocalEdge edge = LocalEdge.builder().location("TST").build().start();

    @AfterEach
    void tearDown() {
        edge.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void registrationWithTheTunnelsCredentialsIsAcceptedAndRecorded() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            ConnectionResponse response = connector.register(edge.credentials(), 2);

            assertThat(response).isInstanceOfSatisfying(ConnectionDetails.class, details -> {
                assertThat(details.locationName()).isEqualTo("TST");
                assertThat(details.tunnelIsRemotelyManaged()).isFalse();
            });
            Registration registration = edge.takeRegistration(WAIT).orElseThrow();
            assertThat(registration.accepted()).isTrue();
            assertThat(registration.connIndex()).isEqualTo(2);
            assertThat(registration.protocol()).isEqualTo(Protocol.QUIC);
            assertThat(registration.clientId()).isEqualTo(TestConnector.CLIENT_ID);
            assertThat(registration.features()).isEqualTo(TestConnector.FEATURES);
            assertThat(registration.version()).isEqualTo("DEV");
            assertThat(registration.arch()).isEqualTo("linux_amd64");
            assertThat(registration.connectionUuid()).contains(((ConnectionDetails) response).uuid());
            assertThat(edge.awaitConnections(1, WAIT)).singleElement()
                    .satisfies(info -> assertThat(info.connIndex()).isEqualTo(2));
        }
    }

    @Test
    void registerEventHasTheStandInEdgesShape() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            ConnectionDetails details = (ConnectionDetails) connector.register(edge.credentials(), 0);

            JsonNode event = edge.takeEvent("register", WAIT).orElseThrow().fields();
            assertThat(event.get("event").asText()).isEqualTo("register");
            assertThat(event.get("connIndex").asInt()).isZero();
            assertThat(event.get("protocol").asText()).isEqualTo("quic");
            assertThat(event.get("features")).hasSize(5);
            assertThat(event.get("clientId").asText()).isEqualTo(TestConnector.CLIENT_ID.toString());
            assertThat(event.get("version").asText()).isEqualTo("DEV");
            assertThat(event.get("arch").asText()).isEqualTo("linux_amd64");
            assertThat(event.get("numPreviousAttempts").asInt()).isZero();
            assertThat(event.get("originLocalIp").asText()).isEqualTo("127.0.0.1");
            assertThat(event.get("connectionUuid").asText()).isEqualTo(details.uuid().toString());
            assertThat(event.get("location").asText()).isEqualTo("TST");
            assertThat(event.get("result").asText()).isEqualTo("ok");
        }
    }

    @Test
    void wrongSecretIsRejectedWithoutRetryAndNeverShown() throws Exception {
        TunnelCredentials good = edge.credentials();
        byte[] wrongSecret = new byte[32];
        TunnelCredentials wrong = new TunnelCredentials(good.accountTag(), wrongSecret, good.tunnelId(),
                Optional.empty());
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            ConnectionResponse response = connector.register(wrong, 0);

            assertThat(response).isInstanceOfSatisfying(ConnectionError.class, error -> {
                assertThat(error.cause()).startsWith("Unauthorized:").contains("mismatched tunnel secret");
                assertThat(error.shouldRetry()).isFalse();
            });
            Registration registration = edge.takeRegistration(WAIT).orElseThrow();
            assertThat(registration.accepted()).isFalse();
            assertThat(registration.result()).isEqualTo("rejected");
            assertThat(registration.cause()).hasValueSatisfying(c -> assertThat(c).contains("mismatched"));
            EdgeEvent event = edge.takeEvent("register", WAIT).orElseThrow();
            assertThat(event.fields().get("result").asText()).isEqualTo("rejected");
            assertThat(event.fields().get("cause").asText()).contains("mismatched tunnel secret");
            String secret = Base64.getEncoder().encodeToString(good.tunnelSecret());
            assertThat(edge.events()).allSatisfy(e -> assertThat(e.json()).doesNotContain(secret));
            assertThat(edge.activeConnections()).isEmpty();
        }
    }

    @Test
    void registrationErrorRuleAnswersMatchingRegistrations() throws Exception {
        try (LocalEdge refusing = LocalEdge.builder()
                .registrationError(r -> r.connIndex() == 1, "Service unavailable: try later", Duration.ofSeconds(3),
                        true)
                .build()
                .start();
                TestConnector first = TestConnector.connect(group, refusing);
                TestConnector second = TestConnector.connect(group, refusing)) {
            ConnectionResponse refused = first.register(refusing.credentials(), 1);
            ConnectionResponse accepted = second.register(refusing.credentials(), 0);

            assertThat(refused).isEqualTo(new ConnectionError("Service unavailable: try later", Duration.ofSeconds(3),
                    true));
            assertThat(accepted).isInstanceOf(ConnectionDetails.class);
            assertThat(refusing.registrations()).extracting(Registration::result).containsExactly("rejected", "ok");
        }
    }

    @Test
    void unregisterIsRecordedAndStopsRouting() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            connector.register(edge.credentials(), 0);
            edge.awaitConnections(1, WAIT);

            connector.unregister();

            EdgeEvent event = edge.takeEvent("unregister", WAIT).orElseThrow();
            assertThat(event.fields().get("connIndex").asInt()).isZero();
            assertThat(event.fields().get("protocol").asText()).isEqualTo("quic");
            assertThat(edge.unregistrations()).extracting(ConnectionInfo::connIndex).containsExactly(0);
            assertThat(edge.activeConnections()).isEmpty();
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(edge.eyeballUri("/after")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("no connector connection");
        }
    }

    @Test
    void localConfigurationIsRecorded() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            connector.register(edge.credentials(), 0);

            connector.updateLocalConfiguration("{\"ingress\":[{\"service\":\"http_status:404\"}]}");

            EdgeEvent event = edge.takeEvent("local_config", WAIT).orElseThrow();
            assertThat(event.fields().at("/config/ingress/0/service").asText()).isEqualTo("http_status:404");
            assertThat(edge.localConfigurations()).containsExactly(new LocalConfiguration(0, Protocol.QUIC,
                    "{\"ingress\":[{\"service\":\"http_status:404\"}]}"));
        }
    }

    /** Makes sure that the control stream answers a connector's keep-alive pings and counts them. */
    @Test
    void repeatedPingsAreAnsweredCountedAndLeaveTheRegistrationUsable() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            connector.register(edge.credentials(), 0);

            for (int i = 0; i < 5; i++) {
                assertThat(connector.ping()).isGreaterThanOrEqualTo(Duration.ZERO);
            }
            connector.updateLocalConfiguration("{}");

            // The registration's bootstrap and the five pings'; each ping's capability was released again, and the
            // call on the registration's own reference still reaches the edge.
            assertThat(edge.controlStreamBootstraps()).isEqualTo(6);
            assertThat(edge.localConfigurations()).hasSize(1);
        }
    }

    @Test
    void droppedConnectionClosesAtTheConnectorWithoutUnregistration() throws Exception {
        try (TestConnector connector = TestConnector.connect(group, edge)) {
            connector.register(edge.credentials(), 3);
            edge.awaitConnections(1, WAIT);

            edge.dropConnection(3);

            assertThat(connector.quic.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            EdgeEvent event = edge.takeEvent("disconnect", WAIT).orElseThrow();
            assertThat(event.fields().get("connIndex").asInt()).isEqualTo(3);
            assertThat(event.fields().get("reason").asText()).contains("dropped");
            assertThat(edge.activeConnections()).isEmpty();
            assertThat(edge.unregistrations()).isEmpty();
        }
    }

    @Test
    void dropConnectionOfAnUnknownIndexFailsNamingIt() {
        assertThatThrownBy(() -> edge.dropConnection(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connIndex: no registered connection 7");
    }

    @Test
    void addressesBeforeStartFailNamingTheCall() {
        LocalEdge notStarted = LocalEdge.builder().build();

        assertThatThrownBy(notStarted::connectorAddresses)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connectorAddresses(): call start() first");
        notStarted.close();
    }

    @Test
    void listeningEventNamesTheAddressesAndTheCa() throws Exception {
        EdgeEvent listening = edge.takeEvent(WAIT).orElseThrow();

        JsonNode fields = listening.fields();
        assertThat(listening.type()).isEqualTo("listening");
        assertThat(fields.get("edge").get(0).asText())
                .isEqualTo("127.0.0.1:" + edge.connectorAddresses().get(0).getPort());
        assertThat(fields.get("eyeball").asText()).isEqualTo(edge.eyeballUrl().substring("http://".length()));
        assertThat(fields.get("ca").asText()).isEqualTo(edge.caFile().toString());
        assertThat(fields.get("tunnelId").asText()).isEqualTo(edge.credentials().tunnelId().toString());
        assertThat(Files.readString(edge.caFile())).isEqualTo(edge.caCertificatePem());
    }

    @Test
    void credentialsFileHasCloudflaredsFields(@TempDir Path dir) throws Exception {
        Path file = edge.writeCredentialsFile(dir.resolve("creds.json"));

        JsonNode json = EdgeEvent.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(json.get("AccountTag").asText()).isEqualTo(edge.credentials().accountTag());
        assertThat(Base64.getDecoder().decode(json.get("TunnelSecret").asText()))
                .isEqualTo(edge.credentials().tunnelSecret());
        assertThat(json.get("TunnelID").asText()).isEqualTo(edge.credentials().tunnelId().toString());
    }
}
