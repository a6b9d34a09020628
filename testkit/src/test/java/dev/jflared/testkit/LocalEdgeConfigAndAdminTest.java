package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LocalEdgeConfigAndAdminTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CONFIG = "{\"ingress\":[{\"service\":\"http_status:418\"}]}";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HttpClient eyeball = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final LocalEdge edge = LocalEdge.builder().remotelyManaged(true).build().start();
    private TestConnector connector;

    @BeforeEach
    void connect() throws Exception {
        connector = TestConnector.connect(group, edge);
        connector.register(edge.credentials(), 0);
        edge.awaitConnections(1, WAIT);
    }

    @AfterEach
    void tearDown() throws Exception {
        connector.close();
        edge.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void pushConfigReachesTheConnectorsConfigurationManager() throws Exception {
        List<ConfigPushResult> results = edge.pushConfig(7, CONFIG).get(10, TimeUnit.SECONDS);

        assertThat(results).containsExactly(new ConfigPushResult(0, Protocol.QUIC, 7, ""));
        UpdateConfigurationParams received = connector.configurations.poll(10, TimeUnit.SECONDS);
        assertThat(received).isEqualTo(new UpdateConfigurationParams(7, CONFIG));
        JsonNode event = edge.takeEvent("config_update", WAIT).orElseThrow().fields();
        assertThat(event.get("connIndex").asInt()).isZero();
        assertThat(event.get("version").asInt()).isEqualTo(7);
        assertThat(event.get("lastAppliedVersion").asInt()).isEqualTo(7);
        assertThat(event.get("err").asText()).isEmpty();
    }

    @Test
    void adminConfigEndpointPushesAndAnswersPerConnection() throws Exception {
        HttpResponse<String> response = eyeball.send(HttpRequest.newBuilder(edge.eyeballUri("/_edge/config?version=9"))
                .POST(HttpRequest.BodyPublishers.ofString(CONFIG)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answers = EdgeEvent.mapper().readTree(response.body());
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).get("connIndex").asInt()).isZero();
        assertThat(answers.get(0).get("protocol").asText()).isEqualTo("quic");
        assertThat(answers.get(0).get("lastAppliedVersion").asInt()).isEqualTo(9);
        assertThat(answers.get(0).get("err").asText()).isEmpty();
        assertThat(connector.configurations.poll(10, TimeUnit.SECONDS).config()).isEqualTo(CONFIG);
    }

    @Test
    void healthzAndConnectionsDescribeTheActiveConnections() throws Exception {
        HttpResponse<String> health = eyeball.send(HttpRequest.newBuilder(edge.eyeballUri("/_edge/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> connections = eyeball.send(
                HttpRequest.newBuilder(edge.eyeballUri("/_edge/connections")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"active\":1}");
        JsonNode list = EdgeEvent.mapper().readTree(connections.body());
        ConnectionInfo info = edge.activeConnections().get(0);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("connIndex").asInt()).isZero();
        assertThat(list.get(0).get("protocol").asText()).isEqualTo("quic");
        assertThat(list.get(0).get("clientId").asText()).isEqualTo(TestConnector.CLIENT_ID.toString());
        assertThat(list.get(0).get("connectionUuid").asText()).isEqualTo(info.connectionUuid().toString());
        assertThat(list.get(0).get("location").asText()).isEqualTo("LOCAL");
        assertThat(list.get(0).get("remote").asText()).startsWith("127.0.0.1:");
    }

    @Test
    void unknownAdminPathIs404AndBadVersionIs400() throws Exception {
        HttpResponse<String> unknown = eyeball.send(HttpRequest.newBuilder(edge.eyeballUri("/_edge/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> badVersion = eyeball.send(
                HttpRequest.newBuilder(edge.eyeballUri("/_edge/config?version=x"))
                        .POST(HttpRequest.BodyPublishers.ofString(CONFIG)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(badVersion.body()).contains("version");
    }
}
