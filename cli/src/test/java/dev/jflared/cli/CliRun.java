package dev.jflared.cli;

import dev.jflared.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One in-process run of the command line: its exit code and what it printed on each stream. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} with {@code home} as the home directory, {@code home/etc} on the search path. */
    static CliRun run(Path home, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ConfigLoader loader = new ConfigLoader(home, List.of("~/.cloudflared", "~/.cloudflare-warp",
                "~/cloudflare-warp", home.resolve("etc").toString()));
        CliEnvironment environment = new CliEnvironment(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, loader);
        int exitCode = Main.run(environment, args);
        return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
