package dev.jflared.rpc.framing;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import org.capnproto.MessageBuilder;

/**
 * Writes an {@link MessageBuilder} in Cap'n Proto's standard unpacked stream framing (see {@link CapnpFrameDecoder}).
 *
 * <h2>Errors</h2>
 * A message larger than {@link CapnpLimits#maxMessageBytes()} or with more than {@link CapnpLimits#maxSegments()}
 * segments fails its write promise with an {@link EncoderException} and nothing is written: the peer would refuse it.
 *
 * <h2>Ownership</h2>
 * A {@link MessageBuilder} is a heap value; nothing to release. The encoder is stateless and {@link Sharable}.
 */
@Sharable
public final class CapnpFrameEncoder extends MessageToByteEncoder<MessageBuilder> {

    private final CapnpLimits limits;

    public CapnpFrameEncoder() {
        this(CapnpLimits.DEFAULT);
    }

    public CapnpFrameEncoder(CapnpLimits limits) {
        super(MessageBuilder.class);
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MessageBuilder msg, boolean preferDirect) {
        ByteBuffer[] segments = msg.getSegmentsForOutput();
        checkLimits(segments);
        return ctx.alloc().ioBuffer(tableBytes(segments.length) + (int) bodyBytes(segments));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MessageBuilder msg, ByteBuf out) {
        ByteBuffer[] segments = msg.getSegmentsForOutput();
        checkLimits(segments);
        writeFrame(segments, out);
    }

    private void checkLimits(ByteBuffer[] segments) {
        if (segments.length > limits.maxSegments()) {
            throw new EncoderException(CapnpFramingException.limit("outgoing segment count", segments.length,
                    limits.maxSegments()));
        }
        long bodyBytes = bodyBytes(segments);
        if (bodyBytes > limits.maxMessageBytes()) {
            throw new EncoderException(CapnpFramingException.limit("outgoing message size in bytes", bodyBytes,
                    limits.maxMessageBytes()));
        }
    }

    /** Appends {@code segments} framed to {@code out}; the caller keeps ownership of {@code out}. */
    public static void writeFrame(ByteBuffer[] segments, ByteBuf out) {
        out.writeIntLE(segments.length - 1);
        for (ByteBuffer segment : segments) {
            out.writeIntLE(segment.remaining() / 8);
        }
        if (segments.length % 2 == 0) {
            out.writeIntLE(0);
        }
        for (ByteBuffer segment : segments) {
            out.writeBytes(segment.duplicate());
        }
    }

    private static int tableBytes(int segmentCount) {
        return (4 * (segmentCount + 1) + 7) & ~7;
    }

    private static long bodyBytes(ByteBuffer[] segments) {
        long bytes = 0;
        for (ByteBuffer segment : segments) {
            bytes += segment.remaining();
        }
        return bytes;
    }
}
