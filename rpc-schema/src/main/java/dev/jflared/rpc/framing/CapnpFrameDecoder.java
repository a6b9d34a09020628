package dev.jflared.rpc.framing;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Decodes Cap'n Proto's standard unpacked stream framing into {@link CapnpMessage}s.
 *
 * <pre>
 * u32 LE  segmentCount - 1
 * u32 LE  size of each segment, in words           (segmentCount times)
 * u32     padding to a multiple of 8 bytes          (when segmentCount is even)
 * bytes   the segments, one after the other
 * </pre>
 *
 * <h2>Limits</h2>
 * The segment count and the declared sizes are checked against {@link CapnpLimits} as soon as the segment table has
 * arrived, before the body is waited for, so a peer cannot make us buffer more than one message of at most
 * {@link CapnpLimits#maxMessageBytes()}. The complete message is then validated (pointer bounds, nesting,
 * traversal). Bytes may arrive in pieces of any size, one at a time included.
 *
 * <h2>Errors</h2>
 * A violation raises {@link CapnpFramingException} through {@code exceptionCaught}; the stream cannot be
 * resynchronised, so from then on this decoder discards everything it receives. Whoever handles the exception
 * closes the stream.
 *
 * <h2>Ownership</h2>
 * Input buffers are released by {@link ByteToMessageDecoder}; the emitted {@link CapnpMessage} holds heap copies.
 */
public final class CapnpFrameDecoder extends ByteToMessageDecoder {

    private final CapnpLimits limits;
    private boolean failed;

    public CapnpFrameDecoder() {
        this(CapnpLimits.DEFAULT);
    }

    public CapnpFrameDecoder(CapnpLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            CapnpMessage message = decodeOne(in);
            if (message != null) {
                out.add(message);
            }
        } catch (CapnpFramingException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private CapnpMessage decodeOne(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        int start = in.readerIndex();
        long segmentCount = Integer.toUnsignedLong(in.getIntLE(start)) + 1;
        if (segmentCount > limits.maxSegments()) {
            throw CapnpFramingException.limit("segment count", segmentCount, limits.maxSegments());
        }
        int count = (int) segmentCount;
        int tableBytes = (4 * (count + 1) + 7) & ~7;
        if (in.readableBytes() < tableBytes) {
            return null;
        }
        int[] segmentWords = new int[count];
        long bodyBytes = 0;
        for (int i = 0; i < count; i++) {
            long words = Integer.toUnsignedLong(in.getIntLE(start + 4 + 4 * i));
            bodyBytes += words * 8;
            if (bodyBytes > limits.maxMessageBytes()) {
                throw CapnpFramingException.limit("message size in bytes (declared by segment " + i + ")", bodyBytes,
                        limits.maxMessageBytes());
            }
            segmentWords[i] = (int) words;
        }
        if (in.readableBytes() < tableBytes + bodyBytes) {
            return null;
        }
        in.skipBytes(tableBytes);
        ByteBuffer[] segments = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[segmentWords[i] * 8];
            in.readBytes(bytes);
            segments[i] = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        boolean capabilities = CapnpMessageValidator.validate(segments, limits);
        return new CapnpMessage(segments, limits, capabilities);
    }
}
