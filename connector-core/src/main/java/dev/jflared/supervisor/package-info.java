/**
 * Keeping the tunnel's HA connections up: {@link dev.jflared.supervisor.TunnelSupervisor} runs one connection per
 * index through an {@link dev.jflared.transport.EdgeTransport}, reconnects a lost one with
 * {@link dev.jflared.supervisor.ReconnectBackoff}, rotates edge addresses, falls back from QUIC to HTTP/2 under
 * {@code --protocol auto}, and drains every connection on a graceful shutdown.
 */
package dev.jflared.supervisor;
