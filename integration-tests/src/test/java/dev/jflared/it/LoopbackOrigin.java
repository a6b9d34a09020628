package dev.jflared.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/1.1 origin on loopback (the JDK's {@link HttpServer}, one thread per exchange) for end-to-end tests:
 * <ul>
 *   <li>{@code /hello}: {@code 200 hello} (and its length on {@code HEAD});</li>
 *   <li>{@code /upload}: reads the body, answers {@code <bytes> <sha-256 hex>};</li>
 *   <li>{@code /download?bytes=N}: N bytes of {@link PatternBytes}, sized;</li>
 *   <li>{@code /sse}: {@code text/event-stream}; the first event, then waits for {@link #releaseSecondEvent()},
 *       then the second event and the end;</li>
 *   <li>{@code /slow}: waits for {@link #releaseSlow()}, then {@code 200 slow done}.</li>
 * </ul>
 */
public final class LoopbackOrigin implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch secondEvent = new CountDownLatch(1);
    private final CountDownLatch slow = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);

    public LoopbackOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/hello", exchange -> fixed(exchange, 200, "hello"));
        server.createContext("/upload", LoopbackOrigin::upload);
        server.createContext("/download", LoopbackOrigin::download);
        server.createContext("/sse", this::sse);
        server.createContext("/slow", this::slow);
        server.start();
    }

    /** {@code http://127.0.0.1:port}, for an ingress rule's service. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void releaseSecondEvent() {
        secondEvent.countDown();
    }

    void releaseSlow() {
        slow.countDown();
    }

    /** Waits until a {@code /slow} request reached the origin. */
    boolean awaitSlowStarted(long seconds) throws InterruptedException {
        return slowStarted.await(seconds, TimeUnit.SECONDS);
    }

    private static void fixed(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void upload(HttpExchange exchange) throws IOException {
        MessageDigest digest = sha256();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        InputStream in = exchange.getRequestBody();
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
            total += n;
        }
        fixed(exchange, 200, total + " " + HexFormat.of().formatHex(digest.digest()));
    }

    private static void download(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long size = Long.parseLong(query.substring(query.indexOf('=') + 1));
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, size);
        try (OutputStream out = exchange.getResponseBody(); InputStream in = new PatternBytes(size)) {
            in.transferTo(out);
        }
    }

    private void sse(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!secondEvent.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the second event");
            }
            out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void slow(HttpExchange exchange) throws IOException {
        slowStarted.countDown();
        try {
            if (!slow.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the slow request");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        fixed(exchange, 200, "slow done");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        secondEvent.countDown();
        slow.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
