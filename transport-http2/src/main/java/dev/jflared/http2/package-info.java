/**
 * The HTTP/2 transport: one TCP+TLS connection to the edge on which the connector is the HTTP/2 server, as
 * cloudflared's {@code connection/http2.go}. {@link dev.jflared.http2.Http2EdgeTransport} is the entry point,
 * found through {@code META-INF/services}; {@link dev.jflared.http2.Http2EdgeConnection} is what it returns.
 */
package dev.jflared.http2;
