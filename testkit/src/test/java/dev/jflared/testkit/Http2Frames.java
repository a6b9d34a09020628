package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * HTTP/2 frames as raw bytes (RFC 9113 section 4.1) for the replay tests: cut a byte stream into frames, and decode
 * header blocks in order with one HPACK decoder per direction, as a peer does.
 *
 * <pre>
 * +-----------------------------------------------+
 * |                 Length (24)                   |
 * +---------------+---------------+---------------+
 * |   Type (8)    |   Flags (8)   |
 * +-+-------------+---------------+-------------------------------+
 * |R|                 Stream Identifier (31)                      |
 * +=+=============================================================+
 * |                   Frame Payload (0...)                      ...
 * +---------------------------------------------------------------+
 * </pre>
 */
final class Http2Frames {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int WINDOW_UPDATE = 0x8;
    /** END_STREAM on DATA and HEADERS, ACK on SETTINGS and PING. */
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int PADDED = 0x8;
    static final int PRIORITY = 0x20;
    static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_LENGTH = 9;

    private Http2Frames() {}

    /**
     * One frame.
     *
     * @param wire the whole frame as sent, header included
     */
    record Frame(int type, int flags, int streamId, byte[] payload, byte[] wire) {

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The header block fragment of a HEADERS frame: the payload without padding and priority fields. */
        byte[] headerBlock() {
            int start = has(PADDED) ? 1 : 0;
            int padding = has(PADDED) ? payload[0] & 0xFF : 0;
            if (has(PRIORITY)) {
                start += 5;
            }
            return Arrays.copyOfRange(payload, start, payload.length - padding);
        }

        @Override
        public String toString() {
            return "Frame(type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", stream=" + streamId
                    + ", length=" + payload.length + ")";
        }
    }

    /** The length of the frame at {@code offset}, header included, or -1 while it is incomplete. */
    static int frameLength(byte[] bytes, int offset) {
        if (bytes.length - offset < HEADER_LENGTH) {
            return -1;
        }
        int length = HEADER_LENGTH + ((bytes[offset] & 0xFF) << 16 | (bytes[offset + 1] & 0xFF) << 8
                | (bytes[offset + 2] & 0xFF));
        return bytes.length - offset < length ? -1 : length;
    }

    /** Every complete frame from {@code offset} on. */
    static List<Frame> split(byte[] bytes, int offset) {
        List<Frame> frames = new ArrayList<>();
        for (int length; (length = frameLength(bytes, offset)) > 0; offset += length) {
            int stream = (bytes[offset + 5] & 0x7F) << 24 | (bytes[offset + 6] & 0xFF) << 16
                    | (bytes[offset + 7] & 0xFF) << 8 | (bytes[offset + 8] & 0xFF);
            frames.add(new Frame(bytes[offset + 3] & 0xFF, bytes[offset + 4] & 0xFF, stream,
                    Arrays.copyOfRange(bytes, offset + HEADER_LENGTH, offset + length),
                    Arrays.copyOfRange(bytes, offset, offset + length)));
        }
        return frames;
    }

    /**
     * The HPACK state of one direction of a connection: every HEADERS frame of that direction must pass through
     * {@link #decode} once and in order (the dynamic table depends on each). Default table size (4096), as both
     * sides of the captures used. No CONTINUATION frames occur in the captures or the replays.
     */
    static final class HeaderDecoder {
        private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);

        Http2Headers decode(Frame headers) {
            ByteBuf block = Unpooled.wrappedBuffer(headers.headerBlock());
            try {
                return decoder.decodeHeaders(headers.streamId(), block);
            } catch (Http2Exception e) {
                throw new AssertionError("undecodable header block in " + headers, e);
            } finally {
                block.release();
            }
        }
    }
}
