package dev.jflared.rpc;

import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.CapDescriptor;
import dev.jflared.rpc.message.ExceptionInfo;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.Return;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.capnproto.StructList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking half of an {@link RpcConnection}: our {@code Bootstrap} and {@code Call} questions and pings, the
 * peer's {@code Return}s, and the capabilities we imported. Event-loop confined.
 */
final class OutgoingCalls {

    private static final Logger logger = LoggerFactory.getLogger(OutgoingCalls.class);

    private final RpcConnection connection;
    private final QuestionTable questions = new QuestionTable();
    private final ImportTable imports = new ImportTable();

    OutgoingCalls(RpcConnection connection) {
        this.connection = connection;
    }

    void sendBootstrap(RemoteCapability capability) {
        Question question = questions.allocate(capability, null, "bootstrap");
        capability.questionId = question.id;
        connection.send(RpcMessages.bootstrap(question.id));
    }

    /**
     * Sends a call built by the caller's thread: fills in the question id and the target, which depend on state of
     * the event loop.
     */
    void sendCall(RemoteCapability target, MessageBuilder message, Call.Builder call, String description,
            CompletableFuture<AnyPointer.Reader> result, Duration timeout) {
        if (target.broken != null) {
            result.completeExceptionally(target.broken);
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
        ask(question, message, timeout);
    }

    /**
     * Sends a {@code Bootstrap} whose answer is given back at once ({@link RpcConnection#ping}): on the
     * {@code Return}, a {@code Finish} and a {@code Release} of each capability it carried.
     */
    void sendPing(CompletableFuture<Duration> pong, Duration timeout) {
        Question question = questions.allocatePing(pong);
        ask(question, RpcMessages.bootstrap(question.id), timeout);
    }

    /** Sends a question that fails after {@code timeout} or when it cannot be sent. */
    private void ask(Question question, MessageBuilder message, Duration timeout) {
        Channel channel = connection.channel();
        question.timeout = channel.eventLoop().schedule(() -> timeOut(question, timeout), timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        channel.writeAndFlush(message).addListener(f -> {
            if (!f.isSuccess() && questions.get(question.id) == question) {
                // The peer never saw the question, so its id is free again at once.
                question.cancelTimeout();
                questions.free(question);
                question.fail(new RpcException(RpcException.Type.FAILED,
                        "rpc: could not send " + question.description + ": " + f.cause()));
            }
        });
    }

    private void timeOut(Question question, Duration timeout) {
        if (questions.get(question.id) != question || question.finishSent) {
            return;
        }
        question.timeout = null;
        question.finishSent = true;
        // A ping keeps the capability its late Return will carry and releases it explicitly (see onReturn).
        connection.send(RpcMessages.finish(question.id, question.pong == null));
        question.fail(new RpcTimeoutException(question.description, timeout));
    }

    void onReturn(Return.Reader ret) {
        Question question = questions.get(ret.answerId());
        if (question == null) {
            connection.protocolError("return for unknown question " + Integer.toUnsignedString(ret.answerId()));
            return;
        }
        question.cancelTimeout();
        if (question.finishSent) {
            if (question.pong != null) {
                releaseCapabilities(ret);
            }
            questions.free(question);
            return;
        }
        if (question.bootstrapOf != null) {
            onBootstrapReturn(question, ret);
            return;
        }
        if (question.pong != null) {
            onPingReturn(question, ret);
            return;
        }
        switch (ret.which()) {
            case Return.RESULTS: {
                Payload.Reader results = ret.results();
                // Free the id before completing, so a call made from the callback reuses it (as cloudflared does).
                finish(question, results.capTable().size() > 0);
                question.result.complete(results.content());
                break;
            }
            case Return.EXCEPTION:
                finish(question, false);
                question.result.completeExceptionally(toException(ret.exception()));
                break;
            case Return.CANCELED:
                finish(question, false);
                question.result.completeExceptionally(new RpcException(RpcException.Type.FAILED,
                        "rpc: " + question.description + " was canceled by the peer"));
                break;
            default:
                finish(question, true);
                question.result.completeExceptionally(new RpcException(RpcException.Type.FAILED,
                        "rpc: unsupported kind of return " + ret.which() + " for " + question.description));
                break;
        }
    }

    private void onBootstrapReturn(Question question, Return.Reader ret) {
        RemoteCapability capability = question.bootstrapOf;
        if (ret.which() == Return.EXCEPTION) {
            finish(question, false);
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
                    finish(question, false);
                    capability.resolve(descriptor.id());
                    return;
                }
            }
        }
        finish(question, true);
        capability.breakWith(new RpcException(RpcException.Type.FAILED,
                "rpc: the answer to bootstrap holds no capability we can call"));
    }

