package dev.jflared.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version and build time stamped into the jar by Maven resource filtering. */
record BuildInfo(String version, String built) {

    private static final String RESOURCE = "/jflared-build.properties";

    static BuildInfo load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; rebuild the jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return new BuildInfo(properties.getProperty("version"), properties.getProperty("built"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The line printed by {@code --version}, in cloudflared's shape: {@code NAME version V (built T)}. */
    String versionLine() {
        return "jflared version " + version + " (built " + built + ")";
    }
}
