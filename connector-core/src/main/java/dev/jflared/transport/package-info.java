/**
 * The line between the connector and its wire transports. A transport module implements {@link
 * dev.jflared.transport.EdgeTransport} and registers it in {@code META-INF/services}; the supervisor connects and
 * registers connections through it and hands each one the {@link dev.jflared.transport.ConnectionServices} to
 * serve. A transport never sees an ingress rule; the proxy never sees a QUIC or HTTP/2 type.
 */
package dev.jflared.transport;
