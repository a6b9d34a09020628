package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.CapDescriptor;
import dev.jflared.rpc.message.ExceptionInfo;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.PromisedAnswerOp;
import dev.jflared.rpc.message.Return;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.capnproto.StructList;
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

    /** The reason cloudflared (zombiezen capnproto2) sends in its shutdown abort (golden control.cfd2edge m09). */
    static final String SHUTDOWN_REASON = "rpc: shutdown";

    private final Channel channel;
    private final EventLoop loop;
    private final RpcOptions options;
    private final CapabilityServer bootstrapServer;
    private final QuestionTable questions = new QuestionTable();
    private final AnswerTable answers = new AnswerTable();
    private final ExportTable exports = new ExportTable();
    private final ImportTable imports = new ImportTable();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** Why the connection ended; non-null once it has. Event-loop confined. */
    private RpcException closedCause;

    private RpcConnection(Channel channel, RpcOptions options, CapabilityServer bootstrapServer) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.options = options;
        this.bootstrapServer = bootstrapServer;
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
                .addLast("capnp-decoder", new CapnpFrameDecoder(options.limits()))
                .addLast("capnp-encoder", new CapnpFrameEncoder(options.limits()))
                .addLast("rpc", new RpcConnectionHandler(connection));
        channel.closeFuture().addListener(f -> connection.runOnLoop(connection::onClosed));
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
        runOnLoop(() -> sendBootstrap(capability), capability::breakWith);
        return capability;
    }

    /**
     * Ends the connection the way cloudflared does: a {@code Release} for every imported capability with its full
     * reference count, then {@code abort("rpc: shutdown")} of type failed, then the channel is closed. Outstanding
     * calls fail with a {@code disconnected} {@link RpcException}. Calling it again has no further effect.
     *
     * @return {@link #closeFuture()}
     */
    public CompletableFuture<Void> shutdown() {
        runOnLoop(this::doShutdown, cause -> closeFuture.complete(null));
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
        runOnLoop(() -> sendCall(target, message, call, description, result, timeout), result::completeExceptionally);
        return result;
    }

    private void sendBootstrap(RemoteCapability capability) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            capability.breakWith(closedCause);
            return;
        }
        Question question = questions.allocate(capability, null, "bootstrap");
        capability.questionId = question.id;
        write(RpcMessages.bootstrap(question.id));
    }

    private void sendCall(RemoteCapability target, MessageBuilder message, Call.Builder call, String description,
            CompletableFuture<AnyPointer.Reader> result, Duration timeout) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            result.completeExceptionally(closedCause);
            return;
        }
        if (target.broken != null) {
            result.completeExceptionally(target.broken);
            return;
        }
        if (target.importId < 0 && target.questionId < 0) {
            // bootstrap() was called on another thread and its task is still queued behind us: keep the order.
            loop.execute(() -> sendCall(target, message, call, description, result, timeout));
            return;
        }
        Question question = questions.allocate(null, result, description);
        call.setQuestionId(question.id);
        MessageTarget.Builder messageTarget = call.initTarget();
        if (target.importId >= 0) {
            messageTarget.setImportedCap(target.importId);
        } else {
            messageTarget.initPromisedAnswer().setQuestionId(target.questionId);
        }
        question.timeout = loop.schedule(() -> timeOut(question, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        channel.writeAndFlush(message).addListener(f -> {
            if (!f.isSuccess() && questions.get(question.id) == question) {
                // The peer never saw the question, so its id is free again at once.
                question.cancelTimeout();
                questions.free(question);
                result.completeExceptionally(new RpcException(RpcException.Type.FAILED,
                        "rpc: could not send " + description + ": " + f.cause()));
            }
        });
    }

    private void timeOut(Question question, Duration timeout) {
        if (questions.get(question.id) != question || question.finishSent) {
            return;
        }
        question.timeout = null;
        question.finishSent = true;
        write(RpcMessages.finish(question.id, true));
        question.result.completeExceptionally(new RpcTimeoutException(question.description, timeout));
    }

    private void doShutdown() {
        assert loop.inEventLoop();
        if (closedCause != null) {
            return;
        }
        for (Map.Entry<Integer, Integer> entry : imports.drain().entrySet()) {
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
        Message.Reader message;
        try {
            message = received.getRoot(Message.factory);
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
            case BOOTSTRAP:
                onBootstrap(message.bootstrap().questionId());
                break;
            case CALL:
                onCall(message.call());
                break;
            case RETURN:
                onReturn(message.return_());
                break;
            case FINISH:
                onFinish(message.finish().questionId(), message.finish().releaseResultCaps());
                break;
            case RELEASE:
                onRelease(message.release().id(), message.release().referenceCount());
                break;
            case ABORT:
                onAbort(message.abort());
                break;
            case UNIMPLEMENTED:
                onUnimplemented(message.unimplemented());
                break;
            default:
                // resolve, disembargo, level 2-4 and unknown kinds: we never export promises nor take part in
                // three-party handoffs, so rpc.capnp lets us echo them as unimplemented.
                write(RpcMessages.unimplemented(message, !received.containsCapabilityPointers()));
                break;
        }
    }

    private void onBootstrap(int questionId) {
        Answer answer = answers.create(questionId);
        if (answer == null) {
            protocolError("bootstrap reuses question " + questionId + " before its finish");
            return;
        }
        answer.returned = true;
        if (bootstrapServer == null) {
            write(RpcMessages.exceptionReturn(questionId, false, RpcException.Type.FAILED,
                    "rpc: this vat offers no bootstrap capability"));
            return;
        }
        answer.exportId = exports.export(bootstrapServer);
        write(RpcMessages.bootstrapReturn(questionId, answer.exportId));
    }

    private void onCall(Call.Reader call) {
        int questionId = call.questionId();
        Answer answer = answers.create(questionId);
        if (answer == null) {
            protocolError("call reuses question " + questionId + " before its finish");
            return;
        }
        Payload.Reader params = call.params();
        boolean releaseParamCaps = params.capTable().size() > 0;
        if (call.sendResultsTo() != Call.SEND_RESULTS_TO_CALLER) {
            sendException(answer, releaseParamCaps, RpcException.Type.UNIMPLEMENTED,
                    "rpc: results can only be sent to the caller");
            return;
        }
        CapabilityServer server;
        try {
            server = resolveTarget(call.target());
        } catch (RpcException e) {
            sendException(answer, releaseParamCaps, e.type(), e.reason());
            return;
        }
        long interfaceId = call.interfaceId();
        int methodId = call.methodId();
        RpcMethodHandler handler = server.handler(interfaceId, methodId).orElse(null);
        if (handler == null) {
            sendException(answer, releaseParamCaps, RpcException.Type.UNIMPLEMENTED, "method not implemented:"
                    + " interface 0x" + Long.toHexString(interfaceId) + " method " + methodId);
            return;
        }
        invoke(answer, handler, new CallReply(interfaceId, methodId, releaseParamCaps, params.content()));
    }

    /** The Return being built for one call while its handler runs. */
    private static final class CallReply {
        final MessageBuilder message = new MessageBuilder();
        final Return.Builder ret;
        final RpcCall call;
        final boolean releaseParamCaps;

        CallReply(long interfaceId, int methodId, boolean releaseParamCaps, AnyPointer.Reader params) {
            this.releaseParamCaps = releaseParamCaps;
            this.ret = RpcMessages.root(message).initReturn().setReleaseParamCaps(releaseParamCaps);
            Payload.Builder results = ret.initResults();
            results.initCapTable(0);
            this.call = new RpcCall(interfaceId, methodId, params, results.content());
        }
    }

    private void invoke(Answer answer, RpcMethodHandler handler, CallReply reply) {
        reply.ret.setAnswerId(answer.id);
        CompletableFuture<Void> done;
        try {
            CompletionStage<Void> stage = handler.handle(reply.call);
            done = stage == null ? CompletableFuture.failedFuture(new NullPointerException(
                    "handler of " + reply.call + " returned null")) : stage.toCompletableFuture();
        } catch (Exception e) {
            done = CompletableFuture.failedFuture(e);
        }
        answer.pending = done;
        done.whenComplete((ignored, error) -> runOnLoop(() -> complete(answer, reply, error), e -> { }));
    }

    private void complete(Answer answer, CallReply reply, Throwable error) {
        if (answer.returned || closedCause != null) {
            return;
        }
        if (error == null) {
            answer.returned = true;
            write(reply.message);
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof RpcException rpc) {
            sendException(answer, reply.releaseParamCaps, rpc.type(), rpc.reason());
        } else {
            logger.debug("{} handler of {} failed", channel, reply.call, cause);
            sendException(answer, reply.releaseParamCaps, RpcException.Type.FAILED, String.valueOf(cause));
        }
    }

    private void sendException(Answer answer, boolean releaseParamCaps, RpcException.Type type, String reason) {
        answer.returned = true;
        write(RpcMessages.exceptionReturn(answer.id, releaseParamCaps, type, reason));
    }

    /** The capability a call targets, or an RpcException saying why there is none. */
    private CapabilityServer resolveTarget(MessageTarget.Reader target) {
        switch (target.which()) {
            case MessageTarget.IMPORTED_CAP: {
                CapabilityServer server = exports.get(target.importedCap());
                if (server == null) {
                    throw new RpcException(RpcException.Type.FAILED,
                            "rpc: call on unknown export " + Integer.toUnsignedString(target.importedCap()));
                }
                return server;
            }
            case MessageTarget.PROMISED_ANSWER: {
                int questionId = target.promisedAnswer().questionId();
                Answer promised = answers.get(questionId);
                if (promised == null || promised.exportId < 0) {
                    throw new RpcException(RpcException.Type.FAILED, "rpc: pipelined call on question "
                            + Integer.toUnsignedString(questionId) + ", which holds no capability");
                }
                StructList.Reader<PromisedAnswerOp.Reader> transform = target.promisedAnswer().transform();
                for (int i = 0; i < transform.size(); i++) {
                    if (transform.get(i).which() != PromisedAnswerOp.NOOP) {
                        throw new RpcException(RpcException.Type.FAILED,
                                "rpc: the bootstrap answer is a capability; it has no pointer fields");
                    }
                }
                return exports.get(promised.exportId);
            }
            default:
                throw new RpcException(RpcException.Type.UNIMPLEMENTED,
                        "rpc: unknown message target kind " + target.which());
        }
    }

    private void onFinish(int questionId, boolean releaseResultCaps) {
        Answer answer = answers.remove(questionId);
        if (answer == null) {
            logger.debug("{} finish for unknown question {}; ignored", channel, questionId);
            return;
        }
        if (answer.exportId >= 0 && releaseResultCaps) {
            exports.release(answer.exportId, 1);
        }
        if (!answer.returned) {
            // rpc.capnp: the caller no longer wants the result; cancel the work and say so.
            answer.returned = true;
            answer.pending.cancel(false);
            write(RpcMessages.canceledReturn(questionId, false));
        }
    }

    private void onRelease(int importId, int referenceCount) {
        if (!exports.release(importId, referenceCount)) {
            logger.debug("{} release of unknown export {}; ignored", channel, importId);
        }
    }

    private void onReturn(Return.Reader ret) {
        Question question = questions.get(ret.answerId());
        if (question == null) {
            protocolError("return for unknown question " + Integer.toUnsignedString(ret.answerId()));
            return;
        }
        question.cancelTimeout();
        if (question.finishSent) {
            questions.free(question);
            return;
        }
        if (question.bootstrapOf != null) {
            onBootstrapReturn(question, ret);
            return;
        }
        switch (ret.which()) {
            case Return.RESULTS: {
                Payload.Reader results = ret.results();
                finishQuestion(question, results.capTable().size() > 0);
                question.result.complete(results.content());
                break;
            }
            case Return.EXCEPTION:
                finishQuestion(question, false);
                question.result.completeExceptionally(toException(ret.exception()));
                break;
            case Return.CANCELED:
                finishQuestion(question, false);
                question.result.completeExceptionally(new RpcException(RpcException.Type.FAILED,
                        "rpc: " + question.description + " was canceled by the peer"));
                break;
            default:
                finishQuestion(question, true);
                question.result.completeExceptionally(new RpcException(RpcException.Type.FAILED,
                        "rpc: unsupported kind of return " + ret.which() + " for " + question.description));
                break;
        }
    }

    private void onBootstrapReturn(Question question, Return.Reader ret) {
        RemoteCapability capability = question.bootstrapOf;
        if (ret.which() == Return.EXCEPTION) {
            finishQuestion(question, false);
            capability.breakWith(toException(ret.exception()));
            return;
        }
        if (ret.which() == Return.RESULTS) {
            Payload.Reader results = ret.results();
            int index = results.contentCapabilityIndex();
            StructList.Reader<CapDescriptor.Reader> capTable = results.capTable();
            if (index >= 0 && index < capTable.size()) {
                CapDescriptor.Reader descriptor = capTable.get(index);
                int kind = descriptor.which();
                if (kind == CapDescriptor.SENDER_HOSTED || kind == CapDescriptor.SENDER_PROMISE) {
                    // Keep the capability: Finish with releaseResultCaps=false, Release on shutdown (cloudflared).
                    imports.add(descriptor.id());
                    finishQuestion(question, false);
                    capability.resolve(descriptor.id());
                    return;
                }
            }
        }
        finishQuestion(question, true);
        capability.breakWith(new RpcException(RpcException.Type.FAILED,
                "rpc: the answer to bootstrap holds no capability we can call"));
    }

    private void finishQuestion(Question question, boolean releaseResultCaps) {
        write(RpcMessages.finish(question.id, releaseResultCaps));
        questions.free(question);
    }

    private void onAbort(ExceptionInfo.Reader abort) {
        String reason = abort.reason();
        logger.debug("{} peer aborted the rpc connection: {}", channel, reason);
        end(new RpcException(RpcException.Type.DISCONNECTED, "rpc: peer aborted: " + reason));
    }

    private void onUnimplemented(Message.Reader echoed) {
        // rpc.capnp: a question that comes back unimplemented may be treated as failed; the peer kept no answer,
        // so no Finish is owed and the id is free again.
        int questionId;
        switch (echoed.which()) {
            case BOOTSTRAP:
                questionId = echoed.bootstrap().questionId();
                break;
            case CALL:
                questionId = echoed.call().questionId();
                break;
            default:
                logger.debug("{} peer does not implement {}; ignored", channel, echoed.which());
                return;
        }
        Question question = questions.get(questionId);
        if (question == null) {
            return;
        }
        question.cancelTimeout();
        questions.free(question);
        RpcException cause = new RpcException(RpcException.Type.UNIMPLEMENTED,
                "rpc: peer does not implement " + question.description);
        if (question.bootstrapOf != null) {
            question.bootstrapOf.breakWith(cause);
        } else {
            question.result.completeExceptionally(cause);
        }
    }

    private static RpcException toException(ExceptionInfo.Reader exception) {
        return new RpcException(RpcException.Type.fromWire(exception.type()), exception.reason());
    }

    /** The peer broke a rule of the protocol: abort with the reason and end the connection. */
    private void protocolError(String reason) {
        logger.debug("{} rpc protocol error: {}", channel, reason);
        write(RpcMessages.abort(RpcException.Type.FAILED, "rpc: " + reason));
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

    /** Fails everything outstanding, flushes what was written and closes the channel. */
    private void end(RpcException cause) {
        assert loop.inEventLoop();
        if (closedCause != null) {
            return;
        }
        closedCause = cause;
        for (Question question : questions.drain()) {
            question.cancelTimeout();
            if (question.bootstrapOf != null) {
                question.bootstrapOf.breakWith(cause);
            } else {
                question.result.completeExceptionally(cause);
            }
        }
        for (Answer answer : answers.drain()) {
            if (answer.pending != null) {
                answer.pending.cancel(false);
            }
        }
        exports.clear();
        imports.drain();
        channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        closeFuture.complete(null);
    }

    private void write(MessageBuilder message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Runs {@code task} on the event loop, at once when already there; {@code rejected} gets the failure. */
    private void runOnLoop(Runnable task, Consumer<RpcException> rejected) {
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

    private void runOnLoop(Runnable task) {
        runOnLoop(task, e -> { });
    }
}
