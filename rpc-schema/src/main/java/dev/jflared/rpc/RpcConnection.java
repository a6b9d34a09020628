package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.Payload;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-party Cap'n Proto RPC (rpc.capnp, level 1 as far as cloudflared uses it) over one bidirectional byte stream.
 *
 * <pre>{@code
 * // We call the peer (QUIC control stream, HTTP/2 control stream):
 * RpcConnection rpc = RpcConnection.client(controlStream);
 * RemoteCapability registration = rpc.bootstrap();
 * registration.call(0xf71695ec7fe85497L, 0, params -> ...)      // pipelined on the bootstrap answer
 *         .thenAccept(results -> ...);
 * rpc.shutdown();                                                // release + abort("rpc: shutdown"), then close
 *
 * // The peer calls us (an edge-opened QUIC RPC stream, after its 6-byte signature):
 * RpcConnection.server(rpcStream, CapabilityServer.builder().method(iface, 0, handler).build());
 * }</pre>
 *
 * A connection may do both: {@link #server} also answers {@link #bootstrap()} of its own.
 *
 * <h2>Lifecycle</h2>
 * The factories add {@link CapnpFrameDecoder}, {@link CapnpFrameEncoder} and the RPC handler to the end of the
 * channel's pipeline; install the connection before the stream's first byte is read (for a QUIC RPC stream, after
 * the signature). The connection ends when {@link #shutdown()} is called, when the peer aborts or closes the stream,
 * or on a protocol error; then the channel is closed, every outstanding call fails with an {@link RpcException} of
 * type {@code disconnected} (or the reason of the error), and {@link #closeFuture()} completes.
 *
 * <h2>Threads</h2>
 * All state lives on the channel's event loop. Public methods may be called from any thread: they hop onto the loop.
 * Futures complete on the loop; never block in their callbacks. Handlers run on the loop.
 *
 * <h2>Errors</h2>
 * A {@code Return} carrying an exception fails only that call. A call to a method no handler serves is answered with
 * an {@code unimplemented} exception; a malformed or unsupported message from the peer is answered with
 * {@code unimplemented} (unknown kinds) or ends the connection with {@code abort} (broken rules, framing errors).
 *
 * <h2>Ownership</h2>
 * Messages are heap values ({@link CapnpMessage}, {@link MessageBuilder}); no Netty buffer crosses this API.
 */
public final class RpcConnection {

    private static final Logger logger = LoggerFactory.getLogger(RpcConnection.class);

    /**
     * The name of the frame decoder the factories add to the pipeline. A handler added after it sees every received
     * {@link CapnpMessage} just before the connection does (LocalEdge counts {@code Bootstrap} messages that way).
     */
    public static final String DECODER_NAME = "capnp-decoder";

    /** The reason cloudflared (zombiezen capnproto2) sends in its shutdown abort (golden control.cfd2edge m09). */
    static final String SHUTDOWN_REASON = "rpc: shutdown";

    private final Channel channel;
    private final EventLoop loop;
    private final RpcOptions options;
    private final OutgoingCalls outgoing;
    private final IncomingCalls incoming;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** Why the connection ended; non-null once it has. Event-loop confined. */
    private RpcException closedCause;

    private RpcConnection(Channel channel, RpcOptions options, CapabilityServer bootstrapServer) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.options = options;
        this.outgoing = new OutgoingCalls(this);
        this.incoming = new IncomingCalls(this, bootstrapServer);
    }

    /** A connection that only calls the peer; a {@code Bootstrap} from the peer is answered with an exception. */
    public static RpcConnection client(Channel channel) {
        return client(channel, RpcOptions.DEFAULT);
    }

    public static RpcConnection client(Channel channel, RpcOptions options) {
        return start(channel, options, null);
    }

    /** A connection that offers {@code bootstrap} to the peer as its bootstrap capability. */
    public static RpcConnection server(Channel channel, CapabilityServer bootstrap) {
        return server(channel, bootstrap, RpcOptions.DEFAULT);
    }

    public static RpcConnection server(Channel channel, CapabilityServer bootstrap, RpcOptions options) {
        return start(channel, options, requireNonNull(bootstrap, "bootstrap"));
    }

    private static RpcConnection start(Channel channel, RpcOptions options, CapabilityServer bootstrap) {
        requireNonNull(channel, "channel");
        requireNonNull(options, "options");
        RpcConnection connection = new RpcConnection(channel, options, bootstrap);
        channel.pipeline()
                .addLast(DECODER_NAME, new CapnpFrameDecoder(options.limits()))
                .addLast("capnp-encoder", new CapnpFrameEncoder(options.limits()))
                .addLast("rpc", new RpcConnectionHandler(connection));
        channel.closeFuture().addListener(f -> connection.execute(connection::onClosed));
        return connection;
    }

    public RpcOptions options() {
        return options;
    }

    public Channel channel() {
        return channel;
    }

    /** Completes once the connection has ended and its channel is closing. Never fails. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture.copy();
    }

    /**
     * Asks the peer for its bootstrap capability. The {@code Bootstrap} is sent at once; calls on the result are
     * pipelined until the answer arrives.
     */
    public RemoteCapability bootstrap() {
        RemoteCapability capability = new RemoteCapability(this);
        execute(() -> {
            if (closedCause != null) {
                capability.breakWith(closedCause);
            } else {
                outgoing.sendBootstrap(capability);
            }
        }, capability::breakWith);
        return capability;
    }

    /**
     * Checks that the peer answers, leaving nothing behind on either side: a {@code Bootstrap}, then, when
     * its {@code Return} arrives, {@code Finish} (releaseResultCaps false) and {@code Release(id, 1)} of the
     * capability it carried. Any rpc.capnp peer answers a {@code Bootstrap}, so this works whatever the peer serves;
     * the question id is reused as any other, and the import table is left alone. The QUIC transport uses it as
     * its keep-alive.
     *
     * @param timeout how long to wait for the {@code Return}; then the ping fails with {@link RpcTimeoutException},
     *     its question is finished, and the connection stays usable
     * @return completes with the round trip (send to answer); fails with the peer's exception, the timeout, or a
     *     {@code disconnected} {@link RpcException} when the connection ends first
     */
    public CompletableFuture<Duration> ping(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        CompletableFuture<Duration> pong = new CompletableFuture<>();
        execute(() -> {
            if (closedCause != null) {
                pong.completeExceptionally(closedCause);
            } else {
                outgoing.sendPing(pong, timeout);
            }
        }, pong::completeExceptionally);
        return pong;
    }

    /**
     * Ends the connection the way cloudflared does: a {@code Release} for every imported capability with its full
     * reference count, then {@code abort("rpc: shutdown")} of type failed, then the channel is closed. Outstanding
     * calls fail with a {@code disconnected} {@link RpcException}. Calling it again has no further effect.
     *
     * @return {@link #closeFuture()}
     */
    public CompletableFuture<Void> shutdown() {
        execute(this::doShutdown, cause -> closeFuture.complete(null));
        return closeFuture();
    }

    CompletableFuture<AnyPointer.Reader> call(RemoteCapability target, long interfaceId, int methodId,
            Consumer<AnyPointer.Builder> params, Duration timeout) {
        CompletableFuture<AnyPointer.Reader> result = new CompletableFuture<>();
        MessageBuilder message = new MessageBuilder();
        Call.Builder call = RpcMessages.root(message).initCall();
        call.setInterfaceId(interfaceId).setMethodId(methodId).setSendResultsToCaller();
        Payload.Builder payload = call.initParams();
        params.accept(payload.content());
        payload.initCapTable(0);
        String description = "call to interface 0x" + Long.toHexString(interfaceId) + " method " + methodId;
        execute(() -> sendCall(target, message, call, description, result, timeout), result::completeExceptionally);
        return result;
    }

    private void sendCall(RemoteCapability target, MessageBuilder message, Call.Builder call, String description,
            CompletableFuture<AnyPointer.Reader> result, Duration timeout) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            result.completeExceptionally(closedCause);
        } else if (target.importId < 0 && target.questionId < 0 && target.broken == null) {
            // bootstrap() was called on another thread and its task is still queued behind us: keep the order.
            loop.execute(() -> sendCall(target, message, call, description, result, timeout));
        } else {
            outgoing.sendCall(target, message, call, description, result, timeout);
        }
    }

    private void doShutdown() {
        assert loop.inEventLoop();
        if (closedCause != null) {
            return;
        }
        for (Map.Entry<Integer, Integer> entry : outgoing.drainImports().entrySet()) {
            channel.write(RpcMessages.release(entry.getKey(), entry.getValue()), channel.voidPromise());
        }
        channel.write(RpcMessages.abort(RpcException.Type.FAILED, SHUTDOWN_REASON), channel.voidPromise());
        end(new RpcException(RpcException.Type.DISCONNECTED, SHUTDOWN_REASON));
    }

    /** Dispatches one received message. Event loop only. */
    void onMessage(CapnpMessage received) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            return;
        }
        try {
            Message.Reader message = received.getRoot(Message.factory);
            if (logger.isDebugEnabled()) {
                logger.debug("{} rpc <- {}", channel, message.which());
            }
            dispatch(message, received);
        } catch (RuntimeException e) {
            // The framing layer validated every pointer; what is left is a field of the wrong type.
            protocolError("malformed message: " + e.getMessage());
        }
    }

    private void dispatch(Message.Reader message, CapnpMessage received) {
        switch (message.which()) {
            case BOOTSTRAP -> incoming.onBootstrap(message.bootstrap().questionId());
            case CALL -> incoming.onCall(message.call());
            case FINISH -> incoming.onFinish(message.finish().questionId(), message.finish().releaseResultCaps());
            case RELEASE -> incoming.onRelease(message.release().id(), message.release().referenceCount());
            case RETURN -> outgoing.onReturn(message.return_());
            case UNIMPLEMENTED -> outgoing.onUnimplemented(message.unimplemented());
            case ABORT -> {
                String reason = message.abort().reason();
                logger.debug("{} peer aborted the rpc connection: {}", channel, reason);
                end(new RpcException(RpcException.Type.DISCONNECTED, "rpc: peer aborted: " + reason));
            }
            // resolve, disembargo, level 2-4 and unknown kinds: we never export promises nor take part in
            // three-party handoffs, so rpc.capnp lets us echo them as unimplemented.
            default -> send(RpcMessages.unimplemented(message, !received.containsCapabilityPointers()));
        }
    }

    /** The peer broke a rule of the protocol: abort with the reason and end the connection. Event loop only. */
    void protocolError(String reason) {
        logger.debug("{} rpc protocol error: {}", channel, reason);
        send(RpcMessages.abort(RpcException.Type.FAILED, "rpc: " + reason));
        end(new RpcException(RpcException.Type.DISCONNECTED, "rpc: " + reason));
    }

    /** A handler of the pipeline failed (a framing error, typically). Event loop only. */
    void onPipelineError(Throwable cause) {
        if (closedCause == null) {
            protocolError(String.valueOf(cause.getMessage()));
        }
    }

    /** The stream ended (closed, or the peer finished sending). Event loop only. */
    void onClosed() {
        if (closedCause == null) {
            end(new RpcException(RpcException.Type.DISCONNECTED, "rpc: connection closed"));
        }
    }

    boolean isClosed() {
        return closedCause != null;
    }

    /** How many entries each table holds, for tests. Event loop only. */
    TableSizes tableSizes() {
        assert loop.inEventLoop();
        return new TableSizes(outgoing.questionCount(), outgoing.importCount(), incoming.answerCount(),
                incoming.exportCount());
    }

    record TableSizes(int questions, int imports, int answers, int exports) {}

    /** Fails everything outstanding, flushes what was written and closes the channel. */
    private void end(RpcException cause) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            return;
        }
        closedCause = cause;
        outgoing.close(cause);
        incoming.close();
        // Close once everything written so far has gone out (the abort in particular).
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        closeFuture.complete(null);
    }

    /** Writes and flushes one message; a failure reaches {@code exceptionCaught}. Event loop only. */
    void send(MessageBuilder message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Runs {@code task} on the event loop, at once when already there. */
    void execute(Runnable task) {
        execute(task, e -> { });
    }

    private void execute(Runnable task, Consumer<RpcException> rejected) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.accept(new RpcException(RpcException.Type.DISCONNECTED, "rpc: event loop is shut down"));
        }
    }
}
