package dev.jflared;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This jflared's version and build time, stamped into connector-core by Maven resource filtering. One source for
 * every place that reports them: the version sent at registration, {@code build_info}, {@code --version}.
 *
 * @param version the project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param built the build time, ISO 8601
 */
public record JflaredBuild(String version, String built) {

    private static final String RESOURCE = "build.properties";
    private static final JflaredBuild CURRENT = load();

    public JflaredBuild {
        requireNonNull(version, "version");
        requireNonNull(built, "built");
    }

    /** The build of the jflared on the class path. */
    public static JflaredBuild current() {
        return CURRENT;
    }

    /** The line {@code --version} prints, in cloudflared's shape: {@code jflared version V (built T)}. */
    public String versionLine() {
        return "jflared version " + version + " (built " + built + ")";
    }

    private static JflaredBuild load() {
        try (InputStream in = JflaredBuild.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("dev/jflared/" + RESOURCE + " is missing from the class path; "
                        + "rebuild connector-core");
            }
            Properties properties = new Properties();
            properties.load(in);
            return new JflaredBuild(properties.getProperty("version"), properties.getProperty("built"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/jflared/" + RESOURCE, e);
        }
    }
}
