package dev.jflared.examples;

import com.sun.net.httpserver.HttpHandler;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JDK {@code HttpHandler} app exposed through a tunnel in-process: no {@code HttpServer}, no port.
 *
 * <pre>
 * java -cp ... dev.jflared.examples.JdkHttpServerExample [credentials.json]
 * </pre>
 */
public final class JdkHttpServerExample {

    private JdkHttpServerExample() {}

    public static void main(String[] args) throws Exception {
        HttpHandler app = exchange -> {
            byte[] body = ("hello from a JDK HttpHandler, you asked for " + exchange.getRequestURI() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
        try (JdkHttpHandlerOrigin origin = JdkHttpHandlerOrigin.of(app)) {
            ExampleTunnels.serveUntilStopped(args, origin);
        }
    }
}
