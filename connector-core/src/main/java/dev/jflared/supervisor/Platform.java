package dev.jflared.supervisor;

import java.util.Locale;

/** The platform in the words cloudflared uses for it ({@code ClientInfo.arch}: {@code linux_amd64}). */
public final class Platform {

    private Platform() {}

    /** Go's {@code GOOS} for this JVM's operating system: {@code linux}, {@code darwin}, {@code windows}, ... */
    public static String goOs() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        }
        if (os.startsWith("windows")) {
            return "windows";
        }
        return os.replace(' ', '_');
    }

    /** Go's {@code GOARCH} for this JVM's architecture: {@code amd64}, {@code arm64}, {@code 386}, ... */
    public static String goArch() {
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "x86_64":
            case "amd64":
                return "amd64";
            case "aarch64":
            case "arm64":
                return "arm64";
            case "x86":
            case "i386":
            case "i686":
                return "386";
            default:
                return arch;
        }
    }

    /** {@code GOOS_GOARCH}, as the registration's {@code arch} field carries it. */
    public static String osArch() {
        return goOs() + "_" + goArch();
    }
}
