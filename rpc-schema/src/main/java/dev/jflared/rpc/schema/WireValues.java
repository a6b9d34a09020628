package dev.jflared.rpc.schema;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.capnproto.DecodeException;

/** Conversions between the schema's raw {@code Data} fields and Java types, with the checks that go with them. */
final class WireValues {

    private static final int UUID_LENGTH = 16;
    private static final int IPV6_LENGTH = 16;

    private WireValues() {}

    /** A UUID as the 16 raw bytes cloudflared puts in {@code Data} fields (Go's {@code uuid.UUID[:]}). */
    static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(UUID_LENGTH)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }

    static UUID uuid(byte[] bytes, String field) {
        if (bytes.length != UUID_LENGTH) {
            throw new DecodeException(field + " must be 16 raw UUID bytes, got " + bytes.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /**
     * An address in the 16-byte form Go's {@code net.IP} uses: IPv4 is written IPv4-mapped
     * ({@code ::ffff:a.b.c.d}), as cloudflared 2025.5.0 sent {@code originLocalIp} (golden/README.md).
     */
    static byte[] ipBytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == IPV6_LENGTH) {
            return raw;
        }
        byte[] mapped = new byte[IPV6_LENGTH];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, raw.length);
        return mapped;
    }

    /** Reads 4 or 16 address bytes; an IPv4-mapped IPv6 address comes back as an {@code Inet4Address}. */
    static InetAddress ip(byte[] bytes, String field) {
        if (bytes.length != 4 && bytes.length != IPV6_LENGTH) {
            throw new DecodeException(field + " must be 4 or 16 address bytes, got " + bytes.length + " bytes");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4 or 16 byte address is always valid", e);
        }
    }

    static int checkUnsigned(int value, int max, String name) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be in 0.." + max + ", got " + value);
        }
        return value;
    }
}
