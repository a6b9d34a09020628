package dev.jflared.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import dev.jflared.testing.Golden;
import dev.jflared.transport.ConnectionServices;
import dev.jflared.transport.ControlStream;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.RegistrationInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.capnproto.Serialize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replays the edge's side of the captured HTTP/2 control stream ({@code http2/raw/http2-conn1/control.edge2cfd.bin}),
 * one DATA frame per message as the edge sent them, through {@link StreamBytesDecoder}/{@link StreamBytesEncoder}
 * into the registration, and checks that the DATA we send carries cloudflared's bytes
 * ({@code control.cfd2edge.bin}) and ends with END_STREAM.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlStreamGoldenTest {

    private static final String RAW = "http2/raw/http2-conn1/";
    private static final String SPLIT = "http2/decoded/split/";

    private final EmbeddedChannel channel = new EmbeddedChannel(new StreamBytesDecoder(), new StreamBytesEncoder());

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void registrationOverDataFramesWritesCloudflaredsBytes() throws Exception {
        RegisterConnectionParams golden = RegisterConnectionParams.read(
                root(SPLIT + "control.cfd2edge.m01.content.bin").getRoot(RegisterConnectionParams.FACTORY));
        String localConfig = UpdateLocalConfigurationParams.read(
                root(SPLIT + "control.cfd2edge.m04.content.bin").getRoot(UpdateLocalConfigurationParams.FACTORY))
                .config();
        List<byte[]> answers = messages(Golden.bytes(RAW + "control.edge2cfd.bin"));
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        CompletableFuture<ControlStream> registered = ControlStream.register(RpcConnection.client(channel),
                request(golden, localConfig), InetAddress.getByName("127.0.0.1"));
        drainInto(sent);
        feed(answers.get(0));
        feed(answers.get(1));
        ControlStream control = registered.getNow(null);
        drainInto(sent);
        feed(answers.get(2));
        CompletableFuture<Void> unregistered = control.unregister(Duration.ofSeconds(5));
        drainInto(sent);
        feed(answers.get(3));
        Http2DataFrame last = drainInto(sent);

        assertThat(control.details().locationName()).isEqualTo("REF");
        assertThat(unregistered).isCompleted();
        List<Message.Reader> ours = decode(messages(sent.toByteArray()));
        List<Message.Reader> cloudflared = decode(messages(Golden.bytes(RAW + "control.cfd2edge.bin")));
        assertThat(ours.stream().map(ControlStreamGoldenTest::describe))
                .containsExactlyElementsOf(cloudflared.stream().map(ControlStreamGoldenTest::describe).toList());
        assertThat(RegisterConnectionParams.read(ours.get(1).call().params().content())).isEqualTo(golden);
        assertThat(UpdateLocalConfigurationParams.read(ours.get(4).call().params().content()).config())
                .isEqualTo(localConfig);
        assertThat(last.isEndStream()).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void endStreamFromTheEdgeEndsTheRpcConnection() throws Exception {
        RpcConnection rpc = RpcConnection.client(channel);

        channel.writeInbound(new DefaultHttp2DataFrame(true));

        assertThat(rpc.closeFuture()).isCompleted();
    }

    private static List<Message.Reader> decode(List<byte[]> messages) throws IOException {
        List<Message.Reader> out = new ArrayList<>();
        for (byte[] message : messages) {
            out.add(Serialize.read(ByteBuffer.wrap(message)).getRoot(Message.factory));
        }
        return out;
    }

    /** One message as the golden summary names it: its kind and the ids that order the conversation. */
    private static String describe(Message.Reader message) {
        return switch (message.which()) {
            case BOOTSTRAP -> "bootstrap question=" + message.bootstrap().questionId();
            case CALL -> "call question=" + message.call().questionId() + " interface=0x"
                    + Long.toHexString(message.call().interfaceId()) + " method=" + message.call().methodId()
                    + " target=" + message.call().target().which();
            case FINISH -> "finish question=" + message.finish().questionId();
            case RELEASE -> "release id=" + message.release().id() + " count=" + message.release().referenceCount();
            case ABORT -> "abort reason=" + message.abort().reason();
            default -> message.which().name();
        };
    }

    private void feed(byte[] message) {
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(message)));
    }

    /** Moves every written DATA frame's bytes into {@code sent}; returns the last frame seen (released). */
    private Http2DataFrame drainInto(ByteArrayOutputStream sent) {
        Http2DataFrame last = null;
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            Http2DataFrame frame = (Http2DataFrame) msg;
            ByteBuf content = frame.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.readBytes(bytes);
            sent.writeBytes(bytes);
            frame.release();
            last = frame;
        }
        return last;
    }

    private EdgeConnectRequest request(RegisterConnectionParams golden, String localConfig) throws Exception {
        TunnelCredentials credentials = new TunnelCredentials(golden.auth().accountTag(),
                golden.auth().tunnelSecret(), golden.tunnelId(), Optional.empty());
        RegistrationInfo info = new RegistrationInfo(credentials, golden.options().client().clientId(),
                golden.options().client().features(), golden.options().client().version(),
                golden.options().client().arch(), false, 0);
        ConnectionServices services = new ConnectionServices() {
            @Override
            public OriginProxy proxy() {
                throw new UnsupportedOperationException("no data streams here");
            }

            @Override
            public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String json) {
                throw new UnsupportedOperationException("no configuration pushes here");
            }

            @Override
            public Optional<String> localConfigurationJson() {
                return Optional.of(localConfig);
            }
        };
        return new EdgeConnectRequest(0, EdgeAddress.of(InetAddress.getLoopbackAddress(), 7844),
                EdgeTrust.cloudflareRoots(), info, services, channel.eventLoop(), Duration.ofSeconds(5));
    }

    private static org.capnproto.MessageReader root(String golden) throws IOException {
        return Serialize.read(ByteBuffer.wrap(Golden.bytes(golden)));
    }

    /** Cuts a stream of standard-framed Cap'n Proto messages into its messages. */
    static List<byte[]> messages(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int start = in.position();
            int segments = in.getInt() + 1;
            long words = 0;
            for (int i = 0; i < segments; i++) {
                words += Integer.toUnsignedLong(in.getInt());
            }
            int header = 4 + 4 * segments;
            header += header % 8;
            int length = header + (int) words * 8;
            byte[] message = new byte[length];
            in.position(start);
            in.get(message);
            out.add(message);
        }
        return out;
    }
}
