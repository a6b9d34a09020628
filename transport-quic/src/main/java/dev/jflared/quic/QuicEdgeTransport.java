package dev.jflared.quic;

import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.RpcOptions;
import dev.jflared.transport.ControlStream;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.Protocol;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC transport: one {@link QuicEdgeConnection} per {@link #connect}, as cloudflared's {@code protocol: quic}.
 * Found through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.jflared.transport.EdgeTransport}).
 *
 * <h2>Connect</h2>
 * <ol>
 *   <li>Take one event loop of the request's group: the connection, every stream and every origin connection of
 *       those streams stay on it.</li>
 *   <li>Dial with {@link EdgeQuicDialer} (cloudflared's TLS and transport parameters).</li>
 *   <li>Open the control stream (client bidirectional stream 0, no preamble) and register over it with
 *       {@link ControlStream}.</li>
 * </ol>
 * All of it within {@link EdgeConnectRequest#registrationTimeout()}. On any failure the QUIC connection is closed and
 * the future fails: {@link dev.jflared.transport.RegistrationRejectedException} as the edge sent it,
 * {@link EdgeQuicDialException} when the edge could not be reached, a {@link TimeoutException} when the time ran out,
 * or the RPC error.
 *
 * <h2>Metrics</h2>
 * From the dial on, {@link QuicStatsReporter} feeds the connection's figures to the request's
 * {@link EdgeConnectRequest#metrics()} ({@code quic_client_*}).
 */
public final class QuicEdgeTransport implements EdgeTransport {

    private static final Logger logger = LoggerFactory.getLogger(QuicEdgeTransport.class);

    /** Public for {@link java.util.ServiceLoader}; holds no state. */
    public QuicEdgeTransport() {}

    @Override
    public Protocol protocol() {
        return Protocol.QUIC;
    }

    @Override
    public CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request) {
        EventLoop loop = request.eventLoopGroup().next();
        QuicEdgeConnection connection = new QuicEdgeConnection(request, loop);
        CompletableFuture<EdgeConnection> result = new CompletableFuture<>();
        Duration timeout = request.registrationTimeout();
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            if (result.completeExceptionally(new TimeoutException("connection " + request.connIndex() + " to "
                    + request.address() + " was not registered within " + timeout))) {
                connection.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((ignored, error) -> deadline.cancel(false));
        EdgeQuicDialer dialer = EdgeQuicDialer.builder()
                .eventLoopGroup(loop)
                .trust(request.trust())
                .connectionHandler(connection.connectionHandler())
                .streamHandler(connection.streamInitializer())
                .handshakeTimeout(min(QuicSettings.HANDSHAKE_TIMEOUT, timeout))
                .build();
        Future<QuicChannel> dialled = dialer.dial(request.address().socketAddress());
        QuicStatsReporter.report(request.metrics(), dialled);
        dialled.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            QuicChannel quic = (QuicChannel) f.getNow();
            connection.attach(quic);
            if (result.isDone()) {
                connection.close();
                return;
            }
            openControlStream(request, quic, connection, result);
        });
        return result;
    }

    private static void openControlStream(EdgeConnectRequest request, QuicChannel quic,
            QuicEdgeConnection connection, CompletableFuture<EdgeConnection> result) {
        RpcOptions options = RpcOptions.DEFAULT.withCallTimeout(request.registrationTimeout());
        CompletableFuture<RpcConnection> rpc = new CompletableFuture<>();
        quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                rpc.complete(RpcConnection.client(stream, options));
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                fail(connection, result, f.cause());
                return;
            }
            RpcConnection controlRpc = rpc.getNow(null);
            if (controlRpc == null) {
                fail(connection, result, new IllegalStateException("the control stream was not initialised"));
                return;
            }
            InetAddress localIp = localAddressToward(quic.localSocketAddress(), request.address().socketAddress());
            ControlStream.register(controlRpc, request, localIp).whenComplete((control, error) -> {
                if (error != null) {
                    fail(connection, result, error);
                } else if (!result.isDone()) {
                    connection.registered(control);
                    if (!result.complete(connection)) {
                        connection.close();
                    }
                } else {
                    connection.close();
                }
            });
        });
    }

    private static void fail(QuicEdgeConnection connection, CompletableFuture<EdgeConnection> result,
            Throwable cause) {
        logger.atDebug().setCause(cause).addKeyValue("connIndex", connection.connIndex())
                .log("registration failed; closing the QUIC connection");
        connection.close();
        result.completeExceptionally(cause);
    }

    /**
     * The address our UDP socket uses toward the edge, sent as {@code originLocalIp}. The socket is bound to the
     * wildcard address, so ask the routing table the way a connected UDP socket does (no packet is sent).
     */
    static InetAddress localAddressToward(SocketAddress bound, InetSocketAddress edge) {
        InetAddress local = bound instanceof InetSocketAddress address ? address.getAddress() : null;
        if (local != null && !local.isAnyLocalAddress()) {
            return local;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(edge);
            return probe.getLocalAddress();
        } catch (IOException e) {
            return local != null ? local : InetAddress.getLoopbackAddress();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
