package dev.jflared.testkit;

import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.ConnectionType;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.capnproto.MessageReader;
import org.capnproto.Serialize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request stream the edge opened toward a QUIC connector (shared/protocol/NOTES.md "QUIC data and RPC
 * streams"); what every transport does the same is in {@link ChannelRequestStream}.
 *
 * <h2>Lifecycle</h2>
 * Once active it writes the 8-byte data stream preamble and the {@code ConnectRequest} (with FIN when the request
 * has no body and is no websocket); the eyeball's body follows through {@link #writeBody}, and {@link #endBody}
 * sends FIN. It reads the connector's preamble and {@code ConnectResponse}, hands them to the
 * {@link EyeballExchange}, then passes every further byte on as response body until the connector's FIN.
 *
 * <h2>Errors</h2>
 * A bad preamble, an oversized or malformed response head, a reset or a FIN before the head fail the exchange (the
 * eyeball gets a 502) and close the stream.
 *
 * <h2>Ownership</h2>
 * Body buffers read are handed to the exchange, which owns them; the head's bytes are accumulated here and released
 * once parsed or when the stream closes.
 */
final class QuicRequestStreamHandler extends ChannelRequestStream {

    private static final Logger logger = LoggerFactory.getLogger(QuicRequestStreamHandler.class);
    /** A response head is a few hundred bytes; refuse to buffer more than this before it is complete. */
    private static final int MAX_HEAD_BYTES = 1 << 20;
    private static final int MAX_SEGMENTS = 64;

    /** Event-loop confined from here on. */
    private CompositeByteBuf head;
    private boolean headDone;

    QuicRequestStreamHandler(EyeballExchange exchange) {
        super(exchange);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        head = ctx.alloc().compositeBuffer();
    }

    @Override
    Object requestHead(ChannelHandlerContext ctx, EdgeRequest request, boolean endOfStream) {
        ByteBuf out = ctx.alloc().buffer();
        QuicStreamSignatures.writeDataStreamPreamble(out);
        CapnpFrameEncoder.writeFrame(connectRequest(request).toMessage().getSegmentsForOutput(), out);
        return endOfStream ? new DefaultQuicStreamFrame(out, true) : out;
    }

    @Override
    Object wrap(ByteBuf chunk) {
        return chunk;
    }

    // FIN, not shutdownOutput(): quiche turns a write-side shutdown into RESET_STREAM, dropping unsent data.
    @Override
    Object endFrame() {
        return QuicStreamFrame.EMPTY_FIN;
    }

    static ConnectRequest connectRequest(EdgeRequest request) {
        List<Metadata> metadata = new ArrayList<>();
        metadata.add(new Metadata("HttpMethod", request.method()));
        metadata.add(new Metadata("HttpHost", request.host()));
        for (Map.Entry<String, String> header : request.headers()) {
            metadata.add(new Metadata("HttpHeader:" + header.getKey(), header.getValue()));
        }
        return new ConnectRequest(request.destination(),
                request.websocket() ? ConnectionType.WEBSOCKET : ConnectionType.HTTP, metadata);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        logger.trace("{} read {} bytes, head done: {}", ctx.channel(), in.readableBytes(), headDone);
        if (headDone) {
            relayBody(in);
            return;
        }
        head.addComponent(true, in);
        if (head.readableBytes() > MAX_HEAD_BYTES) {
            fail(ctx, "the connector's response head exceeds " + MAX_HEAD_BYTES + " bytes");
            return;
        }
        tryParseHead(ctx);
    }

    private void tryParseHead(ChannelHandlerContext ctx) {
        if (head.readableBytes() < QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH) {
            return;
        }
        if (QuicStreamSignatures.classify(head) != QuicStreamSignatures.StreamKind.DATA) {
            fail(ctx, "the connector's answer does not start with the data stream preamble");
            return;
        }
        int frameStart = head.readerIndex() + QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH;
        int frameLength = frameLength(head, frameStart);
        if (frameLength == -2) {
            fail(ctx, "the connector's ConnectResponse has more than " + MAX_SEGMENTS + " segments");
            return;
        }
        if (frameLength < 0 || head.writerIndex() - frameStart < frameLength) {
            return;
        }
        ConnectResponse response;
        try {
            ByteBuffer frame = ByteBuffer.allocate(frameLength).order(ByteOrder.LITTLE_ENDIAN);
            head.getBytes(frameStart, frame);
            frame.flip();
            MessageReader message = Serialize.read(frame);
            response = ConnectResponse.read(message);
        } catch (IOException | RuntimeException e) {
            fail(ctx, "malformed ConnectResponse: " + e.getMessage());
            return;
        }
        headDone = true;
        head.readerIndex(frameStart + frameLength);
        exchange.respond(toEdgeResponse(response));
        ByteBuf rest = head;
        head = null;
        if (rest.isReadable()) {
            relayBody(rest);
        } else {
            rest.release();
        }
    }

    /** Length of the framed message at {@code start}; -1 when not all of its table has arrived, -2 if too big. */
    private static int frameLength(ByteBuf buf, int start) {
        int readable = buf.writerIndex() - start;
        if (readable < 4) {
            return -1;
        }
        long segments = Integer.toUnsignedLong(buf.getIntLE(start)) + 1;
        if (segments > MAX_SEGMENTS) {
            return -2;
        }
        int tableBytes = (int) ((4 * (segments + 1) + 7) & ~7);
        if (readable < tableBytes) {
            return -1;
        }
        long words = 0;
        for (int i = 0; i < segments; i++) {
            words += Integer.toUnsignedLong(buf.getIntLE(start + 4 + 4 * i));
        }
        long total = tableBytes + words * 8;
        return total > MAX_HEAD_BYTES ? -2 : (int) total;
    }

    private static EdgeResponse toEdgeResponse(ConnectResponse response) {
        if (!response.isOk()) {
            return EdgeResponse.failed(response.error());
        }
        int status = 0;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Metadata entry : response.metadata()) {
            if (entry.key().equals("HttpStatus")) {
                status = parseStatus(entry.val());
            } else if (entry.key().startsWith("HttpHeader:")) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(
                        entry.key().substring("HttpHeader:".length()), entry.val()));
            }
        }
        if (status < 100 || status > 999) {
            return EdgeResponse.failed("the connector's ConnectResponse has no valid HttpStatus");
        }
        return new EdgeResponse(status, headers, "");
    }

    private static int parseStatus(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownReadComplete) {
            if (!headDone) {
                fail(ctx, "the connector ended the stream before its ConnectResponse");
                return;
            }
            endOfResponse(ctx, List.of());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (head != null) {
            head.release();
            head = null;
        }
        super.channelInactive(ctx);
    }
}
