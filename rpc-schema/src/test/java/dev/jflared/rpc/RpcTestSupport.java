package dev.jflared.rpc;

import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.CapDescriptor;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.ExceptionInfo;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.Return;
import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Golden file access and a one-line description of each RPC message, shared by the RPC tests. */
final class RpcTestSupport {

    static final long REGISTRATION_SERVER = 0xf71695ec7fe85497L;
    static final long CONFIGURATION_MANAGER = 0xb48edfbdaa25db04L;
    static final int RPC_STREAM_SIGNATURE_LENGTH = 6;

    private RpcTestSupport() {}

    /** The framed messages of a golden file, skipping {@code skip} leading bytes. */
    static List<CapnpMessage> goldenMessages(String relative, int skip) {
        byte[] bytes = Golden.bytes(relative);
        return decodeAll(Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    /**
     * Each complete framed message of a golden file as its exact wire bytes. A capture may end inside a frame
     * (quic-rejected's control.cfd2edge ends with the header of a finish that cloudflared never completed as it
     * exited); that last partial frame is left out.
     */
    static List<byte[]> goldenFrames(String relative, int skip) {
        byte[] bytes = Golden.bytes(relative);
        List<byte[]> frames = new ArrayList<>();
        int offset = skip;
        while (offset < bytes.length) {
            int count = readIntLe(bytes, offset) + 1;
            int table = (4 * (count + 1) + 7) & ~7;
            int body = 0;
            for (int i = 0; i < count; i++) {
                body += readIntLe(bytes, offset + 4 + 4 * i) * 8;
            }
            if (offset + table + body > bytes.length) {
                break;
            }
            frames.add(Arrays.copyOfRange(bytes, offset, offset + table + body));
            offset += table + body;
        }
        return frames;
    }

    static List<CapnpMessage> decodeAll(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<CapnpMessage> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add((CapnpMessage) m);
        }
        channel.finishAndReleaseAll();
        return messages;
    }

    /** Decodes every outbound {@link ByteBuf} written so far to {@code channel}, releasing them. */
    static List<CapnpMessage> drainOutbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object m; (m = channel.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) m;
                all.writeBytes(buf);
                buf.release();
            }
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            return decodeAll(bytes);
        } finally {
            all.release();
        }
    }

    static List<String> describeAll(List<CapnpMessage> messages) {
        return messages.stream().map(m -> describe(m.getRoot(Message.factory))).collect(Collectors.toList());
    }

    /** One line per message: kind, ids, targets and interface/method ids; params and results shown by shape. */
    static String describe(Message.Reader message) {
        switch (message.which()) {
            case BOOTSTRAP:
                return "bootstrap q=" + message.bootstrap().questionId();
            case CALL: {
                Call.Reader call = message.call();
                return "call q=" + call.questionId() + " target=" + target(call.target()) + " iface=0x"
                        + Long.toHexString(call.interfaceId()) + " method=" + call.methodId() + " params="
                        + payload(call.params()) + " sendResultsTo=" + call.sendResultsTo();
            }
            case RETURN: {
                Return.Reader ret = message.return_();
                String head = "return a=" + ret.answerId() + " releaseParamCaps=" + ret.releaseParamCaps();
                switch (ret.which()) {
                    case Return.RESULTS:
                        return head + " results=" + payload(ret.results());
                    case Return.EXCEPTION:
                        return head + " exception=" + exception(ret.exception());
                    case Return.CANCELED:
                        return head + " canceled";
                    default:
                        return head + " which=" + ret.which();
                }
            }
            case FINISH:
                return "finish q=" + message.finish().questionId() + " releaseResultCaps="
                        + message.finish().releaseResultCaps();
            case RELEASE:
                return "release id=" + message.release().id() + " count=" + message.release().referenceCount();
            case ABORT:
                return "abort " + exception(message.abort());
            case UNIMPLEMENTED:
                return "unimplemented(" + describe(message.unimplemented()) + ")";
            default:
                return message.which().toString().toLowerCase() + " tag=" + message.rawWhich();
        }
    }

    private static String target(MessageTarget.Reader target) {
        if (target.which() == MessageTarget.IMPORTED_CAP) {
            return "importedCap(" + target.importedCap() + ")";
        }
        return "promisedAnswer(" + target.promisedAnswer().questionId() + ",ops="
                + target.promisedAnswer().transform().size() + ")";
    }

    private static String payload(Payload.Reader payload) {
        int cap = payload.contentCapabilityIndex();
        String content = cap >= 0 ? "cap(" + cap + ")" : payload.content().isNull() ? "null" : "struct";
        List<String> caps = new ArrayList<>();
        for (CapDescriptor.Reader d : payload.capTable()) {
            caps.add(d.which() == CapDescriptor.SENDER_HOSTED ? "senderHosted(" + d.id() + ")" : "kind" + d.which());
        }
        return content + " caps=" + caps;
    }

    private static String exception(ExceptionInfo.Reader exception) {
        return "\"" + exception.reason() + "\" type=" + exception.type();
    }

    private static int readIntLe(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16
                | (bytes[offset + 3] & 0xFF) << 24;
    }
}
