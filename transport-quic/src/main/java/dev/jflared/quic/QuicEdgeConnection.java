package dev.jflared.quic;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.transport.CloudflaredRpcService;
import dev.jflared.transport.ControlStream;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered QUIC connection to the edge, made by {@link QuicEdgeTransport}.
 *
 * <h2>Lifecycle</h2>
 * The transport dials, opens the control stream (client bidirectional stream 0, no preamble) and registers over it
 * ({@link ControlStream}); only then does the caller get this object. From then on every stream the edge opens is
 * served: data streams by the {@link dev.jflared.proxy.OriginProxy}, RPC streams by
 * {@link CloudflaredRpcService}. The connection, its streams and the origin connections of those streams all live on
 * one event loop.
 *
 * <h2>Closing</h2>
 * {@link #shutdown} stops reporting {@link #isServing()}, unregisters (so the edge opens no new stream), waits until
 * the last data stream in flight has closed or the grace period has passed, whichever comes first, then closes the
 * QUIC connection with application error 0. {@link #close()} does the last step at once. Either way
 * {@link #closeFuture()} then completes normally. When the connection ends otherwise (the idle timeout, the edge's
 * {@code CONNECTION_CLOSE}, a failed UDP path) it completes exceptionally with a
 * {@link QuicConnectionLostException} saying which.
 *
 * <h2>Keep-alive</h2>
 * cloudflared has quic-go send a PING every second and advertises a 5 s idle timeout ({@link QuicSettings}). Netty
 * 4.2.18's QUIC API cannot make quiche send a PING or any other ack-eliciting frame ({@code send_ack_eliciting} is
 * not bound), and no frame of our own is one the edge is known to accept silently (a datagram would be parsed as a
 * UDP session payload, a new stream as a request). So the keep-alive goes one layer up: while registered, every
 * {@link QuicSettings#KEEP_ALIVE_PERIOD} the control stream sends a Cap'n Proto {@code Bootstrap}, which any RPC peer
 * answers, and gives the answer back ({@link ControlStream#ping}, {@link ControlStreamKeepAlive}). Our STREAM frames
 * restart the edge's idle timer, its answer restarts ours. A ping that fails (no answer within
 * {@link QuicSettings#KEEP_ALIVE_TIMEOUT}, or an exception) makes {@link #isServing()} false at once and closes the
 * connection as lost ({@code control stream keep-alive failed: ...}), and the supervisor reconnects: where quic-go's
 * PINGs only prove the path alive, this one also proves the edge's side of the connection answers. The pings go on through a shutdown's drain, as quic-go's PINGs do: the control stream sends
 * {@code unregisterConnection} when the shutdown starts but is closed ({@code release}, {@code abort}) only once the
 * streams in flight are done or the grace period is over, so a request that is quiet for longer than the idle
 * timeout still completes within the grace period.
 *
 * <p>Thread-safe; every method may be called from any thread.
 */
public final class QuicEdgeConnection implements EdgeConnection {

    private static final Logger logger = LoggerFactory.getLogger(QuicEdgeConnection.class);
    /** The application error code of our CONNECTION_CLOSE: 0, no error, as quic-go's {@code CloseWithError(0, "")}. */
    private static final int CLOSE_CODE = 0;

    private final EdgeConnectRequest request;
    private final EventLoop loop;
    private final QuicConnectionHandler connectionHandler = new QuicConnectionHandler();
    private final CapabilityServer rpcService;
    private final ControlStreamKeepAlive keepAlive;
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private volatile QuicChannel quic;
    private volatile ControlStream control;
    private volatile boolean shuttingDown;
    private volatile boolean closing;
    /** Why the keep-alive closed the connection, if it did; event-loop confined. */
    private Throwable keepAliveFailure;
    /** Runs once the last data stream closed during a shutdown; event-loop confined. */
    private Runnable onDrained;

    QuicEdgeConnection(EdgeConnectRequest request, EventLoop loop) {
        this.request = request;
        this.loop = loop;
        this.rpcService = CloudflaredRpcService.create(request.services(), request.metrics());
        this.keepAlive = new ControlStreamKeepAlive(loop, request.connIndex(), QuicSettings.KEEP_ALIVE_PERIOD,
                QuicSettings.KEEP_ALIVE_TIMEOUT);
    }

    /** The handler of the QUIC connection itself. */
    ChannelHandler connectionHandler() {
        return connectionHandler;
    }

    /** Sets up every stream the edge opens; see {@link EdgeStreamClassifier}. */
    ChannelHandler streamInitializer() {
        return new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                stream.pipeline().addLast(EdgeStreamClassifier.NAME, new EdgeStreamClassifier(
                        request.services().proxy(), rpcService, request.connIndex(), QuicEdgeConnection.this::track));
            }
        };
    }

    /** The dialled connection, before registration. Event loop only. */
    void attach(QuicChannel channel) {
        this.quic = channel;
        channel.closeFuture().addListener(f -> onClosed());
    }

    /** Registration succeeded; the connection is now serving. */
    void registered(ControlStream controlStream) {
        this.control = controlStream;
        keepAlive.start(controlStream::ping, this::keepAliveFailed);
    }

    @Override
    public int connIndex() {
        return request.connIndex();
    }

    @Override
    public Protocol protocol() {
        return Protocol.QUIC;
    }

    @Override
    public EdgeAddress address() {
        return request.address();
    }

    @Override
    public ConnectionDetails details() {
        return control.details();
    }

    @Override
    public int activeStreams() {
        return activeStreams.get();
    }

    @Override
    public boolean isServing() {
        QuicChannel channel = quic;
        return control != null && !shuttingDown && !closing && channel != null && channel.isActive()
                && keepAlive.isHealthy();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture.copy();
    }

    @Override
    public CompletionStage<Void> shutdown(Duration gracePeriod) {
        long deadline = System.nanoTime() + Math.max(0, gracePeriod.toNanos());
        execute(() -> startShutdown(gracePeriod, deadline));
        return closeFuture.handle((ignored, error) -> null);
    }

    @Override
    public void close() {
        execute(this::closeNow);
    }

    @Override
    public String toString() {
        return "QuicEdgeConnection(connIndex=" + request.connIndex() + ", edge=" + request.address()
                + ", activeStreams=" + activeStreams.get() + ")";
    }

    private void startShutdown(Duration gracePeriod, long deadline) {
        if (shuttingDown || closing) {
            return;
        }
        shuttingDown = true;
        logger.atDebug().addKeyValue("connIndex", request.connIndex()).addKeyValue("activeStreams", activeStreams.get())
                .log("shutting the connection down");
        ControlStream registeredControl = control;
        if (registeredControl == null) {
            closeNow();
            return;
        }
        registeredControl.sendUnregister(gracePeriod)
                .whenComplete((ignored, error) -> execute(() -> awaitStreams(deadline)));
    }

    private void awaitStreams(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (activeStreams.get() == 0 || remaining <= 0) {
            finishShutdown();
            return;
        }
        ScheduledFuture<?> timer = loop.schedule(this::finishShutdown, remaining, TimeUnit.NANOSECONDS);
        onDrained = () -> {
            timer.cancel(false);
            finishShutdown();
        };
    }

    /** The drain is over: stop pinging, end the control stream as cloudflared does, then close the connection. */
    private void finishShutdown() {
        if (closing) {
            return;
        }
        keepAlive.stop();
        onDrained = null;
        control.close().whenComplete((ignored, error) -> execute(this::closeNow));
    }

    /** Counts a data stream until its channel closes. Event loop only. */
    private void track(Channel stream) {
        activeStreams.incrementAndGet();
        stream.closeFuture().addListener(f -> {
            if (activeStreams.decrementAndGet() == 0 && onDrained != null) {
                Runnable drained = onDrained;
                onDrained = null;
                drained.run();
            }
        });
    }

    private void closeNow() {
        closing = true;
        keepAlive.stop();
        onDrained = null;
        QuicChannel channel = quic;
        if (channel != null) {
            channel.close(true, CLOSE_CODE, Unpooled.EMPTY_BUFFER);
        } else {
            closeFuture.complete(null);
        }
    }

    private void onClosed() {
        keepAlive.stop();
        if (closing || shuttingDown) {
            closeFuture.complete(null);
            return;
        }
        QuicConnectionLostException lost = lostCause();
        logger.atDebug().setCause(lost).addKeyValue("connIndex", request.connIndex()).log("connection lost");
        closeFuture.completeExceptionally(lost);
    }

    /**
     * The edge stopped answering on the control stream while QUIC still carries packets (a wedged edge process, or a
     * path that lets acknowledgements through): close the connection as lost, so that the supervisor reconnects,
     * unless a shutdown is under way, which closes it anyway. Event loop only.
     */
    private void keepAliveFailed(Throwable cause) {
        if (shuttingDown || closing) {
            return;
        }
        keepAliveFailure = cause;
        QuicChannel channel = quic;
        if (channel != null) {
            channel.close(true, CLOSE_CODE, Unpooled.EMPTY_BUFFER);
        }
    }

    private QuicConnectionLostException lostCause() {
        QuicChannel channel = quic;
        if (keepAliveFailure != null) {
            return new QuicConnectionLostException("control stream keep-alive failed: " + keepAliveFailure,
                    keepAliveFailure);
        }
        if (channel.isTimedOut()) {
            return new QuicConnectionLostException("timeout: no recent network activity");
        }
        if (connectionHandler.closeReason() != null) {
            return new QuicConnectionLostException(connectionHandler.closeReason());
        }
        if (connectionHandler.failure() != null) {
            return new QuicConnectionLostException("QUIC connection failed: " + connectionHandler.failure(),
                    connectionHandler.failure());
        }
        return new QuicConnectionLostException("the QUIC connection to the edge closed");
    }

    private void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
