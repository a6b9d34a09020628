package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server side of a websocket (RFC 6455) spoken over the eyeball's stream, for origins that carry bytes inside
 * websocket messages as {@code cloudflared access} expects (cloudflared {@code websocket/connection.go}):
 * {@link #payloads()} is the eyeball's stream with the framing removed, and {@link #frames()} frames whatever is
 * written to it as binary messages. Pings are answered with pongs, a close is answered and ends the payloads, and
 * a ping goes out every {@value #PING_PERIOD_SECONDS} s as cloudflared's pinger does.
 *
 * <h2>Ownership</h2>
 * Payload chunks are slices of the received frames, unmasked in place, owned by the payload receiver.
 */
final class WebSocketFraming {

    static final long PING_PERIOD_SECONDS = 54;
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;

    private final BodySource eyeball;
    private final BodySink toEyeball;
    private final ByteBufAllocator alloc;
    private final PayloadSource payloads = new PayloadSource();
    private final FrameSink frames = new FrameSink();
    private ScheduledFuture<?> pinger;

    WebSocketFraming(BodySource eyeball, BodySink toEyeball, ByteBufAllocator alloc, EventLoop loop) {
        this.eyeball = eyeball;
        this.toEyeball = toEyeball;
        this.alloc = alloc;
        this.pinger = loop.scheduleAtFixedRate(this::ping, PING_PERIOD_SECONDS, PING_PERIOD_SECONDS,
                TimeUnit.SECONDS);
    }

    /** The eyeball's message payloads. */
    BodySource payloads() {
        return payloads;
    }

    /** Writes binary messages toward the eyeball. */
    BodySink frames() {
        return frames;
    }

    /** While a payload chunk is being delivered: the opcode (text or binary) of the message it belongs to. */
    int messageOpcode() {
        return payloads.messageOpcode;
    }

    /** While a payload chunk is being delivered: whether it is the last chunk of its message. */
    boolean chunkEndsMessage() {
        return payloads.fin && payloads.remaining == 0;
    }

    /** Writes one frame toward the eyeball: {@code opcode} 0 continues a message; {@code fin} ends it. */
    void writeFrame(int opcode, boolean fin, ByteBuf payload) {
        ByteBuf header = header(opcode, payload.readableBytes());
        if (!fin) {
            header.setByte(0, header.getByte(0) & 0x7F);
        }
        toEyeball.write(header);
        toEyeball.write(payload);
    }

    private void ping() {
        if (toEyeball.isWritable()) {
            toEyeball.write(header(OP_PING, 0));
            toEyeball.flush();
        }
    }

    private void stopPinging() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
    }

    private ByteBuf header(int opcode, int length) {
        ByteBuf header = alloc.buffer(length < 126 ? 2 : length < 65536 ? 4 : 10);
        header.writeByte(0x80 | opcode);
        if (length < 126) {
            header.writeByte(length);
        } else if (length < 65536) {
            header.writeByte(126).writeShort(length);
        } else {
            header.writeByte(127).writeLong(length);
        }
        return header;
    }

    /** Unframes the eyeball's stream into payload chunks. */
    private final class PayloadSource implements BodySource, BodyReceiver {

        private BodyReceiver receiver;
        private ByteBuf cumulation;
        private long remaining;
        private int opcode;
        private int messageOpcode = OP_BINARY;
        private boolean fin;
        private int maskKey;
        private boolean masked;
        private long maskOffset;
        private boolean inPayload;
        private boolean closed;
        private boolean subscribed;
        private boolean delivered;

        @Override
        public void subscribe(BodyReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void request() {
            if (!subscribed) {
                subscribed = true;
                eyeball.subscribe(this);
            }
            eyeball.request();
        }

        @Override
        public void abort(Throwable cause) {
            closed = true;
            stopPinging();
            releaseCumulation();
            eyeball.abort(cause);
        }

        @Override
        public void onChunk(ByteBuf chunk) {
            if (closed) {
                chunk.release();
                return;
            }
            cumulation = cumulation == null ? chunk
                    : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, chunk);
            try {
                parse();
            } catch (CorruptedFrameException e) {
                fail(e);
            }
        }

        @Override
        public void onReadComplete() {
            if (closed) {
                return;
            }
            if (delivered) {
                delivered = false;
                receiver.onReadComplete();
            } else {
                // Only part of a frame header arrived, or only control frames: nothing for the receiver yet.
                eyeball.request();
            }
        }

        @Override
        public void onEnd(HttpHeaders trailers) {
            if (!closed) {
                closed = true;
                stopPinging();
                releaseCumulation();
                receiver.onEnd(EmptyHttpHeaders.INSTANCE);
            }
        }

        @Override
        public void onError(Throwable cause) {
            fail(cause);
        }

        private void fail(Throwable cause) {
            if (!closed) {
                closed = true;
                stopPinging();
                releaseCumulation();
                receiver.onError(cause);
            }
        }

        private void parse() {
            while (!closed && cumulation != null && cumulation.isReadable()) {
                if (!inPayload && !readHeader()) {
                    break;
                }
                if (isControl(opcode)) {
                    if (cumulation.readableBytes() < remaining) {
                        break;
                    }
                    ByteBuf payload = unmask(cumulation.readRetainedSlice((int) remaining));
                    inPayload = false;
                    control(payload);
                    continue;
                }
                int take = (int) Math.min(remaining, cumulation.readableBytes());
                ByteBuf payload = unmask(cumulation.readRetainedSlice(take));
                remaining -= take;
                if (remaining == 0) {
                    inPayload = false;
                }
                if (payload.isReadable()) {
                    delivered = true;
                    receiver.onChunk(payload);
                } else {
                    payload.release();
                }
            }
            if (cumulation != null && !cumulation.isReadable()) {
                releaseCumulation();
            }
        }

        private boolean readHeader() {
            int start = cumulation.readerIndex();
            if (cumulation.readableBytes() < 2) {
                return false;
            }
            int b0 = cumulation.getUnsignedByte(start);
            int b1 = cumulation.getUnsignedByte(start + 1);
            int length7 = b1 & 0x7F;
            boolean hasMask = (b1 & 0x80) != 0;
            int needed = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (hasMask ? 4 : 0);
            if (cumulation.readableBytes() < needed) {
                return false;
            }
            cumulation.skipBytes(2);
            long length = length7 == 126 ? cumulation.readUnsignedShort()
                    : length7 == 127 ? cumulation.readLong() : length7;
            if (length < 0) {
                throw new CorruptedFrameException("websocket frame length is negative: " + length);
            }
            opcode = b0 & 0x0F;
            fin = (b0 & 0x80) != 0;
            if (opcode != OP_CONTINUATION && opcode != OP_TEXT && opcode != OP_BINARY && !isControl(opcode)) {
                throw new CorruptedFrameException("unknown websocket opcode " + opcode);
            }
            if (isControl(opcode) && length > 125) {
                throw new CorruptedFrameException("websocket control frame longer than 125 bytes: " + length);
            }
            if (opcode == OP_TEXT || opcode == OP_BINARY) {
                messageOpcode = opcode;
            }
            masked = hasMask;
            maskKey = hasMask ? cumulation.readInt() : 0;
            maskOffset = 0;
            remaining = length;
            inPayload = true;
            return true;
        }

        /** Unmasks in place, four bytes at a time: the key turned to where this piece of the payload starts. */
        private ByteBuf unmask(ByteBuf payload) {
            if (!masked) {
                return payload;
            }
            int index = payload.readerIndex();
            int end = payload.writerIndex();
            int key = Integer.rotateLeft(maskKey, (int) (maskOffset & 3) * 8);
            for (; end - index >= Integer.BYTES; index += Integer.BYTES) {
                payload.setInt(index, payload.getInt(index) ^ key);
            }
            for (int shift = 24; index < end; index++, shift -= 8) {
                payload.setByte(index, payload.getByte(index) ^ (key >>> shift));
            }
            maskOffset += payload.readableBytes();
            return payload;
        }

        private void control(ByteBuf payload) {
            if (opcode == OP_PING) {
                toEyeball.write(header(OP_PONG, payload.readableBytes()));
                toEyeball.write(payload);
                toEyeball.flush();
            } else if (opcode == OP_CLOSE) {
                // Answer the close with the same status (RFC 6455 5.5.1), then the payload stream ends.
                toEyeball.write(header(OP_CLOSE, payload.readableBytes()));
                toEyeball.write(payload);
                toEyeball.flush();
                onEnd(EmptyHttpHeaders.INSTANCE);
            } else {
                payload.release();
            }
        }

        private void releaseCumulation() {
            if (cumulation != null) {
                cumulation.release();
                cumulation = null;
            }
        }
    }

    private static boolean isControl(int opcode) {
        return opcode == OP_CLOSE || opcode == OP_PING || opcode == OP_PONG;
    }

    /** Frames each chunk as one binary message toward the eyeball. */
    private final class FrameSink implements BodySink {

        @Override
        public boolean isWritable() {
            return toEyeball.isWritable();
        }

        @Override
        public void write(ByteBuf chunk) {
            toEyeball.write(header(OP_BINARY, chunk.readableBytes()));
            toEyeball.write(chunk);
        }

        @Override
        public void flush() {
            toEyeball.flush();
        }

        @Override
        public void end(HttpHeaders trailers) {
            stopPinging();
            ByteBuf close = header(OP_CLOSE, 2);
            close.writeShort(1000);
            toEyeball.write(close);
            toEyeball.end(EmptyHttpHeaders.INSTANCE);
        }

        @Override
        public void abort(Throwable cause) {
            stopPinging();
            toEyeball.abort(cause);
        }

        @Override
        public void listener(Listener listener) {
            toEyeball.listener(listener);
        }
    }
}
