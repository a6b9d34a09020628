package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The edge refused a registration: struct {@code ConnectionError} ({@code @0xf5f383d2785edb86}) of
 * {@code tunnelrpc.capnp}, the {@code error} member of a {@link ConnectionResponse}.
 *
 * @param cause the edge's reason, for the user
 * @param retryAfter how long to wait before retrying; nanoseconds on the wire
 * @param shouldRetry false means do not retry this connection at all
 */
public record ConnectionError(String cause, Duration retryAfter, boolean shouldRetry) implements ConnectionResponse {

    /** Layout from {@code capnp compile -ocapnp}: 2 data words, 1 pointer. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 2, (short) 1);
    public static final Factory FACTORY = new Factory();

    private static final int CAUSE = 0;
    private static final int RETRY_AFTER_LONG = 0;
    private static final int SHOULD_RETRY_BIT = 64;

    public ConnectionError {
        requireNonNull(cause, "cause");
        requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
        }
    }

    /** Copies the error out of the message; a negative retryAfter is read as zero. */
    public static ConnectionError read(Reader reader) {
        return new ConnectionError(reader.cause(), Duration.ofNanos(Math.max(0, reader.retryAfterNanos())),
                reader.shouldRetry());
    }

    public void write(Builder builder) {
        builder.setCause(cause);
        builder.setRetryAfterNanos(retryAfter.toNanos());
        builder.setShouldRetry(shouldRetry);
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

        public String cause() {
            return text(CAUSE);
        }

        public long retryAfterNanos() {
            return _getLongField(RETRY_AFTER_LONG);
        }

        public boolean shouldRetry() {
            return _getBooleanField(SHOULD_RETRY_BIT);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setCause(String value) {
            text(CAUSE, requireNonNull(value, "cause"));
            return this;
        }

        public Builder setRetryAfterNanos(long value) {
            _setLongField(RETRY_AFTER_LONG, value);
            return this;
        }

        public Builder setShouldRetry(boolean value) {
            _setBooleanField(SHOULD_RETRY_BIT, value);
            return this;
        }
    }
}
