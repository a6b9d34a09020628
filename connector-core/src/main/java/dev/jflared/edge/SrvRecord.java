package dev.jflared.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One DNS SRV answer (RFC 2782): {@code priority weight port target}.
 *
 * @param priority lower is tried first; cloudflared's regions come back as priorities 1 and 2
 * @param weight relative weight within a priority
 * @param port the port to dial
 * @param target the host name, without the trailing dot
 */
record SrvRecord(int priority, int weight, int port, String target) {

    /** Orders by priority; ties keep the order the server sent. */
    static final Comparator<SrvRecord> BY_PRIORITY = Comparator.comparingInt(SrvRecord::priority);

    /**
     * Decodes the SRV records among {@code records}, sorted by priority. The caller keeps ownership of the records.
     *
     * @throws IllegalArgumentException when an SRV record's data is malformed
     */
    static List<SrvRecord> decodeAll(List<? extends DnsRecord> records) {
        List<SrvRecord> decoded = new ArrayList<>();
        for (DnsRecord record : records) {
            if (record.type() == DnsRecordType.SRV && record instanceof DnsRawRecord) {
                decoded.add(decode(((DnsRawRecord) record).content()));
            }
        }
        decoded.sort(BY_PRIORITY);
        return decoded;
    }

    /**
     * Decodes SRV record data. Netty keeps record data as a view over the whole DNS message with absolute indexes,
     * so a compressed target name (a pointer elsewhere in the message) decodes too.
     */
    private static SrvRecord decode(ByteBuf data) {
        if (data.readableBytes() < 7) {
            throw new IllegalArgumentException("SRV record data is " + data.readableBytes()
                    + " bytes; at least 7 expected (priority, weight, port, target)");
        }
        ByteBuf in = data.duplicate();
        int priority = in.readUnsignedShort();
        int weight = in.readUnsignedShort();
        int port = in.readUnsignedShort();
        String target = DefaultDnsRecordDecoder.decodeName(in);
        if (target.endsWith(".")) {
            target = target.substring(0, target.length() - 1);
        }
        return new SrvRecord(priority, weight, port, target);
    }

    @Override
    public String toString() {
        return priority + " " + weight + " " + port + " " + target + ".";
    }
}
