package dev.jflared.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 eyeball on a plain socket, for what the JDK client hides: any {@code Host} (ingress hostnames),
 * chunked trailers, and raw websocket frames after a 101. One request per connection ({@code Connection: close}).
 */
final class RawEyeball implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawEyeball(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static RawEyeball connect(InetSocketAddress address) throws IOException {
        return new RawEyeball(address);
    }

    /** Sends a request with {@code body} (Content-Length when not null) and reads the whole response. */
    static Response send(InetSocketAddress address, String method, String host, String path, byte[] body)
            throws IOException {
        try (RawEyeball eyeball = connect(address)) {
            eyeball.writeHead(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + (body != null ? "Content-Length: " + body.length + "\r\n" : "") + "\r\n");
            if (body != null) {
                eyeball.out.write(body);
                eyeball.out.flush();
            }
            return eyeball.readResponse(true);
        }
    }

    void writeHead(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads a response head and, when {@code withBody}, its body (by length, chunked with trailers, or to EOF). */
    Response readResponse(boolean withBody) throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = readFields();
        if (!withBody) {
            return new Response(status, headers, new byte[0], Map.of());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> trailers = Map.of();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
                if (size == 0) {
                    trailers = readFields();
                    break;
                }
                body.write(readExactly(size));
                readLine();
            }
        } else if (headers.containsKey("content-length")) {
            body.write(readExactly(Integer.parseInt(headers.get("content-length"))));
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toByteArray(), trailers);
    }

    byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("only " + bytes.length + " of " + n + " bytes came");
        }
        return bytes;
    }

    private Map<String, String> readFields() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return fields;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed in a line: \"" + line + "\"");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body, Map<String, String> trailers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
