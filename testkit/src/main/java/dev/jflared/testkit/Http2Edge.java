package dev.jflared.testkit;

import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;

/** The wire constants of the edge's side of an HTTP/2 connector connection, each with its source. */
final class Http2Edge {

    /** Says what an edge-opened stream is (cloudflared {@code connection/http2.go}: InternalUpgradeHeader). */
    static final AsciiString UPGRADE = AsciiString.cached("cf-cloudflared-proxy-connection-upgrade");
    static final String UPGRADE_CONTROL_STREAM = "control-stream";
    static final String UPGRADE_CONFIGURATION = "update-configuration";
    static final String UPGRADE_WEBSOCKET = "websocket";
    /** The control stream's {@code :authority} (golden http2 stream1.txt). */
    static final String CONTROL_AUTHORITY = "h2.cftunnel.com";

    /** The origin's response headers, {@code b64(name):b64(value)} joined by {@code ;} (connection/header.go). */
    static final AsciiString RESPONSE_USER_HEADERS = AsciiString.cached("cf-cloudflared-response-headers");

    /** The reference edge's SETTINGS (Go Transport defaults, golden README "http2"). */
    static final int INITIAL_WINDOW_SIZE = 4 << 20;
    static final long MAX_HEADER_LIST_SIZE = 10L << 20;
    /** The connection window the reference edge opens with its first WINDOW_UPDATE (golden README "http2"). */
    static final int CONNECTION_WINDOW_INCREMENT = 1 << 30;

    private Http2Edge() {}

    /** The SETTINGS the edge sends as the HTTP/2 client of a connector connection. */
    static Http2Settings settings() {
        return Http2Settings.defaultSettings()
                .pushEnabled(false)
                .initialWindowSize(INITIAL_WINDOW_SIZE)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE);
    }
}
