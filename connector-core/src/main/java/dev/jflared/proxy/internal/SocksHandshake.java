package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ChannelBodySource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS5 (RFC 1928) server half of {@link SocksProxyOrigin}: no authentication, CONNECT only, as
 * cloudflared's {@code socks} package. Replies: {@code 0} success, {@code 2} denied by {@code ipRules},
 * {@code 4} host unreachable (name not resolved), {@code 5} connection refused, {@code 7} command not supported.
 * Once connected, the bytes already received after the request go to the destination first.
 */
final class SocksHandshake implements BodyReceiver {

    private static final int VERSION = 5;
    private static final int CONNECT = 1;
    private static final int SUCCEEDED = 0;
    private static final int RULE_FAILURE = 2;
    private static final int HOST_UNREACHABLE = 4;
    private static final int CONNECTION_REFUSED = 5;
    private static final int COMMAND_NOT_SUPPORTED = 7;

    private final WebSocketFraming framing;
    private final StreamOrigin streams;
    private final OriginRequestConfig config;
    private final EventLoop loop;
    private final ByteBufAllocator allocator;
    private final BodySource payloads;
    private ByteBuf received;
    private boolean greeted;
    private boolean over;

    SocksHandshake(WebSocketFraming framing, StreamOrigin streams, OriginRequestConfig config, EventLoop loop,
                   ByteBufAllocator allocator) {
        this.framing = framing;
        this.streams = streams;
        this.config = config;
        this.loop = loop;
        this.allocator = allocator;
        this.payloads = framing.payloads();
        this.received = allocator.buffer(64);
    }

    void start() {
        payloads.subscribe(this);
        payloads.request();
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        if (received == null) {
            chunk.release();
            return;
        }
        received.writeBytes(chunk);
        chunk.release();
    }

    @Override
    public void onReadComplete() {
        if (over) {
            return;
        }
        if (!greeted && greeting()) {
            greeted = true;
        }
        if (greeted && request()) {
            return;
        }
        if (!over) {
            payloads.request();
        }
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        giveUp();
    }

    @Override
    public void onError(Throwable cause) {
        giveUp();
    }

    private boolean greeting() {
        if (received.readableBytes() < 2 || received.readableBytes() < 2 + received.getUnsignedByte(1)) {
            return false;
        }
        if (received.readUnsignedByte() != VERSION) {
            giveUp();
            return false;
        }
        received.skipBytes(received.readUnsignedByte());
        send(new byte[] {VERSION, 0});
        return true;
    }

    /** Parses the CONNECT request when it is complete; true once it was handled. */
    private boolean request() {
        int start = received.readerIndex();
        if (received.readableBytes() < 5) {
            return false;
        }
        int type = received.getUnsignedByte(start + 3);
        int addressLength = type == 1 ? 4 : type == 4 ? 16 : type == 3 ? 1 + received.getUnsignedByte(start + 4) : -1;
        if (addressLength < 0) {
            reply(COMMAND_NOT_SUPPORTED);
            return true;
        }
        if (received.readableBytes() < 4 + addressLength + 2) {
            return false;
        }
        received.skipBytes(1);
        int command = received.readUnsignedByte();
        received.skipBytes(2);
        String host;
        if (type == 3) {
            host = received.readCharSequence(received.readUnsignedByte(), StandardCharsets.US_ASCII).toString();
        } else {
            byte[] raw = new byte[addressLength];
            received.readBytes(raw);
            host = NetUtil.bytesToIpAddress(raw);
        }
        int port = received.readUnsignedShort();
        if (command != CONNECT) {
            reply(COMMAND_NOT_SUPPORTED);
            return true;
        }
        over = true;
        GlobalEventExecutor.INSTANCE.execute(() -> {
            try {
                InetAddress address = InetAddress.getByName(host);
                loop.execute(() -> connect(address, port));
            } catch (Exception e) {
                loop.execute(() -> reply(HOST_UNREACHABLE));
            }
        });
        return true;
    }

    private void connect(InetAddress address, int port) {
        if (!IpRules.allows(config.ipRules(), address, port)) {
            reply(RULE_FAILURE);
            return;
        }
        streams.dial(loop, address.getHostAddress(), port, config).addListener(f -> {
            if (!f.isSuccess()) {
                reply(CONNECTION_REFUSED);
                return;
            }
            Channel origin = (Channel) f.getNow();
            InetSocketAddress bound = (InetSocketAddress) origin.localAddress();
            ByteBuf answer = allocator.buffer(22);
            answer.writeByte(VERSION).writeByte(SUCCEEDED).writeByte(0);
            byte[] boundAddress = bound.getAddress().getAddress();
            answer.writeByte(boundAddress.length == 4 ? 1 : 4).writeBytes(boundAddress).writeShort(bound.getPort());
            framing.frames().write(answer);
            framing.frames().flush();
            ChannelBodySource fromOrigin = ChannelBodySource.install(origin, "socks-from-origin");
            ChannelBodySink toOrigin = ChannelBodySink.install(origin, "socks-to-origin", ChannelBodySink.Framing.RAW);
            ByteBuf early = received;
            received = null;
            StreamRelay.start(origin, new PrefixedSource(early, payloads), toOrigin, fromOrigin, framing.frames());
        });
    }

    private void reply(int status) {
        over = true;
        send(new byte[] {VERSION, (byte) status, 0, 1, 0, 0, 0, 0, 0, 0});
        framing.frames().end(EmptyHttpHeaders.INSTANCE);
        payloads.abort(new IllegalStateException("socks request refused with status " + status));
        releaseReceived();
    }

    private void send(byte[] bytes) {
        framing.frames().write(allocator.buffer(bytes.length).writeBytes(bytes));
        framing.frames().flush();
    }

    private void giveUp() {
        if (!over) {
            over = true;
            framing.frames().end(EmptyHttpHeaders.INSTANCE);
        }
        releaseReceived();
    }

    private void releaseReceived() {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
