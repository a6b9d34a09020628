package dev.jflared.quic;

import dev.jflared.edge.EdgeTrust;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens QUIC connections to edge addresses the way cloudflared does: SNI {@value QuicSettings#SERVER_NAME}, ALPN
 * {@value QuicSettings#APPLICATION_PROTOCOL}, TLS 1.3 (QUIC has no other), post-quantum key exchange first, the
 * edge's certificate verified against an {@link EdgeTrust} including its host name, and cloudflared's transport
 * parameters ({@link QuicSettings}).
 *
 * <pre>{@code
 * EdgeQuicDialer dialer = EdgeQuicDialer.builder()
 *         .eventLoopGroup(group)
 *         .trust(EdgeTrust.standard())
 *         .streamHandler(new EdgeStreamInitializer())   // streams the edge opens toward us
 *         .build();
 * dialer.dial(edgeAddress).addListener(...);           // Future<QuicChannel>
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Every {@link #dial} binds its own UDP socket (an ephemeral port) on one loop of the group; the QUIC channel and
 * all its streams live on that loop. Closing the QUIC channel closes the socket. A failed dial closes it at once.
 *
 * <h2>Streams</h2>
 * Streams the edge opens are given to the stream handler (a {@code ChannelInitializer} or a {@code @Sharable}
 * handler) with {@link ChannelOption#ALLOW_HALF_CLOSURE} set: the edge sends FIN after a request, and our answer
 * must still be writable then. Reading the FIN raises {@code ChannelInputShutdownReadComplete}.
 *
 * <h2>Errors</h2>
 * The returned future fails with {@link EdgeQuicDialException} when the socket, the handshake (a certificate the
 * trust rejects, no common ALPN) or the {@linkplain Builder#handshakeTimeout handshake timeout} fails.
 *
 * <p>Instances are immutable and thread-safe; one dialer serves every connection of a tunnel.
 */
public final class EdgeQuicDialer {

    private static final Logger logger = LoggerFactory.getLogger(EdgeQuicDialer.class);

    private final EventLoopGroup group;
    private final ChannelFactory<? extends DatagramChannel> datagramChannelFactory;
    private final QuicSslContext sslContext;
    private final ChannelHandler connectionHandler;
    private final ChannelHandler streamHandler;
    private final Duration handshakeTimeout;
    private final String trustDescription;

    private EdgeQuicDialer(Builder builder) {
        this.trustDescription = builder.trust.description();
        this.group = builder.group;
        this.datagramChannelFactory = builder.datagramChannelFactory;
        this.connectionHandler = builder.connectionHandler;
        this.streamHandler = builder.streamHandler;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.sslContext = QuicSslContextBuilder.forClient()
                .trustManager(builder.trust.trustManagerFactory())
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocols(QuicSettings.APPLICATION_PROTOCOL)
                .option(BoringSSLContextOption.GROUPS, QuicSettings.KEY_EXCHANGE_GROUPS.toArray(new String[0]))
                .build();
    }

    /** A builder; the event loop group, the trust and the stream handler are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a QUIC connection to {@code edgeAddress}. The future completes on the connection's event loop with the
     * established channel, or fails with {@link EdgeQuicDialException}.
     */
    public Future<QuicChannel> dial(InetSocketAddress edgeAddress) {
        Objects.requireNonNull(edgeAddress, "edgeAddress");
        if (edgeAddress.isUnresolved()) {
            throw new IllegalArgumentException("edgeAddress: " + edgeAddress + " is unresolved; resolve it first");
        }
        EventLoop loop = group.next();
        Promise<QuicChannel> promise = loop.newPromise();
        ChannelFuture bound = new Bootstrap()
                .group(loop)
                .channelFactory(datagramChannelFactory)
                .option(ChannelOption.SO_RCVBUF, QuicSettings.UDP_SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, QuicSettings.UDP_SOCKET_BUFFER)
                .handler(codecFor(edgeAddress))
                .bind(0);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                connect(bound.channel(), edgeAddress, promise);
            } else {
                bound.channel().close();
                promise.setFailure(new EdgeQuicDialException(edgeAddress, f.cause(), ""));
            }
        });
        return promise;
    }

    private void connect(Channel udp, InetSocketAddress edgeAddress, Promise<QuicChannel> promise) {
        QuicChannel.newBootstrap(udp)
                .handler(connectionHandler)
                .streamHandler(streamHandler)
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) handshakeTimeout.toMillis())
                .remoteAddress(edgeAddress)
                .connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        QuicChannel quic = (QuicChannel) f.getNow();
                        quic.closeFuture().addListener(closed -> udp.close());
                        logger.debug("{} QUIC connection to {} established", quic, edgeAddress);
                        if (!promise.trySuccess(quic)) {
                            quic.close();
                        }
                    } else {
                        udp.close();
                        promise.tryFailure(new EdgeQuicDialException(edgeAddress, f.cause(), hintFor(f.cause())));
                    }
                });
    }

    private String hintFor(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return " (the edge's certificate for " + QuicSettings.SERVER_NAME + " was checked against "
                        + trustDescription + ")";
            }
        }
        return "";
    }

    private ChannelHandler codecFor(InetSocketAddress edgeAddress) {
        boolean ipv6 = edgeAddress.getAddress() instanceof Inet6Address;
        return new QuicClientCodecBuilder()
                .sslEngineProvider(quic -> sslContext.newEngine(
                        quic.alloc(), QuicSettings.SERVER_NAME, edgeAddress.getPort()))
                .maxIdleTimeout(QuicSettings.MAX_IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .maxSendUdpPayloadSize(ipv6 ? QuicSettings.MAX_UDP_PAYLOAD_IPV6 : QuicSettings.MAX_UDP_PAYLOAD_IPV4)
                .initialMaxData(QuicSettings.CONNECTION_RECEIVE_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(QuicSettings.STREAM_RECEIVE_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(QuicSettings.STREAM_RECEIVE_WINDOW)
                .initialMaxStreamDataUnidirectional(QuicSettings.STREAM_RECEIVE_WINDOW)
                .initialMaxStreamsBidirectional(QuicSettings.MAX_INCOMING_STREAMS)
                .initialMaxStreamsUnidirectional(QuicSettings.MAX_INCOMING_STREAMS)
                .datagram(QuicSettings.DATAGRAM_RECEIVE_QUEUE, QuicSettings.DATAGRAM_SEND_QUEUE)
                .build();
    }

    /** Builds an {@link EdgeQuicDialer}. */
    public static final class Builder {

        private EventLoopGroup group;
        private EdgeTrust trust;
        private ChannelHandler streamHandler;
        private ChannelHandler connectionHandler = DatagramDiscarder.INSTANCE;
        private ChannelFactory<? extends DatagramChannel> datagramChannelFactory = NioDatagramChannel::new;
        private Duration handshakeTimeout = QuicSettings.HANDSHAKE_TIMEOUT;

        private Builder() {}

        /** The loops connections run on; required. Its transport must match the datagram channel factory. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The CAs the edge's certificate must chain to; required. */
        public Builder trust(EdgeTrust trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Handles each stream the edge opens: a {@code ChannelInitializer} or a {@code @Sharable} handler;
         * required.
         */
        public Builder streamHandler(ChannelHandler streamHandler) {
            this.streamHandler = Objects.requireNonNull(streamHandler, "streamHandler");
            return this;
        }

        /**
         * The QUIC connection's own handler: it receives datagrams as {@code ByteBuf} (and must release them) and
         * must pass every other message on, new stream channels included. Default: releases datagrams.
         */
        public Builder connectionHandler(ChannelHandler connectionHandler) {
            this.connectionHandler = Objects.requireNonNull(connectionHandler, "connectionHandler");
            return this;
        }

        /** Creates the UDP channels; default NIO ({@link NioDatagramChannel}). */
        public Builder datagramChannelFactory(ChannelFactory<? extends DatagramChannel> factory) {
            this.datagramChannelFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** How long the handshake may take; default {@link QuicSettings#HANDSHAKE_TIMEOUT} (5 s). */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                    || handshakeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("handshakeTimeout: " + handshakeTimeout
                        + " (expected > 0 and <= 10 minutes)");
            }
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        /**
         * A new dialer.
         *
         * @throws IllegalStateException when the event loop group, the trust or the stream handler is missing
         */
        public EdgeQuicDialer build() {
            requireSet(group, "eventLoopGroup");
            requireSet(trust, "trust");
            requireSet(streamHandler, "streamHandler");
            return new EdgeQuicDialer(this);
        }

        private static void requireSet(Object value, String setter) {
            if (value == null) {
                throw new IllegalStateException(setter + "(...) must be called before build()");
            }
        }
    }
}
