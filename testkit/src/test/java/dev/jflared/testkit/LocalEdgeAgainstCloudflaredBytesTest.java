package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.CredentialsLoader;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import dev.jflared.testing.Golden;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * LocalEdge serves a connector that speaks exactly like cloudflared 2025.5.0 (issue 7, point 5): a
 * {@link ReplayingConnector} dials it over loopback QUIC as cloudflared does and writes, on each stream, the bytes
 * cloudflared wrote in shared/golden/quic ({@code *.cfd2edge.bin}), waiting for the edge's answers where cloudflared
 * waited. The edge is given the capture's tunnel credentials ({@code quic/logs/creds.json}) and location
 * {@code REF}, and eyeball requests are sent as the capture's clients sent them, so what LocalEdge says back can be
 * compared with what the stand-in edge said, except for the fields the golden README calls per-run (connection
 * uuid, {@code Cf-Ray}, {@code Date}, timestamps).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalEdgeAgainstCloudflaredBytesTest {

    private static final Duration WAIT = ReplayedStream.WAIT;
    private static final String QUIC = "quic/raw/quic-conn1/";
    private static final String EVENTS = "quic/logs/refedge.events.jsonl";
    private static final String GET_HEADERS = "GET /headers HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n"
            + "User-Agent: golden/1.0\r\nAccept: */*\r\nX-Custom-One: alpha\r\nX-Custom-Two: beta\r\n\r\n";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LocalEdge edge = LocalEdge.builder()
            .credentials(CredentialsLoader.fromFile(Golden.path("quic/logs/creds.json")))
            .location("REF")
            .build()
            .start();
    /** cloudflared's ten control stream messages (golden README "control.cfd2edge"). */
    private final List<byte[]> cloudflaredControl = RpcFrames.splitExactly(Golden.bytes(QUIC + "control.cfd2edge.bin"),
            0);

    @AfterEach
    void tearDown() {
        edge.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void cloudflaredsControlStreamRegistersSendsItsConfigurationAndUnregisters() throws Exception {
        List<byte[]> goldenAnswers = RpcFrames.splitExactly(Golden.bytes(QUIC + "control.edge2cfd.bin"), 0);
        RegisterConnectionParams sent = RegisterConnectionParams.read(RpcFrames.callParams(cloudflaredControl.get(1)));
        String localConfiguration = UpdateLocalConfigurationParams.read(RpcFrames.callParams(
                cloudflaredControl.get(4))).config();

        try (ReplayingConnector cloudflared = ReplayingConnector.dial(group, edge)) {
            ReplayedStream control = cloudflared.control;
            register(control);
            control.write(cloudflaredControl.get(4));
            control.awaitRpcFrames(0, 3);
            control.write(cloudflaredControl.get(5));
            // What cloudflared sent on SIGINT: unregisterConnection, then its finish, release and abort.
            control.write(cloudflaredControl.get(6));
            control.awaitRpcFrames(0, 4);
            control.write(cloudflaredControl.subList(7, 10));
            List<byte[]> answers = RpcFrames.splitExactly(control.awaitEnd(), 0);

            assertThat(cloudflared.applicationProtocol()).isEqualTo("argotunnel");
            assertThat(control.channel().streamId()).isZero();
            assertThat(RpcFrames.describeAll(answers))
                    .as("every message the edge sent on the control stream, up to its end")
                    .containsExactlyElementsOf(RpcFrames.describeAll(goldenAnswers))
                    .containsExactly(
                            "return a=0 results=cap(0) caps=[senderHosted(0)]",
                            "return a=1 results=struct caps=[]",
                            "return a=1 results=struct caps=[]",
                            "return a=1 results=struct caps=[]");
            ConnectionResponse response = RegisterConnectionResults.read(RpcFrames.returnResults(answers.get(1)));
            Registration registration = edge.takeRegistration(WAIT).orElseThrow();
            assertThat(response).isInstanceOfSatisfying(ConnectionDetails.class, details -> {
                assertThat(details.locationName()).isEqualTo("REF");
                assertThat(details.tunnelIsRemotelyManaged()).isFalse();
                assertThat(registration.connectionUuid()).contains(details.uuid());
            });
            assertThat(registration.connIndex()).isEqualTo(sent.connIndex()).isZero();
            assertThat(registration.protocol()).isEqualTo(Protocol.QUIC);
            assertThat(registration.clientId()).isEqualTo(sent.options().client().clientId())
                    .hasToString("d806ca58-c81b-42ec-9d21-ed63cd415b6d");
            assertThat(registration.features()).containsExactly("management_logs", "allow_remote_config",
                    "serialized_headers", "support_datagram_v2", "support_quic_eof");
            assertThat(registration.version()).isEqualTo("DEV");
            assertThat(registration.arch()).isEqualTo("linux_amd64");
            assertThat(registration.numPreviousAttempts()).isZero();
            assertThat(registration.originLocalIp().getHostAddress()).isEqualTo("127.0.0.1");
            GoldenEvents.assertSameFields(edge.takeEvent("register", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "features", "clientId", "version", "arch", "numPreviousAttempts", "originLocalIp",
                    "tunnelId", "location", "tunnelIsRemotelyManaged", "result");
            assertThat(edge.localConfigurations())
                    .containsExactly(new LocalConfiguration(0, Protocol.QUIC, localConfiguration));
            GoldenEvents.assertSameFields(edge.takeEvent("local_config", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "config");
            GoldenEvents.assertSameFields(edge.takeEvent("unregister", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol");
            assertThat(edge.unregistrations()).extracting(ConnectionInfo::connIndex).containsExactly(0);
            assertThat(edge.activeConnections()).isEmpty();
            assertThat(edge.controlStreamBootstraps()).isEqualTo(1);
        }
        assertThat(edge.takeEvent("disconnect", WAIT)).isPresent();
    }

    @Test
    void getIsAnsweredWithCloudflaredsResponseBytes() throws Exception {
        DataStream golden = DataStream.parse(Golden.bytes(QUIC + "data1.cfd2edge.bin"));

        try (ReplayingConnector cloudflared = ReplayingConnector.dial(group, edge);
                EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
            register(cloudflared.control);
            eyeball.send(GET_HEADERS);
            ReplayedStream stream = cloudflared.takeEdgeStream();
            DataStream request = DataStream.parse(stream.awaitEnd());
            stream.writeAndEnd(Golden.bytes(QUIC + "data1.cfd2edge.bin"));
            EyeballSocket.Head head = eyeball.readHead();
            byte[] body = eyeball.readBytes(golden.rest().length);

            assertThat(stream.finReceived()).isTrue();
            assertSameAsTheStandInEdgesRequest(request, "data1.edge2cfd.bin");
            assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(head.headers()).isEqualTo(headersOf(golden.response()))
                    .containsEntry("content-type", List.of("application/json"))
                    .containsEntry("content-length", List.of("725"));
            assertThat(body).isEqualTo(golden.rest());
        }
    }

    @Test
    void postBodyReachesCloudflaredAndItsEchoComesBack() throws Exception {
        DataStream golden = DataStream.parse(Golden.bytes(QUIC + "data2.cfd2edge.bin"));
        byte[] requestBody = DataStream.parse(Golden.bytes(QUIC + "data2.edge2cfd.bin")).rest();

        try (ReplayingConnector cloudflared = ReplayingConnector.dial(group, edge);
                EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
            register(cloudflared.control);
            eyeball.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:8090\r\nUser-Agent: golden/1.0\r\nAccept: */*\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: " + requestBody.length + "\r\n\r\n");
            eyeball.send(requestBody);
            ReplayedStream stream = cloudflared.takeEdgeStream();
            DataStream request = DataStream.parse(stream.awaitEnd());
            stream.writeAndEnd(Golden.bytes(QUIC + "data2.cfd2edge.bin"));
            EyeballSocket.Head head = eyeball.readHead();
            byte[] body = eyeball.readBytes(golden.rest().length);

            assertSameAsTheStandInEdgesRequest(request, "data2.edge2cfd.bin");
            assertThat(request.rest()).asString(StandardCharsets.UTF_8).isEqualTo("hello golden echo");
            assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(head.headers()).isEqualTo(headersOf(golden.response()));
            assertThat(body).isEqualTo(requestBody);
        }
    }

    @Test
    void websocketIsSwitchedByCloudflareds101AndFramesFlowBothWays() throws Exception {
        DataStream golden = DataStream.parse(Golden.bytes(QUIC + "data3.cfd2edge.bin"));
        DataStream goldenRequest = DataStream.parse(Golden.bytes(QUIC + "data3.edge2cfd.bin"));
        String key = ConnectRequest.read(RpcFrames.read(goldenRequest.message())).firstValue(
                "HttpHeader:Sec-Websocket-Key").orElseThrow();

        try (ReplayingConnector cloudflared = ReplayingConnector.dial(group, edge);
                EyeballSocket eyeball = new EyeballSocket(edge.eyeballAddress())) {
            register(cloudflared.control);
            eyeball.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8090\r\nUser-Agent: Go-http-client/1.1\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Upgrade: websocket\r\n\r\n");
            ReplayedStream stream = cloudflared.takeEdgeStream();
            DataStream request = DataStream.parse(stream.await(DataStream::headComplete, "request head"));
            stream.write(Arrays.copyOf(golden.whole(), golden.headLength()));
            EyeballSocket.Head head = eyeball.readHead();
            eyeball.send(goldenRequest.rest());
            byte[] relayed = stream.await(b -> b.length >= request.headLength() + goldenRequest.rest().length,
                    "the eyeball's websocket frames");
            stream.writeAndEnd(golden.rest());
            byte[] echoed = eyeball.readBytes(golden.rest().length);

            assertSameAsTheStandInEdgesRequest(request, "data3.edge2cfd.bin");
            assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
            assertThat(head.headers().get("upgrade")).containsExactly("websocket");
            assertThat(head.headers().get("connection")).singleElement().asString().isEqualToIgnoringCase("upgrade");
            assertThat(head.headers().get("sec-websocket-accept"))
                    .isEqualTo(headersOf(golden.response()).get("sec-websocket-accept"))
                    .containsExactly(EyeballSocket.websocketAccept(key));
            assertThat(Arrays.copyOfRange(relayed, request.headLength(), relayed.length))
                    .isEqualTo(goldenRequest.rest());
            assertThat(echoed).asString(StandardCharsets.UTF_8).endsWith("golden #1");
            assertThat(eyeball.closedByEdge()).as("the edge ends the eyeball connection after cloudflared's FIN")
                    .isTrue();
        }
    }

    @Test
    void configPushIsAnsweredWithCloudflaredsRpcStreamBytes() throws Exception {
        byte[] goldenEdge = Golden.bytes(QUIC + "rpc1.edge2cfd.bin");
        List<byte[]> goldenPush = RpcFrames.splitExactly(goldenEdge, QuicStreamSignatures.SIGNATURE_LENGTH);
        List<byte[]> cloudflaredAnswers = RpcFrames.splitExactly(Golden.bytes(QUIC + "rpc1.cfd2edge.bin"), 0);
        UpdateConfigurationParams pushed = UpdateConfigurationParams.read(RpcFrames.callParams(goldenPush.get(1)));

        try (ReplayingConnector cloudflared = ReplayingConnector.dial(group, edge)) {
            register(cloudflared.control);
            CompletableFuture<List<ConfigPushResult>> results = edge.pushConfig(pushed.version(), pushed.config());
            ReplayedStream stream = cloudflared.takeEdgeStream();
            int skip = QuicStreamSignatures.SIGNATURE_LENGTH;
            stream.awaitRpcFrames(skip, 1);
            stream.write(cloudflaredAnswers.get(0));
            List<byte[]> call = stream.awaitRpcFrames(skip, 2);
            stream.write(cloudflaredAnswers.get(1));
            byte[] everything = stream.awaitEnd();

            assertThat(Arrays.copyOf(everything, skip)).isEqualTo(Arrays.copyOf(goldenEdge, skip));
            assertThat(RpcFrames.describeAll(RpcFrames.splitExactly(everything, skip)))
                    .as("every message the edge sent on the RPC stream, up to its end")
                    .containsExactlyElementsOf(RpcFrames.describeAll(goldenPush));
            assertThat(UpdateConfigurationParams.read(RpcFrames.callParams(call.get(1)))).isEqualTo(pushed);
            assertThat(results.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .containsExactly(new ConfigPushResult(0, Protocol.QUIC, 7, ""));
            GoldenEvents.assertSameFields(edge.takeEvent("config_update", WAIT).orElseThrow(), EVENTS, "connIndex",
                    "protocol", "version", "lastAppliedVersion", "err");
        }
    }

    /** quic-rejected: cloudflared run with a zero tunnel secret ({@code wrong-creds.json}). */
    @Test
    void cloudflaredWithAWrongSecretIsRefusedAsTheStandInEdgeRefusedIt() throws Exception {
        String rejected = "quic-rejected/raw/quic-conn1/";
        // The capture ends inside the frame cloudflared was writing as it exited; split leaves that out.
        List<byte[]> sent = RpcFrames.split(Golden.bytes(rejected + "control.cfd2edge.bin"), 0);
        List<byte[]> standIn = RpcFrames.splitExactly(Golden.bytes(rejected + "control.edge2cfd.bin"), 0);
        ConnectionResponse refusal = RegisterConnectionResults.read(RpcFrames.returnResults(standIn.get(1)));

        try (ReplayingConnector connector = ReplayingConnector.dial(group, edge)) {
            connector.control.write(sent.subList(0, 2));
            List<byte[]> answers = connector.control.awaitRpcFrames(0, 2);
            connector.control.write(sent.get(2));

            assertThat(RpcFrames.describeAll(answers)).containsExactlyElementsOf(RpcFrames.describeAll(standIn));
            assertThat(RegisterConnectionResults.read(RpcFrames.returnResults(answers.get(1))))
                    .isInstanceOfSatisfying(ConnectionError.class, error -> {
                        assertThat(error.cause()).startsWith("Unauthorized:").contains("mismatched tunnel secret");
                        assertThat(error.cause().replace("LocalEdge", "refedge"))
                                .isEqualTo(((ConnectionError) refusal).cause());
                        assertThat(error.retryAfter()).isEqualTo(((ConnectionError) refusal).retryAfter());
                        assertThat(error.shouldRetry()).isFalse();
                    });
            Registration registration = edge.takeRegistration(WAIT).orElseThrow();
            assertThat(registration.result()).isEqualTo("rejected");
            assertThat(registration.clientId()).hasToString("fa0a9c9c-e648-43e6-a3dd-84027d2b3215");
            assertThat(edge.activeConnections()).isEmpty();
        }
    }

    /**
     * cloudflared's registration: bootstrap and registerConnection pipelined, then, with the edge's two answers in,
     * the two finishes.
     */
    private void register(ReplayedStream control) throws Exception {
        control.write(cloudflaredControl.subList(0, 2));
        control.awaitRpcFrames(0, 2);
        control.write(cloudflaredControl.subList(2, 4));
        edge.awaitConnections(1, WAIT);
    }

    /** The request LocalEdge sent equals the stand-in edge's for the same eyeball request, but for the ray id. */
    private static void assertSameAsTheStandInEdgesRequest(DataStream request, String goldenFile) {
        DataStream golden = DataStream.parse(Golden.bytes(QUIC + goldenFile));
        ConnectRequest sent = ConnectRequest.read(RpcFrames.read(request.message()));
        ConnectRequest expected = ConnectRequest.read(RpcFrames.read(golden.message()));
        assertThat(request.preamble()).isEqualTo(golden.preamble());
        assertThat(sent.firstValue("HttpHeader:Cf-Ray")).hasValueSatisfying(ray -> assertThat(ray)
                .matches("[0-9a-f]{16}-REF"));
        assertThat(withoutRay(sent)).isEqualTo(withoutRay(expected));
    }

    private static ConnectRequest withoutRay(ConnectRequest request) {
        return new ConnectRequest(request.dest(), request.type(), request.metadata().stream()
                .map(m -> m.key().equals("HttpHeader:Cf-Ray") ? new Metadata(m.key(), "<per run>") : m)
                .toList());
    }

    /** The headers an eyeball should see for a ConnectResponse: its {@code HttpHeader:} entries. */
    private static Map<String, List<String>> headersOf(ConnectResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Metadata entry : response.metadata()) {
            if (entry.key().startsWith("HttpHeader:")) {
                headers.computeIfAbsent(entry.key().substring("HttpHeader:".length()).toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(entry.val());
            }
        }
        return headers;
    }

    /**
     * The bytes of one direction of a QUIC data stream: the 8-byte preamble, the one framed message (ConnectRequest
     * or ConnectResponse), and what follows it.
     */
    private record DataStream(byte[] whole, byte[] preamble, byte[] message, byte[] rest) {

        static boolean headComplete(byte[] bytes) {
            return bytes.length >= QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH
                    && RpcFrames.frameLength(bytes, QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH) > 0;
        }

        static DataStream parse(byte[] bytes) {
            assertThat(headComplete(bytes)).as("a preamble and a complete message in " + bytes.length + " bytes")
                    .isTrue();
            int start = QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH;
            int end = start + RpcFrames.frameLength(bytes, start);
            return new DataStream(bytes, Arrays.copyOf(bytes, start), Arrays.copyOfRange(bytes, start, end),
                    Arrays.copyOfRange(bytes, end, bytes.length));
        }

        int headLength() {
            return preamble.length + message.length;
        }

        ConnectResponse response() {
            return ConnectResponse.read(RpcFrames.read(message));
        }
    }
}
