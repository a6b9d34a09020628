package dev.jflared.ingress;

import java.util.List;

/**
 * The ordered ingress rules of one configuration snapshot. Built by {@link IngressParser}, the last rule is
 * a catch-all, so every request matches some rule (cloudflared {@code ingress/ingress.go}).
 */
public record Ingress(List<IngressRule> rules) {

    public Ingress {
        rules = List.copyOf(rules);
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("an ingress needs at least one rule");
        }
    }

    /**
     * Returns the first rule matching {@code host} (as the request carries it, possibly with a port) and
     * {@code path} (the request's path, without the query); the last rule when none does.
     */
    public IngressRule match(String host, String path) {
        return rules.get(matchIndex(host, path));
    }

    /** The index of the rule {@link #match} returns, as {@code ingress rule} prints it ({@code #0} first). */
    public int matchIndex(String host, String path) {
        String hostOnly = IngressMatcher.stripPort(host);
        for (int i = 0; i < rules.size(); i++) {
            if (IngressMatcher.matches(rules.get(i), hostOnly, path)) {
                return i;
            }
        }
        return rules.size() - 1;
    }

    /** The last rule, which catches every request the others do not. */
    public IngressRule catchAll() {
        return rules.get(rules.size() - 1);
    }
}
