package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.cli.logging.LogOptions;
import dev.jflared.cli.logging.LoggingSetup;
import dev.jflared.config.ConfigLoader;
import dev.jflared.transport.EdgeTransports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jflared tunnel --local-edge run} in-process with the real QUIC transport: no credentials or config, the
 * printed URL serves the hello_world page, and the stop trigger ends it with exit 0.
 */
@Timeout(120)
class LocalEdgeDemoTest {

    private static final Pattern TRY_IT = Pattern.compile("Try it: curl (http://\\S+)");

    @TempDir
    Path home;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Consumer<String>> stopHandler = new CompletableFuture<>();
    private final CompletableFuture<URI> printedUrl = new CompletableFuture<>();
    private PrintStream previousErr;

    @BeforeEach
    void captureLog() {
        previousErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(previousErr);
        LoggingSetup.configure(LogOptions.defaults());
    }

    @Test
    void localEdgeRunPrintsAUrlThatServesHelloWorldAndStopsWithExitZero() throws Exception {
        CompletableFuture<Integer> exit = start("tunnel", "--local-edge", "--metrics", "127.0.0.1:0", "run");

        URI url = printedUrl.get(60, TimeUnit.SECONDS);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        stopHandler.get(20, TimeUnit.SECONDS).accept("interrupt");
        int exitCode = exit.get(60, TimeUnit.SECONDS);

        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Congrats! You created a tunnel!");
        assertThat(exitCode).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .containsPattern("INF Started local edge edge=127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+){3} "
                        + "eyeball=http://127\\.0\\.0\\.1:\\d+\n")
                .contains("Registered tunnel connection connIndex=0")
                .contains("INF Try it: curl " + url + "\n")
                .contains("INF Tunnel server stopped\n");
    }

    private CompletableFuture<Integer> start(String... args) {
        ConfigLoader loader = new ConfigLoader(home, List.of("~/.cloudflared"));
        RunSupport support = new RunSupport(() -> EdgeTransports.load(getClass().getClassLoader()),
                stopHandler::complete);
        CliEnvironment environment = new CliEnvironment(new PrintStream(new LineWatcher(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), loader,
                support);
        return CompletableFuture.supplyAsync(() -> Main.run(environment, args));
    }

    /** Standard output: completes {@link #printedUrl} from the {@code Try it:} line. */
    private final class LineWatcher extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) throws IOException {
            if (b != '\n') {
                line.write(b);
                return;
            }
            Matcher matcher = TRY_IT.matcher(line.toString(StandardCharsets.UTF_8));
            if (matcher.find()) {
                printedUrl.complete(URI.create(matcher.group(1)));
            }
            line.reset();
        }
    }
}
