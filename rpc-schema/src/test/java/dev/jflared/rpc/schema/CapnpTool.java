package dev.jflared.rpc.schema;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Cap'n Proto command line tool ({@code capnp}, Debian package {@code capnproto}). When it is not
 * installed, a test is skipped with an assumption, except on CI ({@code CI=true}), where it fails.
 */
final class CapnpTool {

    private static final long TIMEOUT_SECONDS = 20;

    private final Path executable;

    private CapnpTool(Path executable) {
        this.executable = executable;
    }

    /** The installed tool; skips the calling test (or fails it on CI) when there is none. */
    static CapnpTool require() {
        Optional<Path> found = findOnPath();
        if (found.isEmpty()) {
            String reason = "the capnp tool is not on PATH; install Debian's capnproto package"
                    + " (apt-get install capnproto) to run the schema checks";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason);
            }
            assumeTrue(false, reason);
        }
        return new CapnpTool(found.get());
    }

    /** {@code capnp/schema.capnp} from the tool's own include directory. */
    Path schemaCapnp() throws IOException {
        Path prefix = executable.toRealPath().getParent().getParent();
        Path schema = prefix.resolve("include/capnp/schema.capnp");
        if (!Files.isRegularFile(schema)) {
            fail("capnp is installed at " + executable + " but " + schema + " is missing");
        }
        return schema;
    }

    /** Runs {@code capnp args...} in {@code workDir}, feeding {@code stdin} if not null; fails on timeout. */
    Result run(Path workDir, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("capnp", ".out");
        Path err = Files.createTempFile("capnp", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.from(stdin.toFile()));
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Optional<Path> findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "capnp");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    record Result(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }
}
