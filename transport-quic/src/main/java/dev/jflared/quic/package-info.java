/**
 * One QUIC connection to Cloudflare's edge, as cloudflared's {@code protocol: quic}.
 *
 * <ul>
 *   <li>{@link dev.jflared.quic.QuicEdgeTransport}: the {@link dev.jflared.transport.EdgeTransport} for QUIC, found
 *       through {@link java.util.ServiceLoader}; it dials, registers on the control stream and returns a</li>
 *   <li>{@link dev.jflared.quic.QuicEdgeConnection}: serves the streams the edge opens until it is shut down or
 *       lost ({@link dev.jflared.quic.QuicConnectionLostException}).</li>
 *   <li>{@link dev.jflared.quic.EdgeQuicDialer} and {@link dev.jflared.quic.QuicSettings}: the connection with
 *       cloudflared's TLS and transport settings.</li>
 * </ul>
 *
 * <h2>Pipeline of an edge-opened stream</h2>
 * {@code EdgeStreamClassifier} reads the signature and leaves; a data stream continues with the
 * {@code ConnectRequest} decoder and {@code DataStreamHandler}, which give way to the request body source and the
 * response body sink; an RPC stream with the {@link dev.jflared.rpc.RpcConnection} handlers.
 */
package dev.jflared.quic;
