package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import java.net.IDN;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ingress rule: requests whose host and path match go to {@code service} with {@code originRequest}.
 * Build rules from configuration with {@link IngressParser}, which applies cloudflared's validation.
 *
 * @param index the rule's position in the list, counted from 0 (as {@code ingress rule} prints it)
 * @param hostname the hostname pattern: exact, {@code *.}-prefixed wildcard, or empty/{@code *} for any
 * @param path the path regular expression (unanchored search, RE2 meaning), if any
 * @param service where matching requests go
 * @param originRequest the resolved origin settings (rule over top level over defaults)
 * @param punycodeHostname the hostname converted to punycode when that differs from {@code hostname}, else
 *     empty; a request host matching either selects the rule (cloudflared {@code ingress/rule.go})
 * @param pathExpression the path expression as written in the configuration, empty when there is none
 */
public record IngressRule(
        int index,
        String hostname,
        Optional<Pattern> path,
        OriginService service,
        OriginRequestConfig originRequest,
        String punycodeHostname,
        String pathExpression) {

    public IngressRule {
        requireNonNull(hostname, "hostname");
        requireNonNull(path, "path");
        requireNonNull(service, "service");
        requireNonNull(originRequest, "originRequest");
        requireNonNull(punycodeHostname, "punycodeHostname");
        requireNonNull(pathExpression, "pathExpression");
    }

    /**
     * A rule whose punycode hostname is derived from {@code hostname} and whose path expression is the
     * pattern's own text.
     */
    public IngressRule(int index, String hostname, Optional<Pattern> path, OriginService service,
            OriginRequestConfig originRequest) {
        this(index, hostname, path, service, originRequest, punycodeOf(hostname),
                path.map(Pattern::pattern).orElse(""));
    }

    /** Whether this rule selects a request for {@code host} (port already removed) and {@code path}. */
    public boolean matches(String host, String path) {
        return IngressMatcher.matches(this, host, path);
    }

    /** Whether the rule matches every request: no hostname (or {@code *}) and no path. */
    public boolean isCatchAll() {
        return (hostname.isEmpty() || hostname.equals("*")) && path.isEmpty();
    }

    /**
     * The rule as {@code cloudflared tunnel ingress rule} prints it: tab-indented {@code hostname:},
     * {@code path:} and {@code service:} lines, the first two only when set, without a final newline.
     */
    public String multiLineString() {
        StringBuilder out = new StringBuilder();
        if (!hostname.isEmpty()) {
            out.append("\thostname: ").append(hostname).append('\n');
        }
        if (path.isPresent()) {
            out.append("\tpath: ").append(pathExpression).append('\n');
        }
        return out.append("\tservice: ").append(service.describe()).toString();
    }

    /**
     * The IDNA (punycode) form of a rule hostname, or empty when it is the same, is a catch-all, or cannot
     * be converted (a wildcard is never converted: {@code *} is not a valid label).
     */
    static String punycodeOf(String hostname) {
        if (hostname.isEmpty() || hostname.equals("*")) {
            return "";
        }
        try {
            String ascii = IDN.toASCII(hostname, IDN.USE_STD3_ASCII_RULES);
            return ascii.equals(hostname) ? "" : ascii;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
