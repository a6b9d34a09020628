package dev.jflared.cli;

/**
 * A command that fails with a message for the user, printed on standard error with exit code 1 (cloudflared's
 * {@code cli.Exit(err, 1)}).
 */
final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailedException(String message) {
        super(message);
    }
}
