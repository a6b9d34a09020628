package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.Arrays;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The tunnel's credentials in a {@code registerConnection} call: struct {@code TunnelAuth}
 * ({@code @0x9496331ab9cd463f}) of {@code tunnelrpc.capnp}.
 *
 * <p>The secret is copied in and out, and {@link #toString()} shows only its length, never its bytes.
 *
 * @param accountTag the account tag from the credentials file or token
 * @param tunnelSecret the raw secret bytes (the credentials file holds them base64-encoded)
 */
public record TunnelAuth(String accountTag, byte[] tunnelSecret) {

    /** Layout from {@code capnp compile -ocapnp}: 0 data words, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int ACCOUNT_TAG = 0;
    private static final int TUNNEL_SECRET = 1;

    public TunnelAuth {
        requireNonNull(accountTag, "accountTag");
        tunnelSecret = tunnelSecret.clone();
    }

    /** A copy of the secret. */
    @Override
    public byte[] tunnelSecret() {
        return tunnelSecret.clone();
    }

    /** Copies the credentials out of the message. */
    public static TunnelAuth read(Reader reader) {
        return new TunnelAuth(reader.accountTag(), reader.tunnelSecret());
    }

    public void write(Builder builder) {
        builder.setAccountTag(accountTag);
        builder.setTunnelSecret(tunnelSecret);
    }

    /** Compares the secrets in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TunnelAuth that
                && accountTag.equals(that.accountTag)
                && MessageDigest.isEqual(tunnelSecret, that.tunnelSecret);
    }

    @Override
    public int hashCode() {
        return 31 * accountTag.hashCode() + Arrays.hashCode(tunnelSecret);
    }

    @Override
    public String toString() {
        return "TunnelAuth[accountTag=" + accountTag + ", tunnelSecret=" + redacted(tunnelSecret.length) + "]";
    }

    static String redacted(int length) {
        return "<redacted " + length + " bytes>";
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

        public String accountTag() {
            return text(ACCOUNT_TAG);
        }

        /** A copy of the secret bytes. */
        public byte[] tunnelSecret() {
            return data(TUNNEL_SECRET);
        }

        @Override
        public String toString() {
            return "TunnelAuth.Reader[accountTag=" + accountTag() + ", tunnelSecret="
                    + redacted(tunnelSecret().length) + "]";
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setAccountTag(String value) {
            text(ACCOUNT_TAG, requireNonNull(value, "accountTag"));
            return this;
        }

        public Builder setTunnelSecret(byte[] value) {
            data(TUNNEL_SECRET, value);
            return this;
        }

        @Override
        public String toString() {
            return asReader().toString();
        }
    }
}
