package dev.jflared.testkit;

import dev.jflared.rpc.message.CapDescriptor;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.message.Payload;
import dev.jflared.rpc.message.Return;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.capnproto.AnyPointer;
import org.capnproto.MessageReader;
import org.capnproto.Serialize;

/**
 * Cap'n Proto stream framing for the replay tests (the standard unpacked framing of shared/golden/README.md: u32 LE
 * segment count - 1, u32 LE words per segment, padding to 8 bytes, the segments), and a one-line description of an
 * rpc.capnp {@code Message} to compare what LocalEdge sent with what the stand-in edge sent.
 */
final class RpcFrames {

    private RpcFrames() {}

    /** The length of the framed message at {@code offset}, or -1 while it is incomplete. */
    static int frameLength(byte[] bytes, int offset) {
        if (bytes.length - offset < 4) {
            return -1;
        }
        int segments = intLe(bytes, offset) + 1;
        int table = (4 * (segments + 1) + 7) & ~7;
        if (segments <= 0 || bytes.length - offset < table) {
            return -1;
        }
        long words = 0;
        for (int i = 0; i < segments; i++) {
            words += Integer.toUnsignedLong(intLe(bytes, offset + 4 + 4 * i));
        }
        long length = table + words * 8;
        return bytes.length - offset < length ? -1 : (int) length;
    }

    /** Every complete framed message from {@code offset} on, as its exact wire bytes. */
    static List<byte[]> split(byte[] bytes, int offset) {
        List<byte[]> frames = new ArrayList<>();
        for (int length; (length = frameLength(bytes, offset)) > 0; offset += length) {
            frames.add(Arrays.copyOfRange(bytes, offset, offset + length));
        }
        return frames;
    }

    /** Like {@link #split}, but every byte must belong to a complete frame. */
    static List<byte[]> splitExactly(byte[] bytes, int offset) {
        List<byte[]> frames = split(bytes, offset);
        int consumed = offset + frames.stream().mapToInt(frame -> frame.length).sum();
        if (consumed != bytes.length) {
            throw new AssertionError((bytes.length - consumed) + " bytes after the last complete frame");
        }
        return frames;
    }

    static MessageReader read(byte[] frame) {
        try {
            return Serialize.read(ByteBuffer.wrap(frame));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code frame} as an rpc.capnp {@code Message}. */
    static Message.Reader rpcMessage(byte[] frame) {
        return read(frame).getRoot(Message.factory);
    }

    /** The parameters of the {@code Call} in {@code frame}. */
    static AnyPointer.Reader callParams(byte[] frame) {
        Message.Reader message = rpcMessage(frame);
        if (message.which() != Message.Which.CALL) {
            throw new AssertionError("not a call: " + describe(message));
        }
        return message.call().params().content();
    }

    /** The results of the {@code Return} in {@code frame}. */
    static AnyPointer.Reader returnResults(byte[] frame) {
        Message.Reader message = rpcMessage(frame);
        if (message.which() != Message.Which.RETURN || message.return_().which() != Return.RESULTS) {
            throw new AssertionError("not a return with results: " + describe(message));
        }
        return message.return_().results().content();
    }

    static List<String> describeAll(List<byte[]> frames) {
        return frames.stream().map(frame -> describe(rpcMessage(frame))).toList();
    }

    /**
     * Kind, ids, target, interface and method, and each payload's shape (a capability or a struct, and the
     * capability table): everything of a message but the parameters and results themselves.
     */
    static String describe(Message.Reader message) {
        return switch (message.which()) {
            case BOOTSTRAP -> "bootstrap q=" + message.bootstrap().questionId();
            case CALL -> {
                Call.Reader call = message.call();
                yield "call q=" + call.questionId() + " target=" + target(call.target()) + " iface=0x"
                        + Long.toHexString(call.interfaceId()) + " method=" + call.methodId() + " params="
                        + payload(call.params());
            }
            case RETURN -> {
                Return.Reader ret = message.return_();
                String head = "return a=" + ret.answerId();
                yield switch (ret.which()) {
                    case Return.RESULTS -> head + " results=" + payload(ret.results());
                    case Return.EXCEPTION -> head + " exception=\"" + ret.exception().reason() + "\"";
                    default -> head + " which=" + ret.which();
                };
            }
            case FINISH -> "finish q=" + message.finish().questionId() + " releaseResultCaps="
                    + message.finish().releaseResultCaps();
            case RELEASE -> "release id=" + message.release().id() + " count=" + message.release().referenceCount();
            case ABORT -> "abort \"" + message.abort().reason() + "\" type=" + message.abort().type();
            default -> message.which().toString().toLowerCase();
        };
    }

    private static String target(MessageTarget.Reader target) {
        return target.which() == MessageTarget.IMPORTED_CAP ? "importedCap(" + target.importedCap() + ")"
                : "promisedAnswer(" + target.promisedAnswer().questionId() + ")";
    }

    private static String payload(Payload.Reader payload) {
        int capability = payload.contentCapabilityIndex();
        String content = capability >= 0 ? "cap(" + capability + ")" : payload.content().isNull() ? "null" : "struct";
        List<String> table = new ArrayList<>();
        for (CapDescriptor.Reader descriptor : payload.capTable()) {
            table.add(descriptor.which() == CapDescriptor.SENDER_HOSTED ? "senderHosted(" + descriptor.id() + ")"
                    : "kind" + descriptor.which());
        }
        return content + " caps=" + table;
    }

    private static int intLe(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16
                | (bytes[offset + 3] & 0xFF) << 24;
    }
}
