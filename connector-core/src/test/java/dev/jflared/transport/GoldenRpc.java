package dev.jflared.transport;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Golden frames, the golden README's test credentials and a recording {@link ConnectionServices}. */
final class GoldenRpc {

    static final UUID TUNNEL_ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    static final String ACCOUNT_TAG = "0123456789abcdef0123456789abcdef";
    static final byte[] SECRET = secret();

    private GoldenRpc() {}

    static TunnelCredentials credentials() {
        return new TunnelCredentials(ACCOUNT_TAG, SECRET, TUNNEL_ID, Optional.empty());
    }

    static EdgeConnectRequest request(int connIndex, RegistrationInfo registration, ConnectionServices services,
            EventLoopGroup group) {
        return request(connIndex, registration, services, group, ConnectionMetrics.none());
    }

    static EdgeConnectRequest request(int connIndex, RegistrationInfo registration, ConnectionServices services,
            EventLoopGroup group, ConnectionMetrics metrics) {
        return new EdgeConnectRequest(connIndex, EdgeAddress.of(InetAddress.getLoopbackAddress(), 7844),
                EdgeTrust.cloudflareRoots(), registration, services, group, Duration.ofSeconds(5), metrics);
    }

    /** Each complete framed message of a golden file as its wire bytes, skipping {@code skip} leading bytes. */
    static List<byte[]> frames(String relative, int skip) {
        byte[] bytes = Golden.bytes(relative);
        return split(Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    /** Each complete framed message in {@code bytes}; a partial last frame is left out. */
    static List<byte[]> split(byte[] bytes) {
        int skip = 0;
        List<byte[]> frames = new ArrayList<>();
        int offset = skip;
        while (offset < bytes.length) {
            int count = intLe(bytes, offset) + 1;
            int table = (4 * (count + 1) + 7) & ~7;
            int body = 0;
            for (int i = 0; i < count; i++) {
                body += intLe(bytes, offset + 4 + 4 * i) * 8;
            }
            if (offset + table + body > bytes.length) {
                break;
            }
            frames.add(Arrays.copyOfRange(bytes, offset, offset + table + body));
            offset += table + body;
        }
        return frames;
    }

    /** Decodes the framed messages in {@code bytes}. */
    static List<CapnpMessage> decode(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<CapnpMessage> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add((CapnpMessage) m);
        }
        channel.finishAndReleaseAll();
        return messages;
    }

    /** Every outbound buffer written so far to {@code channel}, concatenated; releases them. */
    static byte[] drainBytes(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object m; (m = channel.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) m;
                all.writeBytes(buf);
                buf.release();
            }
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            return bytes;
        } finally {
            all.release();
        }
    }

    static List<Message.Reader> drain(EmbeddedChannel channel) {
        return decode(drainBytes(channel)).stream().map(m -> m.getRoot(Message.factory)).toList();
    }

    static List<Message.Reader> golden(String relative, int skip) {
        byte[] bytes = Golden.bytes(relative);
        return decode(Arrays.copyOfRange(bytes, skip, bytes.length)).stream()
                .map(m -> m.getRoot(Message.factory)).toList();
    }

    private static int intLe(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16
                | (bytes[offset + 3] & 0xFF) << 24;
    }

    private static byte[] secret() {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) i;
        }
        return secret;
    }

    /** Services that record configuration pushes and answer them as applied. */
    static final class RecordingServices implements ConnectionServices {
        final List<String> pushes = new ArrayList<>();
        private final Optional<String> localConfiguration;
        private final OriginProxy proxy;

        RecordingServices(Optional<String> localConfiguration, OriginProxy proxy) {
            this.localConfiguration = localConfiguration;
            this.proxy = proxy;
        }

        @Override
        public OriginProxy proxy() {
            return proxy;
        }

        @Override
        public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson) {
            pushes.add(version + " " + configJson);
            return CompletableFuture.completedFuture(new UpdateConfigurationResponse(version, ""));
        }

        @Override
        public Optional<String> localConfigurationJson() {
            return localConfiguration;
        }
    }
}
