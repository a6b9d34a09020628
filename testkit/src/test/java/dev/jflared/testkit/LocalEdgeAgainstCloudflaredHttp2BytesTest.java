package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jflared.config.CredentialsLoader;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.testing.Golden;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LocalEdge's HTTP/2 side serves cloudflared 2025.5.0 frame by frame (issue 7, point 5): a
 * {@link ReplayingHttp2Connector} writes every HTTP/2 frame cloudflared wrote in shared/golden/http2, byte for byte
 * (its SETTINGS, its HPACK header blocks, the control stream's RPC messages in DATA, the responses), while the test
 * drives the capture's eyeball requests and configuration push in the capture's order. What LocalEdge sends back is
 * compared with what the stand-in edge sent, but for what the golden README calls per-run ({@code cf-ray},
 * connection uuid, timestamps) or what only that stand-in chose.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalEdgeAgainstCloudflaredHttp2BytesTest {

    private static final Duration WAIT = ReplayedStream.WAIT;
    private static final String EVENTS = "http2/logs/refedge.events.jsonl";
    private static final String GET_HEADERS = "GET /headers HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n"
            + "User-Agent: golden/1.0\r\nAccept: */*\r\nX-Custom-One: alpha\r\nX-Custom-Two: beta\r\n\r\n";
    private static final String POST_ECHO = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:8090\r\nUser-Agent: golden/1.0\r\n"
            + "Accept: */*\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\nhello golden echo";
    private static final String GET_TEAPOT = "GET /teapot HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n"
            + "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    // Streams in the capture (golden README "http2/").
    private static final int GET = 3;
    private static final int POST = 5;
    private static final int WEBSOCKET = 7;
    private static final int PUSH = 9;
    private static final int TEAPOT = 11;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LocalEdge edge = LocalEdge.builder()
            .credentials(CredentialsLoader.fromFile(Golden.path("http2/logs/creds.json")))
            .location("REF")
            .protocols(Protocol.HTTP2)
            .build()
            .start();
    private final GoldenHttp2Capture golden = new GoldenHttp2Capture();

    @AfterEach
    void tearDown() {
        edge.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void cloudflaredsHttp2ConnectionIsServedFrameByFrame() throws Exception {
        JsonNode pushBody = EdgeEvent.mapper().readTree(golden.edgeData(PUSH).get(0));

        try (ReplayingHttp2Connector cloudflared = ReplayingHttp2Connector.dial(group, edge, golden)) {
            // Registration and the local configuration.
            cloudflared.playUntilStream(GET);
            ReplayingHttp2Connector.EdgeStream control = cloudflared.awaitStream(ReplayingHttp2Connector.CONTROL_STREAM,
                    s -> s.rpcFrames().size() >= 3, "three RPC answers");
            assertThat(cloudflared.applicationProtocol()).isNull();
            assertSameRequest(control.headers.get(0), golden.edgeRequest(ReplayingHttp2Connector.CONTROL_STREAM));
            assertThat(RegisterConnectionResults.read(RpcFrames.returnResults(control.rpcFrames().get(1))))
                    .isInstanceOfSatisfying(ConnectionDetails.class, details -> {
                        assertThat(details.locationName()).isEqualTo("REF");
                        assertThat(details.tunnelIsRemotelyManaged()).isFalse();
                    });
            Registration registration = edge.takeRegistration(WAIT).orElseThrow();
            assertThat(registration.protocol()).isEqualTo(Protocol.HTTP2);
            assertThat(registration.clientId()).hasToString("e828db2d-da60-4186-bd96-10b288aadf70");
            GoldenEvents.assertSameFields(edge.takeEvent("register", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "features", "clientId", "version", "arch", "numPreviousAttempts", "originLocalIp",
                    "tunnelId", "location", "tunnelIsRemotelyManaged", "result");
            GoldenEvents.assertSameFields(edge.takeEvent("local_config", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "config");

            // GET /headers: the origin's headers come from cf-cloudflared-response-headers, not Go's sniffed type.
            try (EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
                eyeball.send(GET_HEADERS);
                cloudflared.playUntilStream(POST);
                EyeballSocket.Head head = eyeball.readHead();
                byte[] body = eyeball.readBytes(golden.cloudflaredBody(GET).length);

                assertSameRequest(cloudflared.awaitStream(GET, s -> s.ended, "END_STREAM").headers.get(0),
                        golden.edgeRequest(GET));
                assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(head.headers()).isEqualTo(serializedHeaders(golden.cloudflaredResponse(GET)))
                        .containsEntry("content-type", List.of("application/json"));
                assertThat(body).isEqualTo(golden.cloudflaredBody(GET));
            }

            // POST /echo
            try (EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
                eyeball.send(POST_ECHO);
                cloudflared.playUntilStream(WEBSOCKET);
                EyeballSocket.Head head = eyeball.readHead();
                byte[] body = eyeball.readBytes(golden.cloudflaredBody(POST).length);

                ReplayingHttp2Connector.EdgeStream post = cloudflared.awaitStream(POST, s -> s.ended, "END_STREAM");
                assertSameRequest(post.headers.get(0), golden.edgeRequest(POST));
                assertThat(post.data.toByteArray()).isEqualTo(golden.edgeData(POST).get(0));
                assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(head.headers()).isEqualTo(serializedHeaders(golden.cloudflaredResponse(POST)));
                assertThat(body).asString(StandardCharsets.UTF_8).isEqualTo("hello golden echo");
            }

            // Websocket: cloudflared answers 200, which the eyeball sees as the 101 it stands for.
            String key = golden.edgeRequest(WEBSOCKET).get("sec-websocket-key").toString();
            try (EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
                eyeball.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8090\r\nUser-Agent: Go-http-client/1.1\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Upgrade: websocket\r\n\r\n");
                cloudflared.playUntil(WEBSOCKET, Http2Frames.DATA);
                EyeballSocket.Head head = eyeball.readHead();
                eyeball.send(golden.edgeData(WEBSOCKET).get(0));
                cloudflared.playUntilStream(PUSH);
                byte[] echoed = eyeball.readBytes(golden.cloudflaredBody(WEBSOCKET).length);
                eyeball.send(golden.edgeData(WEBSOCKET).get(1));

                assertSameRequest(cloudflared.awaitStream(WEBSOCKET, s -> true, "HEADERS").headers.get(0),
                        golden.edgeRequest(WEBSOCKET));
                assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
                assertThat(head.headers().get("upgrade")).containsExactly("websocket");
                assertThat(head.headers().get("connection")).singleElement().asString()
                        .isEqualToIgnoringCase("upgrade");
                assertThat(head.headers().get("sec-websocket-accept"))
                        .isEqualTo(serializedHeaders(golden.cloudflaredResponse(WEBSOCKET)).get("sec-websocket-accept"))
                        .containsExactly(EyeballSocket.websocketAccept(key));
                assertThat(echoed).asString(StandardCharsets.UTF_8).endsWith("golden #1");
            }

            // The configuration push: PUT with cloudflared's JSON answer.
            CompletableFuture<List<ConfigPushResult>> pushed = edge.pushConfig(pushBody.get("version").asInt(),
                    pushBody.get("config").toString());
            cloudflared.playUntilStream(TEAPOT);

            ReplayingHttp2Connector.EdgeStream push = cloudflared.awaitStream(PUSH, s -> s.ended, "END_STREAM");
            // Go's client declares the body's length; an HTTP/2 request need not (RFC 9113 section 8.1.1), and
            // cloudflared reads the body to its END_STREAM.
            Http2Headers standInPush = new DefaultHttp2Headers().set(golden.edgeRequest(PUSH));
            standInPush.remove("content-length");
            assertSameRequest(push.headers.get(0), standInPush);
            assertThat(EdgeEvent.mapper().readTree(push.data.toByteArray())).isEqualTo(pushBody);
            assertThat(pushed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .containsExactly(new ConfigPushResult(0, Protocol.HTTP2, 7, ""));
            GoldenEvents.assertSameFields(edge.takeEvent("config_update", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "version", "lastAppliedVersion", "err");

            // GET /teapot, answered by the pushed http_status:418 rule: an empty serialized header list.
            try (EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
                eyeball.send(GET_TEAPOT);
                cloudflared.playUntilStream(ReplayingHttp2Connector.CONTROL_STREAM);
                EyeballSocket.Head head = eyeball.readHead();

                assertSameRequest(cloudflared.awaitStream(TEAPOT, s -> s.ended, "END_STREAM").headers.get(0),
                        golden.edgeRequest(TEAPOT));
                assertThat(head.statusLine()).startsWith("HTTP/1.1 418 ");
                assertThat(head.headers()).doesNotContainKeys("content-type", "date");
                assertThat(eyeball.readBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("0\r\n\r\n");
            }

            // Unregistration, release, abort, END_STREAM and RST_STREAM(NO_ERROR).
            cloudflared.playToEnd();

            control = cloudflared.awaitStream(ReplayingHttp2Connector.CONTROL_STREAM, s -> s.ended || s.reset,
                    "the end of the control stream");
            assertThat(RpcFrames.describeAll(control.rpcFrames()))
                    .as("every RPC message the edge sent on the control stream, up to its end")
                    .containsExactlyElementsOf(RpcFrames.describeAll(RpcFrames.splitExactly(
                            Golden.bytes("http2/raw/http2-conn1/control.edge2cfd.bin"), 0)));
            GoldenEvents.assertSameFields(edge.takeEvent("unregister", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol");
            assertThat(edge.unregistrations()).extracting(ConnectionInfo::connIndex).containsExactly(0);
        }
        assertThat(edge.takeEvent("disconnect", WAIT)).isPresent();
    }

    /**
     * LocalEdge's request headers are the stand-in edge's, in any order (HPACK order is Go map order there), but for
     * the ray id, which is per run.
     */
    private static void assertSameRequest(Http2Headers sent, Http2Headers standIn) {
        assertThat(sent.get("cf-ray") == null).isEqualTo(standIn.get("cf-ray") == null);
        if (sent.get("cf-ray") != null) {
            assertThat(sent.get("cf-ray").toString()).matches("[0-9a-f]{16}-REF");
        }
        assertThat(fields(sent)).containsExactlyInAnyOrderElementsOf(fields(standIn));
    }

    private static List<String> fields(Http2Headers headers) {
        List<String> fields = new ArrayList<>();
        headers.forEach(h -> fields.add(h.getKey() + ": " + (h.getKey().toString().equals("cf-ray") ? "<per run>"
                : h.getValue())));
        return fields;
    }

    /** The origin's headers cloudflared serialized ({@code b64(name):b64(value)} joined by {@code ;}, unpadded). */
    private static Map<String, List<String>> serializedHeaders(Http2Headers response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String serialized = response.get("cf-cloudflared-response-headers").toString();
        for (String pair : serialized.isEmpty() ? new String[0] : serialized.split(";")) {
            String[] nameAndValue = pair.split(":");
            headers.computeIfAbsent(decode(nameAndValue[0]).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(decode(nameAndValue[1]));
        }
        return headers;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.ISO_8859_1);
    }
}
