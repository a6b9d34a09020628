package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ingress rule: requests whose host and path match go to {@code service} with {@code originRequest}.
 *
 * @param index the rule's position in the list, counted from 0 (cloudflared prints it from 1)
 * @param hostname the hostname pattern: exact, {@code *.}-prefixed wildcard, or empty/{@code *} for any
 * @param path the path regular expression (unanchored search), if any
 * @param service where matching requests go
 * @param originRequest the resolved origin settings (rule over top level over defaults)
 */
public record IngressRule(
        int index,
        String hostname,
        Optional<Pattern> path,
        OriginService service,
        OriginRequestConfig originRequest) {

    public IngressRule {
        requireNonNull(hostname, "hostname");
        requireNonNull(path, "path");
        requireNonNull(service, "service");
        requireNonNull(originRequest, "originRequest");
    }
}
