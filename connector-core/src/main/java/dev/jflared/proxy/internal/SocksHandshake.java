package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ChannelBodySource;
import dev.jflared.proxy.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS5 (RFC 1928) server cloudflared speaks inside an Access client's websocket (its {@code socks} package,
 * {@code StandardConnectionHandler.Serve}): no authentication, CONNECT only, the destination reached through a
 * {@link SocksDialer}. Once connected, the bytes already received after the request go to the destination first.
 *
 * <h2>What the client hears</h2>
 * <ul>
 *   <li>The greeting: {@code 05 00} when it offers "no authentication", else {@code 05 FF} and the end.</li>
 *   <li>A request that is not version 5, or names an unknown address type: the end, with no reply.</li>
 *   <li>A command other than CONNECT: reply 7 (command not supported), then the end.</li>
 *   <li>CONNECT: reply 0 with the address the origin connection is bound to, then bytes both ways; or the dialer's
 *       refusal, naming the destination where cloudflared does (a rule failure), then the end.</li>
 * </ul>
 * The end is a websocket close toward the eyeball.
 *
 * <h2>Ownership</h2>
 * Payload chunks are copied into one buffer of received bytes and released; that buffer goes to the relay, or is
 * released when the handshake ends without one. Event-loop confined.
 */
final class SocksHandshake implements BodyReceiver {

    private final WebSocketFraming framing;
    private final SocksDialer dialer;
    private final ByteBufAllocator allocator;
    private final BodySource payloads;
    private ByteBuf received;
    private boolean greeted;
    // The greeting and request are dealt with: no more payloads are read here.
    private boolean handled;
    private boolean payloadsOver;

    private SocksHandshake(WebSocketFraming framing, SocksDialer dialer, ByteBufAllocator allocator) {
        this.framing = framing;
        this.dialer = dialer;
        this.allocator = allocator;
        this.payloads = framing.payloads();
        this.received = allocator.buffer(64);
    }

    /**
     * Accepts the Access client's websocket ({@code 101}) and runs the SOCKS5 server in it, connecting through
     * {@code dialer}. Event-loop only.
     */
    static void serve(ProxiedRequest call, SocksDialer dialer, ByteBufAllocator allocator) {
        BodySink toEyeball = call.respond(new ResponseHead(101,
                StreamOrigin.websocketAccept(call.request().headers()), ResponseHead.Source.ORIGIN));
        WebSocketFraming framing = new WebSocketFraming(call.request().body(), toEyeball, allocator,
                call.request().eventLoop());
        SocksHandshake handshake = new SocksHandshake(framing, dialer, allocator);
        handshake.payloads.subscribe(handshake);
        handshake.payloads.request();
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        if (received != null) {
            received.writeBytes(chunk);
        }
        chunk.release();
    }

    @Override
    public void onReadComplete() {
        if (!handled && !greeted) {
            greet();
        }
        if (!handled && greeted) {
            readRequest();
        }
        if (!handled) {
            payloads.request();
        }
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        payloadsOver = true;
        end(null);
    }

    @Override
    public void onError(Throwable cause) {
        payloadsOver = true;
        end(null);
    }

    /** Answers the greeting once it is all here. */
    private void greet() {
        int start = received.readerIndex();
        if (!versionFive()) {
            return;
        }
        if (received.readableBytes() < 2 || received.readableBytes() < 2 + received.getUnsignedByte(start + 1)) {
            return;
        }
        received.skipBytes(1);
        int methods = received.readUnsignedByte();
        boolean noAuth = false;
        for (int i = 0; i < methods; i++) {
            noAuth |= received.readUnsignedByte() == Socks5.NO_AUTH;
        }
        if (!noAuth) {
            end(new byte[] {Socks5.VERSION, (byte) Socks5.NO_ACCEPTABLE});
            return;
        }
        send(new byte[] {Socks5.VERSION, Socks5.NO_AUTH});
        greeted = true;
    }