    private void onPingReturn(Question question, Return.Reader ret) {
        finish(question, false);
        releaseCapabilities(ret);
        switch (ret.which()) {
            case Return.RESULTS:
                question.pong.complete(Duration.ofNanos(System.nanoTime() - question.askedAt));
                break;
            case Return.EXCEPTION:
                question.fail(toException(ret.exception()));
                break;
            default:
                question.fail(new RpcException(RpcException.Type.FAILED,
                        "rpc: unsupported kind of return " + ret.which() + " for a ping"));
                break;
        }
    }

    /**
     * Gives back every capability a ping's {@code Return} carried: {@code Release(id, 1)} for each one the peer
     * hosts, after a {@code Finish} with {@code releaseResultCaps=false}. Not {@code releaseResultCaps=true}: rpc.capnp
     * allows either, but zombiezen capnproto2 v2 (cloudflared's RPC library) never records the capabilities of a
     * bootstrap answer ({@code answer.fulfill}: "TODO(light): populate resultCaps"), so there the flag would
     * release nothing and every ping would leak a reference.
     */
    private void releaseCapabilities(Return.Reader ret) {
        if (ret.which() != Return.RESULTS) {
            return;
        }
        for (CapDescriptor.Reader descriptor : ret.results().capTable()) {
            int kind = descriptor.which();
            if (kind == CapDescriptor.SENDER_HOSTED || kind == CapDescriptor.SENDER_PROMISE) {
                connection.send(RpcMessages.release(descriptor.id(), 1));
            }
        }
    }

    private void finish(Question question, boolean releaseResultCaps) {
        connection.send(RpcMessages.finish(question.id, releaseResultCaps));
        questions.free(question);
    }

    /**
     * The peer echoed one of our messages as unimplemented. rpc.capnp: a question that comes back unimplemented may
     * be treated as failed; the peer kept no answer, so no Finish is owed and the id is free again.
     */
    void onUnimplemented(Message.Reader echoed) {
        int questionId;
        switch (echoed.which()) {
            case BOOTSTRAP:
                questionId = echoed.bootstrap().questionId();
                break;
            case CALL:
                questionId = echoed.call().questionId();
                break;
            default:
                logger.debug("{} peer does not implement {}; ignored", connection.channel(), echoed.which());
                return;
        }
        Question question = questions.get(questionId);
        if (question == null) {
            return;
        }
        question.cancelTimeout();
        questions.free(question);
        question.fail(new RpcException(RpcException.Type.UNIMPLEMENTED,
                "rpc: peer does not implement " + question.description));
    }

    int questionCount() {
        return questions.size();
    }

    int importCount() {
        return imports.size();
    }

    /** Removes every import with its reference count, for the Release messages of an orderly shutdown. */
    Map<Integer, Integer> drainImports() {
        return imports.drain();
    }

    /** The connection ended: fail every outstanding question with {@code cause}. */
    void close(RpcException cause) {
        imports.drain();
        for (Question question : questions.drain()) {
            question.cancelTimeout();
            question.fail(cause);
        }
    }

    private static RpcException toException(ExceptionInfo.Reader exception) {
        return new RpcException(RpcException.Type.fromWire(exception.type()), exception.reason());
    }
}
