package dev.jflared.cli;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.ConfigLoader;
import java.io.PrintStream;
import java.util.Map;

/**
 * What the commands read from and write to outside their arguments: standard output and error, the
 * environment, where config files are searched, and what {@code tunnel run} connects with. The real process
 * uses {@link #system()}; tests pass their own streams, variables, a temporary home directory and, for
 * {@code tunnel run}, in-memory transports and a stop trigger.
 */
record CliEnvironment(PrintStream out, PrintStream err, Map<String, String> env, ConfigLoader configLoader,
        RunSupport run) {

    CliEnvironment {
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        env = Map.copyOf(env);
        requireNonNull(configLoader, "configLoader");
        requireNonNull(run, "run");
    }

    /** An environment whose {@code tunnel run} uses the real transports and signals. */
    CliEnvironment(PrintStream out, PrintStream err, Map<String, String> env, ConfigLoader configLoader) {
        this(out, err, env, configLoader, RunSupport.system());
    }

    static CliEnvironment system() {
        return new CliEnvironment(System.out, System.err, System.getenv(), ConfigLoader.forCurrentUser());
    }
}
