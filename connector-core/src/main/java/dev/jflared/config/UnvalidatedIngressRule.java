package dev.jflared.config;

import static java.util.Objects.requireNonNull;

/**
 * One entry of an {@code ingress:} list as written, before cloudflared's validation
 * ({@code config.UnvalidatedIngressRule}). Missing strings are empty, as in Go.
 *
 * @param hostname the hostname pattern, or empty
 * @param path the path regular expression, or empty
 * @param service the service, or empty
 * @param originRequest the rule's own {@code originRequest} block
 * @param location where the rule starts ({@code config.yml:12:5}), for messages
 */
public record UnvalidatedIngressRule(
        String hostname, String path, String service, OriginRequestOverrides originRequest, String location) {

    public UnvalidatedIngressRule {
        requireNonNull(hostname, "hostname");
        requireNonNull(path, "path");
        requireNonNull(service, "service");
        requireNonNull(originRequest, "originRequest");
        requireNonNull(location, "location");
    }

    /** A rule with only a hostname and a service, for tests and programmatic configuration. */
    public static UnvalidatedIngressRule of(String hostname, String service) {
        return new UnvalidatedIngressRule(hostname, "", service, OriginRequestOverrides.NONE, "");
    }
}
