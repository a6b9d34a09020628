package dev.jflared.testkit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An eyeball on a plain socket: sends requests byte for byte as a client captured in shared/golden sent them (the
 * JDK's HTTP client would not send their {@code Host}), and reads answers exactly as they arrive.
 */
final class EyeballSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    EyeballSocket(InetSocketAddress eyeball) throws IOException {
        socket = new Socket(eyeball.getAddress(), eyeball.getPort());
        socket.setSoTimeout((int) ReplayedStream.WAIT.toMillis());
        in = socket.getInputStream();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The response head, read byte by byte so nothing after its blank line is consumed. */
    Head readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the eyeball connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        String[] lines = head.substring(0, head.length() - 4).split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new Head(lines[0], headers);
    }

    byte[] readBytes(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new EOFException("the eyeball connection closed after " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** Whether the edge closed the connection: the next read sees the end of the stream. */
    boolean closedByEdge() throws IOException {
        return in.read() < 0;
    }

    /** RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)), the accept value a websocket client checks. */
    static String websocketAccept(String key) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * A response head.
     *
     * @param statusLine e.g. {@code HTTP/1.1 200 OK}
     * @param headers lower-case names to their values, in the order received
     */
    record Head(String statusLine, Map<String, List<String>> headers) {}
}
