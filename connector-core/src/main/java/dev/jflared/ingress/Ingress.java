package dev.jflared.ingress;

import java.util.List;

/**
 * The ordered ingress rules of one configuration snapshot. The last rule is a catch-all, so every request
 * matches some rule (cloudflared {@code ingress/ingress.go}).
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
     * {@code path} (the request's path, without the query); the catch-all when none of the others does.
     */
    public IngressRule match(String host, String path) {
        for (IngressRule rule : rules) {
            if (IngressMatcher.matches(rule, host, path)) {
                return rule;
            }
        }
        return rules.get(rules.size() - 1);
    }
}
