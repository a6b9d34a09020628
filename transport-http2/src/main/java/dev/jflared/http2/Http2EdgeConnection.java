package dev.jflared.http2;

import static java.util.Objects.requireNonNull;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.ChannelBodySource;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.transport.ControlStream;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection to the edge, on which we are the HTTP/2 <em>server</em> although we dialled the TCP+TLS
 * connection: the edge sends every request, the control stream included, as an HTTP/2 request
 * (cloudflared {@code connection/http2.go}).
 *
 * <pre>
 * tcp -- tls (SNI h2.cftunnel.com, no ALPN) -- Http2FrameCodec (server) -- Http2MultiplexHandler
 *                                                                         -- EdgeConnectionHandler
 *     one child channel per stream:  EdgeStreamHandler, then by the stream's first HEADERS frame:
 *       control-stream        200, StreamBytesDecoder/Encoder, RpcConnection (client) -> ControlStream.register
 *       update-configuration  StreamCompletionHandler, StreamBytesDecoder, ConfigurationUpdateHandler
 *       otherwise (http, websocket, tcp)
 *                             StreamCompletionHandler, StreamBytesDecoder, ChannelBodySource, StreamErrorHandler,
 *                             then ChannelBodySink once the origin answers (Http2TunnelResponder)
 * </pre>
 *
 * <h2>Threads</h2>
 * The connection, its streams and the origin connections of its requests all live on one event loop, taken from
 * the request's group. The {@link EdgeConnection} methods may be called from any thread.
 *
 * <h2>Closing</h2>
 * {@link #shutdown} unregisters on the control stream ({@link ControlStream#unregister}), waits for the streams in
 * flight (the edge sends no new ones once unregistered) up to the grace period, then closes: Netty's HTTP/2 handler
 * sends GOAWAY(NO_ERROR) and closes the socket, resetting whatever is left. {@link #close()} does the last step at
 * once. A GOAWAY from the edge lets the streams in flight finish, then closes. {@link #closeFuture()} completes
 * normally after our shutdown or close, and exceptionally with {@link EdgeConnectionLostException} when the socket
 * was lost or the edge sent GOAWAY.
 *
 * <h2>Flow control</h2>
 * Request bodies are read only when the origin side asks for more (auto-read off on their stream channels, so the
 * stream's window is only given back for bytes read); response bodies are written while the stream's send window
 * allows. cloudflared's SETTINGS and connection window are announced ({@link Http2Wire}).
 */
public final class Http2EdgeConnection implements EdgeConnection {

    private static final Logger logger = LoggerFactory.getLogger(Http2EdgeConnection.class);
    /** The connection window every HTTP/2 connection starts with (RFC 7540 6.9.2). */
    private static final int DEFAULT_WINDOW_SIZE = 65_535;

    private final EdgeConnectRequest request;
    private final Channel channel;
    private final EventLoop loop;
    private final CompletableFuture<EdgeConnection> registered = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private volatile ControlStream control;
    private volatile boolean shuttingDown;
    private volatile EdgeConnectionLostException goAway;
    /** Event-loop confined from here on. */
    private boolean controlStreamOpened;
    private boolean closing;
    /** Completes when no request stream is left; non-null while a shutdown or a GOAWAY waits for that. */
    private CompletableFuture<Void> drained;
    private ScheduledFuture<?> registrationTimer;
    private ChannelFuture connecting;

    private Http2EdgeConnection(EdgeConnectRequest request, Channel channel) {
        this.request = request;
        this.channel = channel;
        this.loop = channel.eventLoop();
    }

    /**
     * Follows a connection attempt: once TCP and TLS are up, installs the HTTP/2 server and waits for the edge's
     * control stream to register. The returned future completes with the registered connection.
     */
    static CompletableFuture<EdgeConnection> start(EdgeConnectRequest request, ChannelFuture connecting) {
        Http2EdgeConnection connection = new Http2EdgeConnection(request, connecting.channel());
        connection.loop.execute(() -> connection.begin(connecting));
        return connection.registered;
    }

    private void begin(ChannelFuture connecting) {
        registrationTimer = loop.schedule(this::registrationTimedOut, request.registrationTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        this.connecting = connecting;
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                failRegistration(connected.cause());
                return;
            }
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    installHttp2();
                } else {
                    failRegistration(handshake.cause());
                }
            });
        });
        channel.closeFuture().addListener(f -> onChannelClosed());
    }

    private void installHttp2() {
        channel.pipeline()
                .addLast("h2-codec", Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Wire.settings())
                        // Our own grace period has passed when we close: reset what is left at once.
                        .gracefulShutdownTimeoutMillis(0)
                        .build())
                .addLast("h2-multiplex", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("edge-stream", new EdgeStreamHandler(Http2EdgeConnection.this));
                    }
                }))
                .addLast("edge-connection", new EdgeConnectionHandler(this));
        // As cloudflared's first WINDOW_UPDATE: the connection window grows to match a stream's (golden stream0).
        channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Http2Wire.CONNECTION_WINDOW_SIZE - DEFAULT_WINDOW_SIZE),
                channel.voidPromise());
    }

    /** Sets up a stream the edge opened, by its first HEADERS frame. Event-loop only. */
    void serve(Http2StreamChannel stream, Http2HeadersFrame headers) {
        assert loop.inEventLoop();
        switch (EdgeRequests.typeOf(headers.headers())) {
            case CONTROL_STREAM -> serveControlStream(stream);
            case CONFIGURATION -> serveConfiguration(stream, headers);
            case WEBSOCKET -> proxy(stream, headers, TunnelRequest.Kind.WEBSOCKET);
            case TCP -> proxy(stream, headers, TunnelRequest.Kind.TCP);
            case HTTP -> proxy(stream, headers, TunnelRequest.Kind.HTTP);
        }
    }

    private void serveControlStream(Http2StreamChannel stream) {
        if (controlStreamOpened) {
            logger.atDebug().addKeyValue("connIndex", request.connIndex())
                    .log("the edge opened a second control stream; resetting it");
            stream.close();
            return;
        }
        controlStreamOpened = true;
        // Go's server sniffs the RPC bytes as application/octet-stream (golden stream1).
        stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream"), false), stream.voidPromise());
        stream.pipeline()
                .addLast("bytes-decoder", new StreamBytesDecoder())
                .addLast("bytes-encoder", new StreamBytesEncoder());
        RpcConnection rpc = RpcConnection.client(stream);
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        ControlStream.register(rpc, request, local.getAddress())
                .whenComplete((registration, failure) -> loop.execute(() -> onRegistered(registration, failure)));
    }

    private void onRegistered(ControlStream registration, Throwable failure) {
        if (failure != null) {
            failRegistration(failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
            return;
        }
        if (registered.isDone()) {
            // Timed out or lost meanwhile: tell the edge to forget the registration it accepted.
            registration.unregister(Duration.ZERO);
            return;
        }
        control = registration;
        registrationTimer.cancel(false);
        // The supervisor prints cloudflared's INFO line for a registration, with these same fields.
        ConnectionDetails details = registration.details();
        logger.atDebug()
                .addKeyValue("connIndex", request.connIndex())
                .addKeyValue("connection", details.uuid())
                .addKeyValue("location", details.locationName())
                .log("control stream registered");
        registered.complete(this);
    }

    private void serveConfiguration(Http2StreamChannel stream, Http2HeadersFrame headers) {
        countStream(stream);
        stream.pipeline()
                .addLast("completion", new StreamCompletionHandler())
                .addLast("bytes-decoder", new StreamBytesDecoder())
                .addLast("configuration", new ConfigurationUpdateHandler(request.services()));
        if (headers.isEndStream()) {
            stream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private void proxy(Http2StreamChannel stream, Http2HeadersFrame headers, TunnelRequest.Kind kind) {
        countStream(stream);
        stream.pipeline()
                .addLast("completion", new StreamCompletionHandler())
                .addLast("bytes-decoder", new StreamBytesDecoder());
        BodySource body = headers.isEndStream() ? BodySource.empty() : ChannelBodySource.install(stream, "body-source");
        stream.pipeline().addLast("stream-errors", StreamErrorHandler.INSTANCE);
        TunnelRequest tunnelRequest = EdgeRequests.decode(kind, headers.headers(), headers.isEndStream(),
                stream.stream().id(), stream.eventLoop(), body);
        request.services().proxy().proxy(tunnelRequest, new Http2TunnelResponder(stream, tunnelRequest.requestId()));
    }

    private void countStream(Http2StreamChannel stream) {
        activeStreams.incrementAndGet();
        stream.closeFuture().addListener(f -> {
            if (activeStreams.decrementAndGet() == 0 && drained != null) {
                drained.complete(null);
            }
        });
    }

    /** The edge sent GOAWAY: serve what is in flight, then close. Event-loop only. */
    void onGoAway(long errorCode) {
        assert loop.inEventLoop();
        if (goAway != null || shuttingDown || closing) {
            return;
        }
        Http2Error error = Http2Error.valueOf(errorCode);
        goAway = new EdgeConnectionLostException("the edge sent GOAWAY ("
                + (error != null ? error.name() : "error code " + errorCode) + ")");
        logger.atDebug().addKeyValue("connIndex", request.connIndex()).addKeyValue("activeStreams",
                activeStreams.get()).log("the edge sent GOAWAY; closing once the streams in flight are done");
        awaitStreams().whenComplete((ignored, error2) -> channel.close());
    }

    private CompletableFuture<Void> awaitStreams() {
        if (drained == null) {
            drained = new CompletableFuture<>();
        }
        if (activeStreams.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    private void registrationTimedOut() {
        failRegistration(new TimeoutException("no registration within " + request.registrationTimeout()));
    }

    private void failRegistration(Throwable cause) {
        if (registrationTimer != null) {
            registrationTimer.cancel(false);
        }
        if (registered.completeExceptionally(cause)) {
            closing = true;
            channel.close();
        }
    }

    private void onChannelClosed() {
        if (registrationTimer != null) {
            registrationTimer.cancel(false);
        }
        EdgeConnectionLostException lost = goAway != null ? goAway
                : new EdgeConnectionLostException("connection with edge closed");
        registered.completeExceptionally(startupFailure().orElse(lost));
        if (drained != null) {
            drained.complete(null);
        }
        if (closing || shuttingDown) {
            closeFuture.complete(null);
            return;
        }
        if (control != null) {
            logger.atInfo().addKeyValue("connIndex", request.connIndex()).log("Lost connection with the edge");
        }
        closeFuture.completeExceptionally(lost);
    }

    /**
     * Why dialling or the TLS handshake failed, if it did. Bootstrap closes a channel whose connect failed from a
     * listener of its own that may run before ours, so the close can be heard before the cause.
     */
    private Optional<Throwable> startupFailure() {
        if (connecting.cause() != null) {
            return Optional.of(connecting.cause());
        }
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? Optional.empty() : Optional.ofNullable(tls.handshakeFuture().cause());
    }

    @Override
    public int connIndex() {
        return request.connIndex();
    }

    @Override
    public Protocol protocol() {
        return Protocol.HTTP2;
    }

    @Override
    public EdgeAddress address() {
        return request.address();
    }

    @Override
    public ConnectionDetails details() {
        ControlStream registration = control;
        if (registration == null) {
            throw new IllegalStateException("connection " + request.connIndex() + " is not registered");
        }
        return registration.details();
    }

    @Override
    public int activeStreams() {
        return activeStreams.get();
    }

    @Override
    public boolean isServing() {
        return control != null && !shuttingDown && goAway == null && channel.isActive();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture.copy();
    }

    @Override
    public CompletionStage<Void> shutdown(Duration gracePeriod) {
        requireNonNull(gracePeriod, "gracePeriod");
        execute(() -> beginShutdown(gracePeriod));
        return closeFuture.copy();
    }

    private void beginShutdown(Duration gracePeriod) {
        if (shuttingDown || closing || !channel.isActive()) {
            return;
        }
        shuttingDown = true;
        CompletableFuture<Void> streamsDone = awaitStreams();
        ScheduledFuture<?> graceTimer = loop.schedule(() -> streamsDone.complete(null), gracePeriod.toNanos(),
                TimeUnit.NANOSECONDS);
        CompletableFuture<Void> unregistered = control == null
                ? CompletableFuture.completedFuture(null) : control.unregister(gracePeriod);
        unregistered.whenComplete((ignored, error) -> loop.execute(() -> {
            logger.atDebug().addKeyValue("connIndex", request.connIndex()).addKeyValue("activeStreams",
                    activeStreams.get()).log("unregistered; waiting for the streams in flight");
            streamsDone.whenComplete((i, e) -> {
                graceTimer.cancel(false);
                closeNow();
            });
        }));
    }

    @Override
    public void close() {
        execute(this::closeNow);
    }

    // A loop that is shutting down has closed, or is closing, the channel already.
    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            logger.debug("{} event loop is shut down: {}", this, e.toString());
        }
    }

    private void closeNow() {
        closing = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "Http2EdgeConnection(connIndex=" + request.connIndex() + ", " + request.address() + ")";
    }
}
