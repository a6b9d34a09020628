package dev.jflared.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal HTTP/1.1 eyeball over a plain socket: one request per connection ({@code Connection: close}), the whole
 * response read. It starts no thread, so leak tests can use it; other tests use {@code java.net.http}.
 */
public final class Eyeball {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private Eyeball() {}

    /** The status line's code and the body of {@code GET uri}. */
    public static Response get(URI uri) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            String path = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IOException("no response head in: " + text);
        }
        String head = text.substring(0, headEnd);
        int status = Integer.parseInt(head.substring(9, 12));
        String body = text.substring(headEnd + 4);
        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Response(status, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int lineEnd = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    /** A status and a UTF-8 body. */
    public record Response(int status, String body) {}
}
