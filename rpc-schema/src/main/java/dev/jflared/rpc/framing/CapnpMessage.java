package dev.jflared.rpc.framing;

import java.nio.ByteBuffer;
import org.capnproto.FromPointerReader;
import org.capnproto.MessageReader;

/**
 * One received Cap'n Proto message whose pointers have been validated against {@link CapnpLimits}.
 *
 * <h2>Ownership</h2>
 * The segments are heap copies of the received bytes, so this value holds no Netty buffer and needs no release; it
 * may be kept and read after the handler that produced it has returned. RPC messages are small and few (registration,
 * configuration), so the copy costs less than tracking a reference count across the RPC engine.
 *
 * <h2>Threads</h2>
 * Reading is not thread-safe (the runtime counts the traversal budget as fields are read); read it on one thread.
 */
public final class CapnpMessage {

    private final ByteBuffer[] segments;
    private final MessageReader reader;
    private final long sizeInWords;
    private final boolean containsCapabilityPointers;

    CapnpMessage(ByteBuffer[] segments, CapnpLimits limits, boolean containsCapabilityPointers) {
        this.segments = segments;
        this.containsCapabilityPointers = containsCapabilityPointers;
        this.reader = new MessageReader(segments, limits.readerOptions());
        long words = 0;
        for (ByteBuffer segment : segments) {
            words += segment.capacity() / 8;
        }
        this.sizeInWords = words;
    }

    /** The root struct read with {@code factory}, e.g. {@code getRoot(Message.factory)}. */
    public <T> T getRoot(FromPointerReader<T> factory) {
        return reader.getRoot(factory);
    }

    /** The runtime's reader over this message. */
    public MessageReader reader() {
        return reader;
    }

    /** Whether a capability pointer occurs anywhere in the message (the runtime cannot deep-copy such a message). */
    public boolean containsCapabilityPointers() {
        return containsCapabilityPointers;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** Size of all segments, in 8-byte words. */
    public long sizeInWords() {
        return sizeInWords;
    }

    @Override
    public String toString() {
        return "CapnpMessage(segments=" + segments.length + ", words=" + sizeInWords + ")";
    }
}
