package dev.jflared.rpc.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CapnpFrameDecoderTest {

    private static final String CONTROL = "quic/raw/quic-conn1/control.cfd2edge.bin";

    @Test
    void goldenStreamDecodesWhenBytesArriveOneAtATime() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        byte[] bytes = Golden.bytes(CONTROL);

        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<CapnpMessage> messages = readAll(channel);

        assertThat(messages).hasSize(10);
        assertThat(messages).allSatisfy(m -> assertThat(m.segmentCount()).isEqualTo(1));
        assertThat(messages.get(1).sizeInWords()).isEqualTo((544 - 8) / 8);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void goldenStreamDecodesFromOneBuffer() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());

        channel.writeInbound(Unpooled.wrappedBuffer(Golden.bytes(CONTROL)));

        assertThat(readAll(channel)).hasSize(10);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void truncatedFrameProducesNothingAndIsReleasedOnClose() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        byte[] bytes = Golden.bytes(CONTROL);
        ByteBuf partial = Unpooled.copiedBuffer(bytes, 0, 47);

        channel.writeInbound(partial);

        assertThat(readAll(channel)).isEmpty();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        assertThat(partial.refCnt()).isZero();
    }

    @Test
    void hugeSegmentCountFailsOnTheFirstFourBytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        ByteBuf header = Unpooled.buffer().writeIntLE(-1);

        assertThatThrownBy(() -> channel.writeInbound(header))
                .isInstanceOf(CapnpFramingException.class)
                .hasMessage("segment count 4294967296 exceeds the limit of 512");
        assertThat(header.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void hugeDeclaredSizeFailsBeforeTheBodyIsBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        ByteBuf header = Unpooled.buffer().writeIntLE(0).writeIntLE(0x7FFF_FFFF);

        assertThatThrownBy(() -> channel.writeInbound(header))
                .isInstanceOf(CapnpFramingException.class)
                .hasMessageContaining("message size in bytes")
                .hasMessageContaining(String.valueOf(0x7FFF_FFFFL * 8))
                .hasMessageContaining("limit of " + CapnpLimits.DEFAULT_MAX_MESSAGE_BYTES);
        channel.finishAndReleaseAll();
    }

    @Test
    void sizesSummedOverSegmentsAreLimited() {
        CapnpLimits limits = new CapnpLimits(4, 64, 1000, 8);
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder(limits));
        ByteBuf header = Unpooled.buffer().writeIntLE(1).writeIntLE(5).writeIntLE(5).writeIntLE(0);

        assertThatThrownBy(() -> channel.writeInbound(header)).isInstanceOf(CapnpFramingException.class)
                .hasMessage("message size in bytes (declared by segment 1) 80 exceeds the limit of 64");
        channel.finishAndReleaseAll();
    }

    @Test
    void afterAFailureEverythingIsDiscarded() {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeIntLE(-1)))
                .isInstanceOf(CapnpFramingException.class);
        ByteBuf more = Unpooled.wrappedBuffer(Golden.bytes(CONTROL));

        channel.writeInbound(more);

        assertThat(readAll(channel)).isEmpty();
        assertThat(more.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void emptyFirstSegmentIsRejected() {
        assertThatThrownBy(() -> decode(frame(new long[0])))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("root pointer");
    }

    @Test
    void structPointerOutsideTheSegmentIsRejected() {
        long root = structPointer(5, 1, 0);

        assertThatThrownBy(() -> decode(frame(new long[] {root})))
                .isInstanceOf(CapnpFramingException.class)
                .hasMessage("struct at word 6 of 1 words lies outside segment 0 of 1 words");
    }

    @Test
    void negativeOffsetBeforeTheSegmentIsRejected() {
        long root = structPointer(-3, 1, 0);

        assertThatThrownBy(() -> decode(frame(new long[] {root, 0})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("outside segment 0");
    }

    @Test
    void farPointerToAMissingSegmentIsRejected() {
        long far = 2L | (0L << 3) | (7L << 32);

        assertThatThrownBy(() -> decode(frame(new long[] {far})))
                .isInstanceOf(CapnpFramingException.class)
                .hasMessage("far pointer to segment 7 of a message with 1 segments");
    }

    @Test
    void validFarPointerIntoASecondSegmentDecodes() {
        long far = 2L | (0L << 3) | (1L << 32);
        long pad = structPointer(0, 1, 0);
        byte[] bytes = frame(new long[] {far}, new long[] {pad, 42});

        CapnpMessage message = decode(bytes);

        assertThat(message.segmentCount()).isEqualTo(2);
        assertThat(message.sizeInWords()).isEqualTo(3);
    }

    @Test
    void pointerCycleHitsTheNestingLimit() {
        long root = structPointer(0, 0, 1);
        long self = structPointer(-1, 0, 1);

        assertThatThrownBy(() -> decode(frame(new long[] {root, self})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("nesting limit");
    }

    @Test
    void sharedSubtreesHitTheTraversalLimit() {
        // Six levels of 8-pointer lists whose pointers all lead to the next level: 8^6 reads, no cycle, shallow.
        CapnpLimits limits = new CapnpLimits(1, 1 << 20, 10_000, 64);
        int levels = 6;
        long[] words = new long[1 + 8 * (levels + 1)];
        words[0] = listPointer(0, 6, 8);
        for (int level = 0; level < levels; level++) {
            int start = 1 + 8 * level;
            int next = start + 8;
            for (int j = 0; j < 8; j++) {
                words[start + j] = listPointer(next - (start + j + 1), 6, 8);
            }
        }

        assertThatThrownBy(() -> decode(frame(words), limits))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("traversal limit");
        assertThat(decode(frame(words)).sizeInWords()).isEqualTo(words.length);
    }

    @Test
    void hugeListOfEmptyElementsHitsTheTraversalLimit() {
        long voidList = listPointer(0, 0, (1 << 29) - 1);

        assertThatThrownBy(() -> decode(frame(new long[] {voidList})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("traversal limit");
    }

    @Test
    void hugeListOfEmptyStructsHitsTheTraversalLimit() {
        long list = listPointer(0, 7, 0);
        long tag = ((long) ((1 << 29) - 1) << 2);

        assertThatThrownBy(() -> decode(frame(new long[] {list, tag})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("traversal limit");
    }

    @Test
    void structListOverrunningItsWordsIsRejected() {
        long list = listPointer(0, 7, 1);
        long tag = (3L << 2) | (1L << 32);

        assertThatThrownBy(() -> decode(frame(new long[] {list, tag, 0})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("overruns");
    }

    @Test
    void capabilityPointersAreAllowedAndReported() {
        long root = structPointer(0, 0, 1);
        long capability = 3L | (4L << 32);

        CapnpMessage message = decode(frame(new long[] {root, capability}));

        assertThat(message.containsCapabilityPointers()).isTrue();
    }

    @Test
    void unknownOtherPointerIsRejected() {
        long root = structPointer(0, 0, 1);

        assertThatThrownBy(() -> decode(frame(new long[] {root, 3L | 4L})))
                .isInstanceOf(CapnpFramingException.class).hasMessageContaining("'other' pointer");
    }

    static long structPointer(int offset, int dataWords, int pointers) {
        return ((long) offset << 2 & 0xFFFF_FFFFL) | ((long) dataWords << 32) | ((long) pointers << 48);
    }

    static long listPointer(int offset, int elementSize, int count) {
        return 1L | ((long) offset << 2 & 0xFFFF_FFFFL) | ((long) elementSize << 32) | ((long) count << 35);
    }

    /** Frames segments given as words. */
    static byte[] frame(long[]... segments) {
        int table = (4 * (segments.length + 1) + 7) & ~7;
        int body = 0;
        for (long[] segment : segments) {
            body += segment.length * 8;
        }
        ByteBuffer out = ByteBuffer.allocate(table + body).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(segments.length - 1);
        for (long[] segment : segments) {
            out.putInt(segment.length);
        }
        out.position(table);
        for (long[] segment : segments) {
            for (long word : segment) {
                out.putLong(word);
            }
        }
        return out.array();
    }

    private static CapnpMessage decode(byte[] bytes) {
        return decode(bytes, CapnpLimits.DEFAULT);
    }

    private static CapnpMessage decode(byte[] bytes, CapnpLimits limits) {
        EmbeddedChannel channel = new EmbeddedChannel(new CapnpFrameDecoder(limits));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            return channel.readInbound();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static List<CapnpMessage> readAll(EmbeddedChannel channel) {
        List<CapnpMessage> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add((CapnpMessage) m);
        }
        return messages;
    }
}
