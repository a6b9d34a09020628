package dev.jflared.ingress;

import java.util.Locale;

/** Whether a request's host and path select a rule (cloudflared {@code ingress/rule.go}). */
final class IngressMatcher {

    private IngressMatcher() {}

    static boolean matches(IngressRule rule, String host, String path) {
        return hostMatches(rule.hostname(), stripPort(host))
                && rule.path().map(p -> p.matcher(path).find()).orElse(true);
    }

    private static boolean hostMatches(String pattern, String host) {
        if (pattern.isEmpty() || pattern.equals("*")) {
            return true;
        }
        String lowerHost = host.toLowerCase(Locale.ROOT);
        String lowerPattern = pattern.toLowerCase(Locale.ROOT);
        if (lowerPattern.startsWith("*.")) {
            return lowerHost.endsWith(lowerPattern.substring(1));
        }
        return lowerHost.equals(lowerPattern);
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.endsWith("]")) {
            return host;
        }
        return host.substring(0, colon);
    }
}
