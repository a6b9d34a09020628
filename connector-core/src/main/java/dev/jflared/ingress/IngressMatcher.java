package dev.jflared.ingress;

import java.util.Locale;

/**
 * Whether a request's host and path select a rule (cloudflared {@code ingress/ingress.go}
 * {@code FindMatchingRule}, {@code matchHost}; {@code ingress/rule.go} {@code Matches}).
 *
 * <ul>
 *   <li>The request host loses its port first, as Go's {@code net.SplitHostPort} splits it
 *       ({@code example.com:443}, {@code [::1]:443}); a host it cannot split is used as it is.
 *   <li>An empty or {@code *} rule hostname matches every host. {@code *.example.com} matches any host ending
 *       in {@code .example.com} (any depth, never {@code example.com} itself). Otherwise the names must be
 *       equal. Letter case is ignored, as DNS ignores it.
 *   <li>A rule written in Unicode also matches the punycode form of its hostname.
 *   <li>The path expression is searched for anywhere in the path (unanchored), as Go's
 *       {@code MatchString} does.
 * </ul>
 */
final class IngressMatcher {

    private IngressMatcher() {}

    static boolean matches(IngressRule rule, String host, String path) {
        boolean hostMatch = rule.hostname().isEmpty() || rule.hostname().equals("*")
                || matchHost(rule.hostname(), host)
                || (!rule.punycodeHostname().isEmpty() && matchHost(rule.punycodeHostname(), host));
        return hostMatch && rule.path().map(p -> p.matcher(path).find()).orElse(true);
    }

    static boolean matchHost(String ruleHost, String requestHost) {
        String rule = ruleHost.toLowerCase(Locale.ROOT);
        String request = requestHost.toLowerCase(Locale.ROOT);
        if (rule.equals(request)) {
            return true;
        }
        return rule.startsWith("*.") && request.endsWith(rule.substring(1));
    }

    /** The host part of {@code host}, as Go's {@code net.SplitHostPort} gives it, or {@code host} unchanged. */
    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close > 0 && close + 1 < host.length() && host.charAt(close + 1) == ':'
                    && host.indexOf(':', close + 2) < 0) {
                return host.substring(1, close);
            }
            return host;
        }
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.indexOf(':') != colon || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            return host;
        }
        return host.substring(0, colon);
    }
}
