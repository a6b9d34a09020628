package dev.jflared.quic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.proxy.OriginProxy;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.ConnectionType;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import dev.jflared.testing.Golden;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.transport.CloudflaredRpcService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.capnproto.Serialize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds the edge's captured streams ({@code quic/raw/quic-conn1/data*.edge2cfd.bin}, {@code rpc1}) into a stream
 * pipeline and checks that the answers decode like cloudflared's ({@code *.cfd2edge.bin}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DataStreamHandlerTest {

    private static final String RAW = "quic/raw/quic-conn1/";
    private static final String SPLIT = "quic/decoded/split/";

    private final AtomicReference<TunnelRequest> seen = new AtomicReference<>();
    private final AtomicReference<byte[]> seenBody = new AtomicReference<>();
    private final AtomicInteger dataStreams = new AtomicInteger();
    private EmbeddedChannel stream;
    private OriginProxy proxy;

    @AfterEach
    void tearDown() {
        if (stream != null) {
            stream.finishAndReleaseAll();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void getIsAnsweredLikeCloudflaredAnsweredData1() {
        ConnectResponse golden = goldenResponse("data1");
        byte[] goldenBody = Golden.bytes(SPLIT + "data1.cfd2edge.body.bin");
        start((request, body, responder) -> TestOrigins.respond(responder, 200, originHeaders(golden), goldenBody));

        stream.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(RAW + "data1.edge2cfd.bin")));
        finRequest();
        Response response = response();

        assertThat(response.head).isEqualTo(golden);
        assertThat(response.body).isEqualTo(goldenBody);
        assertThat(response.wholeMessage).isEqualTo(Golden.bytes(SPLIT + "data1.cfd2edge.msg.bin"));
        TunnelRequest request = seen.get();
        assertThat(request.kind()).isEqualTo(TunnelRequest.Kind.HTTP);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.host()).isEqualTo("127.0.0.1:8090");
        assertThat(request.destination()).isEqualTo("http://127.0.0.1:8090/headers");
        assertThat(request.pathAndQuery()).isEqualTo("/headers");
        assertThat(request.requestId()).isEqualTo("0000000000000001-REF");
        assertThat(request.headers().get("X-Custom-One")).isEqualTo("alpha");
        assertThat(request.headers().names()).containsExactly("Accept", "Cf-Connecting-Ip", "Cf-Ray", "Cf-Visitor",
                "User-Agent", "X-Custom-One", "X-Custom-Two", "X-Forwarded-For", "X-Forwarded-Proto");
        assertThat(seenBody.get()).isEmpty();
        assertThat(dataStreams).hasValue(1);
        assertThat(stream.isOpen()).as("response ended").isFalse();
    }

    @Test
    void postBodyReachesTheOriginAndTheEchoComesBackLikeData2() {
        ConnectResponse golden = goldenResponse("data2");
        start((request, body, responder) -> TestOrigins.respond(responder, 200, originHeaders(golden), body));

        stream.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(RAW + "data2.edge2cfd.bin")));
        finRequest();
        Response response = response();

        assertThat(seen.get().method()).isEqualTo("POST");
        assertThat(seen.get().pathAndQuery()).isEqualTo("/echo");
        assertThat(seenBody.get()).isEqualTo("hello golden echo".getBytes(StandardCharsets.US_ASCII));
        assertThat(response.head).isEqualTo(golden);
        assertThat(response.body).isEqualTo(Golden.bytes(SPLIT + "data2.cfd2edge.body.bin"));
    }

    @Test
    void requestArrivingByteByByteIsDecodedTheSame() {
        start((request, body, responder) -> TestOrigins.respond(responder, 204, new DefaultHttpHeaders(), body));

        for (byte b : Golden.bytes(RAW + "data2.edge2cfd.bin")) {
            stream.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        finRequest();

        assertThat(seenBody.get()).isEqualTo("hello golden echo".getBytes(StandardCharsets.US_ASCII));
        assertThat(response().head.metadata()).containsExactly(new Metadata("HttpStatus", "204"));
    }

    @Test
    void websocketIsAnsweredWith101AsCloudflaredDoes() {
        ConnectResponse golden = goldenResponse("data3");
        start((request, body, responder) -> TestOrigins.respond(responder, 101, originHeaders(golden), body));

        stream.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(RAW + "data3.edge2cfd.bin")));
        finRequest();
        Response response = response();

        assertThat(seen.get().kind()).isEqualTo(TunnelRequest.Kind.WEBSOCKET);
        assertThat(seenBody.get()).isEqualTo(Golden.bytes(SPLIT + "data3.edge2cfd.body.bin"));
        assertThat(response.head).isEqualTo(golden);
        assertThat(response.head.metadata().get(0)).isEqualTo(new Metadata("HttpStatus", "101"));
    }

    @Test
    void tcpStreamCarriesRawBytesAndIsAcknowledgedWithoutMetadata() {
        start((request, body, responder) -> TestOrigins.respond(responder, 200, new DefaultHttpHeaders(), body));
        ByteBuf request = Unpooled.buffer();
        QuicStreamSignatures.writeDataStreamPreamble(request);
        CapnpFrameEncoder.writeFrame(new ConnectRequest("10.0.0.5:22", ConnectionType.TCP,
                List.of(new Metadata("HttpHeader:Cf-Ray", "tcp-ray"))).toMessage().getSegmentsForOutput(), request);
        request.writeBytes("SSH-2.0-client".getBytes(StandardCharsets.US_ASCII));

        stream.writeInbound(request);
        finRequest();
        Response response = response();

        assertThat(seen.get().kind()).isEqualTo(TunnelRequest.Kind.TCP);
        assertThat(seen.get().destination()).isEqualTo("10.0.0.5:22");
        assertThat(seen.get().method()).isEmpty();
        assertThat(seen.get().pathAndQuery()).isEmpty();
        assertThat(seen.get().requestId()).isEqualTo("tcp-ray");
        assertThat(response.head).isEqualTo(ConnectResponse.ok(List.of()));
        assertThat(new String(response.body, StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-client");
    }

    @Test
    void originFailureIsAnsweredWithErrorAnd502() {
        start((request, body, responder) -> responder.fail(new IllegalStateException("origin down")));

        stream.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(RAW + "data1.edge2cfd.bin")));
        finRequest();
        Response response = response();

        assertThat(response.head.error()).isEqualTo("origin down");
        assertThat(response.head.metadata()).containsExactly(new Metadata("HttpStatus", "502"));
        assertThat(response.body).isEmpty();
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void malformedConnectRequestResetsTheStream() {
        start((request, body, responder) -> TestOrigins.respond(responder, 200, new DefaultHttpHeaders(), body));
        byte[] golden = Golden.bytes(RAW + "data1.edge2cfd.bin");
        byte[] broken = Arrays.copyOf(golden, golden.length);
        broken[8] = (byte) 0xFF;   // the frame claims 256 segments, over the ConnectRequest limit

        stream.writeInbound(Unpooled.wrappedBuffer(broken));
        stream.runPendingTasks();

        assertThat(stream.isOpen()).isFalse();
        assertThat(seen.get()).isNull();
        assertThat(stream.outboundMessages()).isEmpty();
    }

    @Test
    void streamEndingBeforeItsRequestIsReset() {
        start((request, body, responder) -> TestOrigins.respond(responder, 200, new DefaultHttpHeaders(), body));
        byte[] golden = Golden.bytes(RAW + "data1.edge2cfd.bin");

        stream.writeInbound(Unpooled.wrappedBuffer(golden, 0, 40));
        stream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(stream.isOpen()).isFalse();
        assertThat(seen.get()).isNull();
    }

    @Test
    void unknownSignatureResetsTheStream() {
        start((request, body, responder) -> TestOrigins.respond(responder, 200, new DefaultHttpHeaders(), body));

        stream.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));

        assertThat(stream.isOpen()).isFalse();
        assertThat(dataStreams).hasValue(0);
    }

    @Test
    void rpcStreamIsServedByCloudflaredRpcService() throws Exception {
        TestOrigins.RecordingServices services = start(
                (request, body, responder) -> TestOrigins.respond(responder, 200, new DefaultHttpHeaders(), body));

        stream.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(RAW + "rpc1.edge2cfd.bin")));
        List<CapnpMessage> answers = decodeAll(outbound());

        assertThat(answers).hasSize(2);
        assertThat(services.pushes.poll()).startsWith("7 {\"ingress\":[{\"path\":\"^/teapot\"");
        assertThat(dataStreams).hasValue(0);
    }

    private TestOrigins.RecordingServices start(TestOrigins.Answer answer) {
        proxy = TestOrigins.proxyTo(TestOrigins.readingBody((request, body) -> {
            seen.set(request);
            seenBody.set(body);
        }, answer));
        TestOrigins.RecordingServices services = new TestOrigins.RecordingServices(proxy);
        stream = new EmbeddedChannel();
        stream.pipeline().addLast(EdgeStreamClassifier.NAME, new EdgeStreamClassifier(proxy,
                CloudflaredRpcService.create(services, ConnectionMetrics.none()), 0, channel -> dataStreams.incrementAndGet()));
        return services;
    }

    /** The edge's FIN after the request (and its body). */
    private void finRequest() {
        stream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        stream.runPendingTasks();
    }

    /** The golden response's head, whose headers our origin sends back as they are. */
    private static HttpHeaders originHeaders(ConnectResponse golden) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Metadata entry : golden.metadata()) {
            if (entry.key().startsWith("HttpHeader:")) {
                headers.add(entry.key().substring("HttpHeader:".length()), entry.val());
            }
        }
        return headers;
    }

    private static ConnectResponse goldenResponse(String name) {
        try {
            return ConnectResponse.read(Serialize.read(ByteBuffer.wrap(
                    Golden.bytes(SPLIT + name + ".cfd2edge.msg.bin"))));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] outbound() {
        List<byte[]> parts = new ArrayList<>();
        for (Object m; (m = stream.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) m;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            parts.add(bytes);
        }
        int total = parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        parts.forEach(all::put);
        return all.array();
    }

    private Response response() {
        byte[] bytes = outbound();
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(new byte[] {0x0A, 0x36, (byte) 0xCD, 0x12, (byte) 0xA1, 0x3E,
                '0', '1'});
        int segmentWords = (bytes[12] & 0xFF) | (bytes[13] & 0xFF) << 8;
        int messageEnd = 8 + 8 + segmentWords * 8;
        byte[] message = Arrays.copyOfRange(bytes, 8, messageEnd);
        ConnectResponse head = ConnectResponse.read(decodeAll(message).get(0).reader());
        return new Response(head, message, Arrays.copyOfRange(bytes, messageEnd, bytes.length));
    }

    private static List<CapnpMessage> decodeAll(byte[] bytes) {
        EmbeddedChannel decoder = new EmbeddedChannel(new CapnpFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<CapnpMessage> messages = new ArrayList<>();
        for (Object m; (m = decoder.readInbound()) != null; ) {
            messages.add((CapnpMessage) m);
        }
        decoder.finishAndReleaseAll();
        return messages;
    }

    private record Response(ConnectResponse head, byte[] wholeMessage, byte[] body) {}
}
