package dev.jflared.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code jflared} jar ({@code cli/target/jflared.jar}, built by {@code mvn package} before this module's
 * tests run) as a child process, its standard output and error going to files.
 */
final class JflaredProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private JflaredProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code java -jar jflared.jar args...}, writing its output under {@code dir}. */
    static JflaredProcess start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        return new JflaredProcess(process, out, err);
    }

    /** The shaded jar, found from the repository root (the directory whose pom.xml lists the modules). */
    static Path jar() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("cli"))) {
                Path jar = dir.resolve("cli/target/jflared.jar");
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " is missing: build it first (mvn -B -ntp -q package "
                            + "-DskipTests, or run these tests with mvn verify from the repository root)");
                }
                return jar;
            }
        }
        throw new IllegalStateException("no repository root (pom.xml with a cli module) above "
                + Path.of("").toAbsolutePath());
    }

    /** Sends SIGTERM (what {@link Process#destroy()} does on Linux). */
    void terminate() {
        process.destroy();
    }

    /** The exit code, waiting at most {@code seconds}; fails when the process is still running then. */
    int awaitExit(long seconds) throws InterruptedException, IOException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("jflared still running after " + seconds + " s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
