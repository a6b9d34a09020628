/**
 * Finding Cloudflare's edge and trusting it: the DNS SRV discovery of the two edge regions (with cloudflared's
 * DNS-over-TLS fallback), the {@code --edge} override, the pool that hands edge addresses to HA connections and
 * rotates failing ones out, and the certificates the edge's TLS is verified against.
 */
package dev.jflared.edge;
