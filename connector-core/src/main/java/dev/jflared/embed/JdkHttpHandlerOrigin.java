package dev.jflared.embed;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves tunnel requests with a JDK {@link HttpHandler} ({@code com.sun.net.httpserver}, module
 * {@code jdk.httpserver}), with no {@code HttpServer} and no port: the handler you would give
 * {@code HttpServer.createContext("/", handler)} serves the tunnel instead.
 *
 * <pre>{@code
 * try (JdkHttpHandlerOrigin origin = JdkHttpHandlerOrigin.of(exchange -> {
 *          byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
 *          exchange.sendResponseHeaders(200, body.length);
 *          try (OutputStream out = exchange.getResponseBody()) {
 *              out.write(body);
 *          }
 *      });
 *      Tunnel tunnel = Tunnel.builder().credentialsFile(file).handler(origin).start()) {
 *     tunnel.awaitReady(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * The handler blocks, so it never runs on an event loop: each exchange runs on the {@linkplain Builder#executor
 * worker executor} (default: a pool of {@value #DEFAULT_MAX_WORKERS} daemon threads named
 * {@code jflared-origin-*} with a queue of {@value #DEFAULT_QUEUE} exchanges, stopped by {@link #close()}). When
 * the executor refuses an exchange, the answer is {@code 503}.
 *
 * <h2>Flow control</h2>
 * The request body is an {@code InputStream} fed from the tunnel with at most about {@link Builder#window} bytes
 * buffered; the response body's {@code OutputStream} blocks (waiting, not spinning) while more than that is on its
 * way to a tunnel stream that cannot take it. {@code flush()} sends what was written at once: use it for
 * server-sent events.
 *
 * <h2>Semantics</h2>
 * As {@code com.sun.net.httpserver}: {@code sendResponseHeaders(code, n)} with {@code n > 0} sends
 * {@code Content-Length: n}, {@code 0} streams a body of unknown length, {@code -1} sends none.
 * {@code Host} is among the request headers; the remote address is the eyeball's {@code Cf-Connecting-IP} (port
 * 0, unresolved). A handler that returns without answering answers {@code 500}; one that throws after answering
 * resets the stream. Websocket upgrades are not supported by the JDK API: use {@link NettyHandlerOrigin}.
 */
public final class JdkHttpHandlerOrigin implements InProcessOrigin, AutoCloseable {

    /** Worker threads of the default executor. */
    public static final int DEFAULT_MAX_WORKERS = 64;
    /** Exchanges the default executor queues before answering 503. */
    public static final int DEFAULT_QUEUE = 1024;
    /** Bytes buffered per direction per exchange by default. */
    public static final int DEFAULT_WINDOW = 256 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(JdkHttpHandlerOrigin.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final HttpHandler handler;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final int window;
    private final TunnelHttpContext context;

    private JdkHttpHandlerOrigin(Builder builder) {
        this.handler = builder.handler;
        this.window = builder.window;
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownExecutor = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_MAX_WORKERS, DEFAULT_MAX_WORKERS, 30,
                    TimeUnit.SECONDS, new LinkedBlockingQueue<>(DEFAULT_QUEUE),
                    new DefaultThreadFactory("jflared-origin", true));
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownExecutor = pool;
        }
        this.context = new TunnelHttpContext(handler);
    }

    /** An origin for {@code handler} with the default executor and window. */
    public static JdkHttpHandlerOrigin of(HttpHandler handler) {
        return builder(handler).build();
    }

    /** A builder for an origin serving with {@code handler}. */
    public static Builder builder(HttpHandler handler) {
        return new Builder(handler);
    }

    /** Starts one exchange on a worker; called on the request's event loop. */
    @Override
    public void serve(TunnelRequest request, TunnelResponder responder) {
        TunnelHttpExchange exchange = new TunnelHttpExchange(request, responder, context, window);
        exchange.start();
        try {
            executor.execute(() -> run(exchange));
        } catch (RejectedExecutionException e) {
            logger.debug("requestId={} refused: no worker is free", request.requestId(), e);
            exchange.discardBody();
            DefaultHttpHeaders headers = new DefaultHttpHeaders();
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
            responder.respond(new ResponseHead(503, headers, ResponseHead.Source.ORIGIN))
                    .end(EmptyHttpHeaders.INSTANCE);
        }
    }

    private void run(TunnelHttpExchange exchange) {
        try {
            context.getHandler().handle(exchange);
            exchange.close();
        } catch (Throwable t) {
            logger.debug("the handler failed: {}", t.toString(), t);
            exchange.failed(t);
            if (t instanceof Error error && !(t instanceof AssertionError)) {
                throw error;
            }
        }
    }

    /** Stops the default executor, waiting a bounded time for exchanges in progress; a given one is left alone. */
    @Override
    public void close() {
        if (ownExecutor == null) {
            return;
        }
        ownExecutor.shutdown();
        try {
            if (!ownExecutor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ownExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            ownExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link JdkHttpHandlerOrigin}. */
    public static final class Builder {

        private final HttpHandler handler;
        private Executor executor;
        private int window = DEFAULT_WINDOW;

        private Builder(HttpHandler handler) {
            this.handler = requireNonNull(handler, "handler");
        }

        /**
         * Where handlers run; the caller keeps ownership. Default: a bounded pool of the origin's own (see the
         * class doc). Never give an event loop: handlers block.
         */
        public Builder executor(Executor executor) {
            this.executor = requireNonNull(executor, "executor");
            return this;
        }

        /** Bytes buffered per direction per exchange, at least 1024. Default {@value #DEFAULT_WINDOW}. */
        public Builder window(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("window must be >= 1024: " + bytes);
            }
            this.window = bytes;
            return this;
        }

        public JdkHttpHandlerOrigin build() {
            return new JdkHttpHandlerOrigin(this);
        }
    }
}
