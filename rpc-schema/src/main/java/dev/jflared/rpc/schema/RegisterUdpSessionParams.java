package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The parameters of {@code SessionManager.registerUdpSession} (method
 * {@value TunnelRpcIds#REGISTER_UDP_SESSION}), which the edge calls on a QUIC RPC stream to open a UDP
 * session for private networking: the implicit struct {@code registerUdpSession$Params}
 * ({@code @0x904e297b87fbecea}) of {@code tunnelrpc.capnp}.
 *
 * @param sessionId 16 raw bytes on the wire
 * @param dstIp the origin's address; 4 or 16 raw bytes on the wire
 * @param dstPort 0..65535
 * @param closeAfterIdleHint the edge's idle timeout, so the connector never closes first; nanoseconds on the wire
 * @param traceContext a tracing header value, empty when absent
 */
public record RegisterUdpSessionParams(UUID sessionId, InetAddress dstIp, int dstPort, Duration closeAfterIdleHint,
        String traceContext) {

    /** Layout from {@code capnp compile -o-}: 2 data words, 3 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 2, (short) 3);
    public static final Factory FACTORY = new Factory();

    private static final int SESSION_ID = 0;
    private static final int DST_IP = 1;
    private static final int TRACE_CONTEXT = 2;
    private static final int DST_PORT_SHORT = 0;
    private static final int CLOSE_AFTER_IDLE_HINT_LONG = 1;

    public RegisterUdpSessionParams {
        requireNonNull(sessionId, "sessionId");
        requireNonNull(dstIp, "dstIp");
        WireValues.checkUnsigned(dstPort, 0xffff, "dstPort");
        requireNonNull(closeAfterIdleHint, "closeAfterIdleHint");
        requireNonNull(traceContext, "traceContext");
    }

    /** Reads call parameters from a payload's content pointer. */
    public static RegisterUdpSessionParams read(AnyPointer.Reader content) {
        return read(content.getAs(FACTORY));
    }

    /** Copies the parameters out of the message; a malformed session id or address fails. */
    public static RegisterUdpSessionParams read(Reader reader) {
        return new RegisterUdpSessionParams(WireValues.uuid(reader.sessionId(), "registerUdpSession.sessionId"),
                WireValues.ip(reader.dstIp(), "registerUdpSession.dstIp"), reader.dstPort(),
                Duration.ofNanos(reader.closeAfterIdleHintNanos()), reader.traceContext());
    }

    /** Writes the parameters as a payload's content. */
    public void write(AnyPointer.Builder content) {
        write(content.initAs(FACTORY));
    }

    public void write(Builder builder) {
        builder.setSessionId(WireValues.uuidBytes(sessionId));
        builder.setDstIp(dstIp.getAddress());
        builder.setDstPort(dstPort);
        builder.setCloseAfterIdleHintNanos(closeAfterIdleHint.toNanos());
        builder.setTraceContext(traceContext);
    }

    public static final class Factory extends StructFactory<Builder, Reader> {
        private Factory() {}

        @Override
        public Reader constructReader(SegmentReader segment, int data, int pointers, int dataSize,
                short pointerCount, int nestingLimit) {
            return new Reader(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        @Override
        public Builder constructBuilder(SegmentBuilder segment, int data, int pointers, int dataSize,
                short pointerCount) {
            return new Builder(segment, data, pointers, dataSize, pointerCount);
        }

        @Override
        public StructSize structSize() {
            return STRUCT_SIZE;
        }

        @Override
        public Reader asReader(Builder builder) {
            return builder.asReader();
        }
    }

    public static final class Reader extends SchemaReader {
        Reader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount, int nestingLimit) {
            super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        public byte[] sessionId() {
            return data(SESSION_ID);
        }

        public byte[] dstIp() {
            return data(DST_IP);
        }

        public int dstPort() {
            return Short.toUnsignedInt(_getShortField(DST_PORT_SHORT));
        }

        public long closeAfterIdleHintNanos() {
            return _getLongField(CLOSE_AFTER_IDLE_HINT_LONG);
        }

        public String traceContext() {
            return text(TRACE_CONTEXT);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setSessionId(byte[] value) {
            data(SESSION_ID, value);
            return this;
        }

        public Builder setDstIp(byte[] value) {
            data(DST_IP, value);
            return this;
        }

        public Builder setDstPort(int value) {
            _setShortField(DST_PORT_SHORT, (short) WireValues.checkUnsigned(value, 0xffff, "dstPort"));
            return this;
        }

        public Builder setCloseAfterIdleHintNanos(long value) {
            _setLongField(CLOSE_AFTER_IDLE_HINT_LONG, value);
            return this;
        }

        public Builder setTraceContext(String value) {
            text(TRACE_CONTEXT, requireNonNull(value, "traceContext"));
            return this;
        }
    }
}
