package dev.jflared.ingress;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a URL that cloudflared looks at (a rule's service, the URL given to {@code ingress rule}),
 * split as Go's {@code net/url.Parse} splits them, with its error messages
 * ({@code parse "https://local host": invalid character " " in host name}).
 *
 * @param scheme the scheme, lower-cased (Go lower-cases it too), or empty
 * @param host the host name or address without brackets, or empty
 * @param port the port text, or empty
 * @param path the path, percent-decoded, or empty (an opaque URL such as {@code localhost:8000} has none, and
 *     no host)
 */
public record ServiceUrl(String scheme, String host, String port, String path) {

    private static final String HOST_PUNCTUATION = "-_.~!$&'()*+,;=:[]<>\"%";

    /**
     * Splits {@code raw}.
     *
     * @throws IllegalArgumentException with Go's message when Go's parser would refuse it
     */
    public static ServiceUrl parse(String raw) {
        String rest = raw;
        String scheme = "";
        int colon = schemeEnd(raw);
        if (colon == 0) {
            throw new IllegalArgumentException("parse \"" + raw + "\": missing protocol scheme");
        }
        if (colon > 0) {
            scheme = raw.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = raw.substring(colon + 1);
        }
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (!scheme.isEmpty() && !rest.startsWith("/")) {
            return new ServiceUrl(scheme, "", "", "");
        }
        if (!rest.startsWith("//")) {
            String firstSegment = rest.indexOf('/') < 0 ? rest : rest.substring(0, rest.indexOf('/'));
            if (scheme.isEmpty() && firstSegment.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "parse \"" + raw + "\": first path segment in URL cannot contain colon");
            }
            return new ServiceUrl(scheme, "", "", rest);
        }
        String authority = rest.substring(2);
        String path = "";
        int slash = authority.indexOf('/');
        if (slash >= 0) {
            path = authority.substring(slash);
            authority = authority.substring(0, slash);
        }
        int at = authority.lastIndexOf('@');
        String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
        String[] split = splitHostPort(raw, hostPort);
        for (char c : split[0].toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c) && HOST_PUNCTUATION.indexOf(c) < 0) {
                throw new IllegalArgumentException(
                        "parse \"" + raw + "\": invalid character \"" + c + "\" in host name");
            }
        }
        return new ServiceUrl(scheme, split[0], split[1], percentDecode(path));
    }

    /** The port as a number, if there is one. */
    public Optional<Integer> portNumber() {
        return port.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(port));
    }

    private static String percentDecode(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()
                    && Character.digit(path.charAt(i + 1), 16) >= 0 && Character.digit(path.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String[] splitHostPort(String raw, String hostPort) {
        String host = hostPort;
        String port = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("parse \"" + raw + "\": missing ']' in host");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException(
                        "parse \"" + raw + "\": invalid port \"" + after + "\" after host");
            }
            port = after.isEmpty() ? "" : after.substring(1);
            checkPort(raw, after);
            return new String[] {host, port};
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
            checkPort(raw, hostPort.substring(colon));
        }
        return new String[] {host, port};
    }

    private static void checkPort(String raw, String colonPort) {
        if (colonPort.length() <= 1) {
            return;
        }
        if (!colonPort.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "parse \"" + raw + "\": invalid port \"" + colonPort + "\" after host");
        }
        // Go accepts any digits here; jflared refuses a port no socket can have.
        if (colonPort.length() > 1 && (colonPort.length() > 6 || Integer.parseInt(colonPort.substring(1)) > 65535)) {
            throw new IllegalArgumentException(
                    "parse \"" + raw + "\": invalid port \"" + colonPort + "\" after host");
        }
    }

    /** The index of the colon ending a valid scheme, 0 for a colon with nothing before it, else -1. */
    private static int schemeEnd(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ':') {
                return i;
            }
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean later = i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
            if (!letter && !later) {
                return -1;
            }
        }
        return -1;
    }
}
