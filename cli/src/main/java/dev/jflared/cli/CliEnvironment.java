package dev.jflared.cli;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.ConfigLoader;
import java.io.PrintStream;
import java.util.Map;

/**
 * What the commands read from and write to outside their arguments: standard output and error, the
 * environment, and where config files are searched. The real process uses {@link #system()}; tests pass
 * their own streams, variables and a temporary home directory.
 */
record CliEnvironment(PrintStream out, PrintStream err, Map<String, String> env, ConfigLoader configLoader) {

    CliEnvironment {
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        env = Map.copyOf(env);
        requireNonNull(configLoader, "configLoader");
    }

    static CliEnvironment system() {
        return new CliEnvironment(System.out, System.err, System.getenv(), ConfigLoader.forCurrentUser());
    }
}
