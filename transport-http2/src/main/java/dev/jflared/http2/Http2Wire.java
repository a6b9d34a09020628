package dev.jflared.http2;

import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;

/** The wire constants of cloudflared's HTTP/2 edge connection, each with its source. */
final class Http2Wire {

    /** SNI of the TLS handshake; no ALPN is offered (NOTES.md "TLS to the edge", golden http2 index.txt). */
    static final String SERVER_NAME = "h2.cftunnel.com";

    /** Says what an edge-opened stream is (cloudflared {@code connection/http2.go}: InternalUpgradeHeader). */
    static final AsciiString UPGRADE = AsciiString.cached("cf-cloudflared-proxy-connection-upgrade");
    static final String UPGRADE_CONTROL_STREAM = "control-stream";
    static final String UPGRADE_CONFIGURATION = "update-configuration";
    static final String UPGRADE_WEBSOCKET = "websocket";
    /** Present and non-empty on a tcp (private network) stream (http2.go: InternalTCPProxySrcHeader). */
    static final AsciiString TCP_PROXY_SRC = AsciiString.cached("cf-cloudflared-proxy-src");

    /** Prefix of the edge/connector internal headers, never forwarded to an origin (connection/header.go). */
    static final String INTERNAL_PREFIX = "cf-cloudflared-";
    /** Prefix of edge-internal response headers kept out of the serialized user headers (header.go). */
    static final String INT_PREFIX = "cf-int-";
    /** Sent as a real header, outside the serialized ones (http2.go WriteRespHeaders, tracing package). */
    static final AsciiString TRACING = AsciiString.cached("cf-int-cloudflared-tracing");

    /** The origin's response headers, serialized (header.go: ResponseUserHeaders). */
    static final AsciiString RESPONSE_USER_HEADERS = AsciiString.cached("cf-cloudflared-response-headers");
    /** Who produced the response (header.go: ResponseMetaHeader). */
    static final AsciiString RESPONSE_META = AsciiString.cached("cf-cloudflared-response-meta");
    static final AsciiString META_ORIGIN = AsciiString.cached("{\"src\":\"origin\"}");
    static final AsciiString META_CLOUDFLARED = AsciiString.cached("{\"src\":\"cloudflared\"}");

    /** cloudflared's SETTINGS frame (x/net/http2 Server defaults + MaxConcurrentStreams; golden stream0.txt). */
    static final int MAX_FRAME_SIZE = 1 << 20;
    static final long MAX_CONCURRENT_STREAMS = 0xFFFF_FFFFL;
    static final long MAX_HEADER_LIST_SIZE = 1_048_896;
    static final long HEADER_TABLE_SIZE = 4096;
    static final int INITIAL_WINDOW_SIZE = 1 << 20;
    /**
     * The connection window cloudflared opens with its first WINDOW_UPDATE (65535 + 983041 = 1 MiB, golden
     * stream0.txt), so the connection window equals a stream's.
     */
    static final int CONNECTION_WINDOW_SIZE = 1 << 20;

    /**
     * The largest configuration body read from an update-configuration stream. cloudflared reads without a bound;
     * real configurations are a few KiB, and the edge limits them far below this.
     */
    static final int MAX_CONFIGURATION_BODY = 8 << 20;

    private Http2Wire() {}

    /** The SETTINGS cloudflared sends as the HTTP/2 server of the connection. */
    static Http2Settings settings() {
        return new Http2Settings()
                .maxFrameSize(MAX_FRAME_SIZE)
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE)
                .headerTableSize(HEADER_TABLE_SIZE)
                .initialWindowSize(INITIAL_WINDOW_SIZE);
    }
}