    /** Carries out the request once it is all here. */
    private void readRequest() {
        int start = received.readerIndex();
        if (!versionFive()) {
            return;
        }
        if (received.readableBytes() < 4) {
            return;
        }
        int type = received.getUnsignedByte(start + 3);
        if (type != Socks5.IPV4 && type != Socks5.IPV6 && type != Socks5.DOMAIN_NAME) {
            end(null);
            return;
        }
        if (type == Socks5.DOMAIN_NAME && received.readableBytes() < 5) {
            return;
        }
        int addressLength = type == Socks5.IPV4 ? 4
                : type == Socks5.IPV6 ? 16 : 1 + received.getUnsignedByte(start + 4);
        if (received.readableBytes() < 4 + addressLength + 2) {
            return;
        }
        received.skipBytes(1);
        int command = received.readUnsignedByte();
        received.skipBytes(2);
        SocksDialer.Destination destination = readDestination(type);
        if (command != Socks5.CONNECT) {
            end(reply(Socks5.COMMAND_NOT_SUPPORTED, null));
            return;
        }
        handled = true;
        dialer.dial(destination).addListener(f -> {
            if (received == null) {
                // The eyeball went away while we dialled.
                if (f.isSuccess()) {
                    ((Channel) f.getNow()).close();
                }
            } else if (f.isSuccess()) {
                relay((Channel) f.getNow());
            } else {
                SocksDialer.Refusal refusal = (SocksDialer.Refusal) f.cause();
                end(reply(refusal.reply(), refusal.echoed()));
            }
        });
    }

    /**
     * Whether the next message has begun with version 5. A message of another version ends the stream without a
     * reply, as cloudflared's does; an empty buffer is just not here yet.
     */
    private boolean versionFive() {
        if (!received.isReadable()) {
            return false;
        }
        if (received.getUnsignedByte(received.readerIndex()) != Socks5.VERSION) {
            end(null);
            return false;
        }
        return true;
    }

    private SocksDialer.Destination readDestination(int type) {
        if (type == Socks5.DOMAIN_NAME) {
            String name = received.readCharSequence(received.readUnsignedByte(), StandardCharsets.US_ASCII).toString();
            return new SocksDialer.Destination(name, null, received.readUnsignedShort());
        }
        byte[] raw = new byte[type == Socks5.IPV4 ? 4 : 16];
        received.readBytes(raw);
        try {
            return new SocksDialer.Destination("", InetAddress.getByAddress(raw), received.readUnsignedShort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes always make an address", e);
        }
    }

    /** Reports success with the origin connection's own address, then relays. */
    private void relay(Channel origin) {
        InetSocketAddress bound = (InetSocketAddress) origin.localAddress();
        send(reply(Socks5.SUCCEEDED, new SocksDialer.Destination("", bound.getAddress(), bound.getPort())));
        ChannelBodySource fromOrigin = ChannelBodySource.install(origin, "socks-from-origin");
        ChannelBodySink toOrigin = ChannelBodySink.install(origin, "socks-to-origin", ChannelBodySink.Framing.RAW);
        ByteBuf early = received;
        received = null;
        StreamRelay.start(origin, new PrefixedSource(early, payloads), toOrigin, fromOrigin, framing.frames());
    }

    // cloudflared's sendReply: 0.0.0.0:0 for no address, else the name or the address it is given.
    private static byte[] reply(int code, SocksDialer.Destination address) {
        if (address == null) {
            return new byte[] {Socks5.VERSION, (byte) code, 0, Socks5.IPV4, 0, 0, 0, 0, 0, 0};
        }
        byte[] body;
        int type;
        if (!address.name().isEmpty()) {
            byte[] name = address.name().getBytes(StandardCharsets.US_ASCII);
            body = new byte[1 + name.length];
            body[0] = (byte) name.length;
            System.arraycopy(name, 0, body, 1, name.length);
            type = Socks5.DOMAIN_NAME;
        } else {
            body = address.address().getAddress();
            type = body.length == 4 ? Socks5.IPV4 : Socks5.IPV6;
        }
        byte[] message = new byte[6 + body.length];
        message[0] = Socks5.VERSION;
        message[1] = (byte) code;
        message[3] = (byte) type;
        System.arraycopy(body, 0, message, 4, body.length);
        message[4 + body.length] = (byte) (address.port() >> 8);
        message[5 + body.length] = (byte) address.port();
        return message;
    }

    private void send(byte[] bytes) {
        framing.frames().write(allocator.buffer(bytes.length).writeBytes(bytes));
        framing.frames().flush();
    }

    /** Ends the stream without a relay, after {@code lastWords} when there are some. */
    private void end(byte[] lastWords) {
        if (received == null) {
            return;
        }
        handled = true;
        received.release();
        received = null;
        if (lastWords != null) {
            send(lastWords);
        }
        framing.frames().end(EmptyHttpHeaders.INSTANCE);
        if (!payloadsOver) {
            payloads.abort(new IllegalStateException("the socks handshake ended without a connection"));
        }
        dialer.abandon();
    }
}
