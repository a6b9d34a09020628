package dev.jflared.rpc;

import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.Return;
import org.capnproto.MessageBuilder;

/** Builds the RPC messages the connection sends; each returns a new message ready for the encoder. */
final class RpcMessages {

    /** Small messages fit one segment of this many words. */
    private static final int SMALL_MESSAGE_WORDS = 64;

    private RpcMessages() {}

    static MessageBuilder newMessage() {
        return new MessageBuilder(SMALL_MESSAGE_WORDS);
    }

    static Message.Builder root(MessageBuilder message) {
        return message.initRoot(Message.factory);
    }

    static MessageBuilder bootstrap(int questionId) {
        MessageBuilder message = newMessage();
        root(message).initBootstrap().setQuestionId(questionId);
        return message;
    }

    static MessageBuilder finish(int questionId, boolean releaseResultCaps) {
        MessageBuilder message = newMessage();
        root(message).initFinish().setQuestionId(questionId).setReleaseResultCaps(releaseResultCaps);
        return message;
    }

    static MessageBuilder release(int importId, int referenceCount) {
        MessageBuilder message = newMessage();
        root(message).initRelease().setId(importId).setReferenceCount(referenceCount);
        return message;
    }

    static MessageBuilder abort(RpcException.Type type, String reason) {
        MessageBuilder message = newMessage();
        root(message).initAbort().setReason(reason).setType(type.wire);
        return message;
    }

    /** The answer to {@code Bootstrap}: a capability pointer to capTable[0] = senderHosted(exportId). */
    static MessageBuilder bootstrapReturn(int answerId, int exportId) {
        MessageBuilder message = newMessage();
        Return.Builder ret = root(message).initReturn().setAnswerId(answerId).setReleaseParamCaps(false);
        Payload.Builder results = ret.initResults();
        results.setContentCapability(0);
        results.initCapTable(1).get(0).setSenderHosted(exportId);
        return message;
    }

    static MessageBuilder exceptionReturn(int answerId, boolean releaseParamCaps, RpcException.Type type,
            String reason) {
        MessageBuilder message = newMessage();
        root(message).initReturn().setAnswerId(answerId).setReleaseParamCaps(releaseParamCaps).initException()
                .setReason(reason).setType(type.wire);
        return message;
    }

    static MessageBuilder canceledReturn(int answerId, boolean releaseParamCaps) {
        MessageBuilder message = newMessage();
        root(message).initReturn().setAnswerId(answerId).setReleaseParamCaps(releaseParamCaps).setCanceled();
        return message;
    }

    /**
     * Echoes a message we do not handle as {@code unimplemented} (rpc.capnp, {@code Message.unimplemented}). A message
     * holding capability pointers is echoed with its kind only: the runtime cannot copy capability pointers, and the
     * kind is all a peer needs to react.
     */
    static MessageBuilder unimplemented(Message.Reader received, boolean copyContent) {
        MessageBuilder message = newMessage();
        if (copyContent) {
            root(message).setUnimplemented(received);
        } else {
            root(message).initUnimplemented().setRawWhich(received.rawWhich());
        }
        return message;
    }
}
