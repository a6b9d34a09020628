package dev.jflared.metrics;

/**
 * What {@code /config} serves, provided by the orchestrator. Called on the metrics server's event loop, so it must
 * return at once: render from the immutable current snapshot, never wait for a lock held during an update.
 */
@FunctionalInterface
public interface ConfigSource {

    /**
     * The current configuration as cloudflared's orchestrator serializes it:
     * {@code {"version":N,"config":{"ingress":[...],"warp-routing":{...},"originRequest":{...}}}}.
     *
     * @throws RuntimeException if it cannot be rendered; the server answers 500 {@code ERR: <message>}
     */
    String versionedConfigJson();
}
