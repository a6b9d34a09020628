package dev.jflared.config;

/**
 * A configuration that cannot be used: a YAML or JSON syntax error, a value of the wrong type, or ingress rules
 * that break cloudflared's validation. The message is meant for the user; where the problem has a place it
 * starts with {@code file:line:column: key:}, as in
 * {@code config.yml:7:17: ha-connections: expected an integer, got "four"}.
 *
 * <p>The command line maps it to exit code 1. It never carries a secret.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
