/**
 * One QUIC connection to Cloudflare's edge. For now: {@link dev.jflared.quic.EdgeQuicDialer}, which opens the
 * connection with cloudflared's TLS and transport settings ({@link dev.jflared.quic.QuicSettings}).
 */
package dev.jflared.quic;
