package dev.jflared.rpc;

import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.PromisedAnswerOp;
import dev.jflared.rpc.message.Return;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.capnproto.StructList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering half of an {@link RpcConnection}: the peer's {@code Bootstrap}, {@code Call}, {@code Finish} and
 * {@code Release}, our answers and exports. Event-loop confined.
 */
final class IncomingCalls {

    private static final Logger logger = LoggerFactory.getLogger(IncomingCalls.class);

    private final RpcConnection connection;
    private final CapabilityServer bootstrapServer;
    private final AnswerTable answers = new AnswerTable();
    private final ExportTable exports = new ExportTable();

    IncomingCalls(RpcConnection connection, CapabilityServer bootstrapServer) {
        this.connection = connection;
        this.bootstrapServer = bootstrapServer;
    }

    void onBootstrap(int questionId) {
        Answer answer = answers.create(questionId);
        if (answer == null) {
            connection.protocolError("bootstrap reuses question " + questionId + " before its finish");
            return;
        }
        answer.returned = true;
        if (bootstrapServer == null) {
            connection.send(RpcMessages.exceptionReturn(questionId, false, RpcException.Type.FAILED,
                    "rpc: this vat offers no bootstrap capability"));
            return;
        }
        answer.exportId = exports.export(bootstrapServer);
        connection.send(RpcMessages.bootstrapReturn(questionId, answer.exportId));
    }

    void onCall(Call.Reader call) {
        int questionId = call.questionId();
        Answer answer = answers.create(questionId);
        if (answer == null) {
            connection.protocolError("call reuses question " + questionId + " before its finish");
            return;
        }
        Payload.Reader params = call.params();
        // We never import capabilities from params, so we tell the peer they are released.
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
        invoke(answer, handler, new CallReply(answer.id, interfaceId, methodId, releaseParamCaps, params.content()));
    }

    void onFinish(int questionId, boolean releaseResultCaps) {
        Answer answer = answers.remove(questionId);
        if (answer == null) {
            logger.debug("{} finish for unknown question {}; ignored", connection.channel(), questionId);
            return;
        }
        if (answer.exportId >= 0 && releaseResultCaps) {
            exports.release(answer.exportId, 1);
        }
        if (!answer.returned) {
            // rpc.capnp: the caller no longer wants the result; cancel the work and say so.
            answer.returned = true;
            answer.pending.cancel(false);
            connection.send(RpcMessages.canceledReturn(questionId, false));
        }
    }

    void onRelease(int exportId, int referenceCount) {
        if (!exports.release(exportId, referenceCount)) {
            logger.debug("{} release of unknown export {}; ignored", connection.channel(), exportId);
        }
    }

    int answerCount() {
        return answers.size();
    }

    int exportCount() {
        return exports.size();
    }

    /** The connection ended: cancel running handlers and forget every answer and export. */
    void close() {
        for (Answer answer : answers.drain()) {
            if (answer.pending != null) {
                answer.pending.cancel(false);
            }
        }
        exports.clear();
    }

    /** The Return being built for one call while its handler runs. */
    private static final class CallReply {
        final MessageBuilder message = new MessageBuilder();
        final RpcCall call;
        final boolean releaseParamCaps;

        CallReply(int answerId, long interfaceId, int methodId, boolean releaseParamCaps,
                AnyPointer.Reader params) {
            this.releaseParamCaps = releaseParamCaps;
            Return.Builder ret = RpcMessages.root(message).initReturn().setAnswerId(answerId)
                    .setReleaseParamCaps(releaseParamCaps);
            Payload.Builder results = ret.initResults();
            results.initCapTable(0);
            this.call = new RpcCall(interfaceId, methodId, params, results.content());
        }
    }

    private void invoke(Answer answer, RpcMethodHandler handler, CallReply reply) {
        CompletableFuture<Void> done;
        try {
            CompletionStage<Void> stage = handler.handle(reply.call);
            done = stage == null ? CompletableFuture.failedFuture(new NullPointerException(
                    "handler of " + reply.call + " returned null")) : stage.toCompletableFuture();
        } catch (Exception e) {
            done = CompletableFuture.failedFuture(e);
        }
        answer.pending = done;
        done.whenComplete((ignored, error) -> connection.execute(() -> complete(answer, reply, error)));
    }

    private void complete(Answer answer, CallReply reply, Throwable error) {
        if (answer.returned || connection.isClosed()) {
            return;
        }
        if (error == null) {
            answer.returned = true;
            connection.send(reply.message);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RpcException rpc) {
            sendException(answer, reply.releaseParamCaps, rpc.type(), rpc.reason());
        } else {
            logger.debug("{} handler of {} failed", connection.channel(), reply.call, cause);
            sendException(answer, reply.releaseParamCaps, RpcException.Type.FAILED, String.valueOf(cause));
        }
    }

    private void sendException(Answer answer, boolean releaseParamCaps, RpcException.Type type, String reason) {
        answer.returned = true;
        connection.send(RpcMessages.exceptionReturn(answer.id, releaseParamCaps, type, reason));
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
                CapabilityServer server = exports.get(promised.exportId);
                if (server == null) {
                    throw new RpcException(RpcException.Type.FAILED, "rpc: pipelined call on question "
                            + Integer.toUnsignedString(questionId) + ", whose capability was released");
                }
                return server;
            }
            default:
                throw new RpcException(RpcException.Type.UNIMPLEMENTED,
                        "rpc: unknown message target kind " + target.which());
        }
    }
}
