package dev.jflared.rpc.framing;

import org.capnproto.ReaderOptions;

/**
 * What one received Cap'n Proto message may cost.
 *
 * @param maxSegments most segments in one message; the header is rejected before any segment is buffered
 * @param maxMessageBytes most bytes of segment data in one message (the segment table not counted); checked against
 *        the sizes the header declares, before the body is buffered
 * @param traversalLimitInWords most words that reading the message may visit, counting every visit (a cyclic or
 *        amplifying pointer graph runs into it)
 * @param nestingLimit deepest pointer nesting allowed
 */
public record CapnpLimits(int maxSegments, int maxMessageBytes, long traversalLimitInWords, int nestingLimit) {

    /** Cap'n Proto C++ and go-capnp both refuse more than 512 segments; every message we ever saw has one. */
    public static final int DEFAULT_MAX_SEGMENTS = 512;

    /**
     * 8 MiB. The largest message on any of our streams is the edge's {@code updateConfiguration} or our
     * {@code updateLocalConfiguration}, which carry a tunnel's config JSON; a config with thousands of ingress rules
     * stays far below 1 MiB. 8 MiB leaves headroom while bounding what one stream may make us buffer (go-capnp
     * allows 64 MiB, which is more than a connector should hold per stream).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** 8 Mi words (64 MiB of reads), the default of Cap'n Proto C++ and go-capnp. */
    public static final long DEFAULT_TRAVERSAL_LIMIT_IN_WORDS = 8L * 1024 * 1024;

    /** 64, the default of Cap'n Proto C++ and go-capnp. */
    public static final int DEFAULT_NESTING_LIMIT = 64;

    public static final CapnpLimits DEFAULT = new CapnpLimits(DEFAULT_MAX_SEGMENTS, DEFAULT_MAX_MESSAGE_BYTES,
            DEFAULT_TRAVERSAL_LIMIT_IN_WORDS, DEFAULT_NESTING_LIMIT);

    public CapnpLimits {
        if (maxSegments < 1) {
            throw new IllegalArgumentException("maxSegments must be at least 1: " + maxSegments);
        }
        if (maxMessageBytes < 8) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 8: " + maxMessageBytes);
        }
        if (traversalLimitInWords < 1) {
            throw new IllegalArgumentException("traversalLimitInWords must be positive: " + traversalLimitInWords);
        }
        if (nestingLimit < 1) {
            throw new IllegalArgumentException("nestingLimit must be positive: " + nestingLimit);
        }
    }

    /** The runtime's reader options for these limits (the runtime enforces them again as fields are read). */
    ReaderOptions readerOptions() {
        return new ReaderOptions(traversalLimitInWords, nestingLimit);
    }
}
