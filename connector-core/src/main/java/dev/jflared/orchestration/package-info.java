/**
 * The configuration a tunnel serves and its version: {@link dev.jflared.orchestration.Orchestrator} holds the
 * current immutable {@link dev.jflared.orchestration.ConfigSnapshot}, swaps it when the edge pushes a newer one,
 * and renders it as cloudflared does for {@code updateLocalConfiguration} and {@code /config}.
 * {@link dev.jflared.orchestration.TunnelServices} hands it, with the origin proxy, to every edge connection.
 */
package dev.jflared.orchestration;
