package dev.jflared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden vectors captured from cloudflared ({@code shared/golden/} beside the repository). Tests read
 * them in place; a missing directory is an error, never a reason to skip.
 */
public final class Golden {

    /** Overrides where {@code shared/} is looked for (the directory that holds {@code golden/}). */
    public static final String SHARED_DIR_PROPERTY = "jflared.shared.dir";

    private Golden() {}

    /** The {@code golden/} directory: {@code -Djflared.shared.dir}, else the nearest {@code shared/} found upward. */
    public static Path root() {
        String override = System.getProperty(SHARED_DIR_PROPERTY);
        if (override != null) {
            return requireDirectory(Path.of(override).resolve("golden"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("golden");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/golden/ was not found above " + Path.of("").toAbsolutePath()
                + "; check out the shared directory beside the repository or set -D" + SHARED_DIR_PROPERTY);
    }

    /** A file under {@code golden/}, e.g. {@code path("quic/raw/quic-conn1/control.cfd2edge.bin")}. */
    public static Path path(String relative) {
        Path file = root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("golden file missing: " + file);
        }
        return file;
    }

    /** The bytes of a file under {@code golden/}. */
    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("not a directory: " + dir + " (from -D" + SHARED_DIR_PROPERTY + ")");
        }
        return dir;
    }
}
