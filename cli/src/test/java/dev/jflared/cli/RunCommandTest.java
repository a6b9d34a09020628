package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.cli.logging.LogOptions;
import dev.jflared.cli.logging.LoggingSetup;
import dev.jflared.config.ConfigLoader;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.RegistrationRejectedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code jflared tunnel run} in-process with an in-memory transport and a stop trigger instead of signals: its
 * start-up and shutdown lines, exit codes and messages.
 */
@Timeout(60)
class RunCommandTest {

    private static final String TUNNEL_ID = "11111111-2222-3333-4444-555555555555";
    private static final String CREDENTIALS = "{\"AccountTag\":\"0123456789abcdef0123456789abcdef\","
            + "\"TunnelSecret\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\",\"TunnelID\":\"" + TUNNEL_ID + "\"}";

    @TempDir
    Path home;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Consumer<String>> stopHandler = new CompletableFuture<>();
    private PrintStream previousErr;
    private Path credentials;

    @BeforeEach
    void captureLog() throws IOException {
        credentials = Files.writeString(home.resolve("creds.json"), CREDENTIALS);
        previousErr = System.err;
        // The console log goes to System.err as it is when logging is configured, at the start of each run.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(previousErr);
        LoggingSetup.configure(LogOptions.defaults());
    }

    private CompletableFuture<Integer> start(InstantTransport transport, String... args) {
        ConfigLoader loader = new ConfigLoader(home, List.of("~/.cloudflared"));
        RunSupport support = new RunSupport(() -> EdgeTransports.of(transport), stopHandler::complete);
        CliEnvironment environment = new CliEnvironment(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), loader, support);
        return CompletableFuture.supplyAsync(() -> Main.run(environment, args));
    }

    private String[] runArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("tunnel", "--credentials-file", credentials.toString(),
                "--edge", "127.0.0.1:7844", "--metrics", "127.0.0.1:0", "--protocol", "quic",
                "--ha-connections", "1", "--grace-period", "1s", "--no-autoupdate",
                "--url", "http://127.0.0.1:8091"));
        args.addAll(List.of(extra));
        args.addAll(List.of("run", TUNNEL_ID));
        return args.toArray(String[]::new);
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startsRegistersAndStopsGracefullyOnSignalWithCloudflaredsLines() throws Exception {
        InstantTransport transport = InstantTransport.registering();

        CompletableFuture<Integer> exit = start(transport, runArgs());
        EdgeConnectRequest request = transport.requests.poll(20, TimeUnit.SECONDS);
        assertThat(request).as("a connect attempt").isNotNull();
        String config = get(metricsAddress(), "/config");
        stopHandler.get(20, TimeUnit.SECONDS).accept("interrupt");

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(transport.shutdowns.poll(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(1));
        String text = logText();
        assertThat(text).containsSubsequence(
                "INF Starting tunnel tunnelID=" + TUNNEL_ID + "\n",
                "INF Version ",
                "INF GOOS: ",
                "INF Settings: map[",
                "INF Generated Connector ID: ",
                "INF Initial protocol quic\n",
                "INF Starting metrics server on 127.0.0.1:",
                "INF Registered tunnel connection connIndex=0 connection=",
                "INF Unregistered tunnel connection connIndex=0 event=0 ip=127.0.0.1\n",
                "INF Tunnel server stopped\n",
                "INF Metrics server stopped\n");
        assertThat(text).containsPattern("INF Registered tunnel connection connIndex=0 connection=[0-9a-f-]{36} "
                + "event=0 ip=127\\.0\\.0\\.1 location=TST protocol=quic\n");
        assertThat(text).contains("INF Initiating graceful shutdown due to signal interrupt ...\n");
        assertThat(text).contains("grace-period:1s").contains("ha-connections:1").contains("edge:[127.0.0.1:7844]");
        assertThat(request.registration().numPreviousAttempts()).isZero();
        assertThat(request.registration().credentials().tunnelId().toString()).isEqualTo(TUNNEL_ID);
        assertThat(request.services().localConfigurationJson()).hasValue("{\"__configuration_flags\":{"
                + "\"metrics\":\"127.0.0.1:0\",\"no-autoupdate\":\"true\",\"protocol\":\"quic\"},\"ingress\":[{"
                + "\"service\":\"http://127.0.0.1:8091\",\"originRequest\":{}}],\"warp-routing\":{}}");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(config).startsWith("{\"version\":-1,\"config\":{\"ingress\":[{\"hostname\":\"\",\"path\":null,"
                + "\"service\":\"http://127.0.0.1:8091\"");
    }

    /** The metrics server's address, from its start-up line (it is logged before the first connect attempt). */
    private String metricsAddress() {
        Matcher matcher = Pattern.compile("Starting metrics server on (\\S+)/metrics").matcher(logText());
        assertThat(matcher.find()).as("the metrics server's start-up line").isTrue();
        return matcher.group(1);
    }

    private static String get(String address, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + address + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
        return response.body();
    }

    @Test
    void lostConnectionIsLoggedAndRetriedAsCloudflaredDoes() throws Exception {
        InstantTransport transport = InstantTransport.registering();
        CompletableFuture<Integer> exit = start(transport, runArgs());
        InstantTransport.Connection connection = transport.connections.poll(20, TimeUnit.SECONDS);
        assertThat(connection).as("a registered connection").isNotNull();

        connection.lose(new IOException("timeout: no recent network activity"));
        EdgeConnectRequest first = transport.requests.poll(20, TimeUnit.SECONDS);
        // The reconnect waits the real backoff, below 2 s: the command runs on its own timer.
        
        EdgeConnectRequest retried = transport.requests.poll(20, TimeUnit.SECONDS);
        stopHandler.get(20, TimeUnit.SECONDS).accept("interrupt");

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(first).isNotNull();
        assertThat(retried).as("the reconnect attempt").isNotNull();
        assertThat(retried.registration().numPreviousAttempts()).isEqualTo(1);
        assertThat(logText()).containsSubsequence(
                "INF Registered tunnel connection connIndex=0 ",
                "ERR Failed to serve tunnel connection error=\"timeout: no recent network activity\" connIndex=0 "
                        + "event=0 ip=127.0.0.1\n",
                "ERR Serve tunnel error error=\"timeout: no recent network activity\" connIndex=0 event=0 "
                        + "ip=127.0.0.1\n",
                "INF Retrying connection in up to 1s connIndex=0 event=0 ip=127.0.0.1\n",
                "INF Registered tunnel connection connIndex=0 ");
    }

    @Test
    void refusedRegistrationExitsOneWithTheCause() throws Exception {
        InstantTransport transport = InstantTransport.refusing(new RegistrationRejectedException(
                "Unauthorized: refedge rejected registration (mismatched tunnel secret)", Duration.ZERO, false));

        CompletableFuture<Integer> exit = start(transport, runArgs("--retries", "0"));

        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("Unauthorized: refedge rejected registration (mismatched tunnel secret)\n");
        assertThat(logText()).containsSubsequence(
                "ERR Register tunnel error from server side error=\"Unauthorized: refedge rejected registration "
                        + "(mismatched tunnel secret)\" connIndex=0 event=0 ip=127.0.0.1\n",
                "INF Tunnel server stopped\n",
                "ERR Initiating shutdown error=\"Unauthorized: refedge rejected registration (mismatched tunnel "
                        + "secret)\"\n",
                "INF Metrics server stopped\n");
        assertThat(transport.requests).hasSize(1);
    }

    @Test
    void withoutCredentialsExitsOneWithCloudflaredsMessage() throws Exception {
        CompletableFuture<Integer> exit = start(InstantTransport.registering(), "tunnel", "run");

        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("\"cloudflared tunnel run\" requires the ID or "
                + "name of the tunnel to run as the last command line argument or in the configuration file.\n");
    }

    @Test
    void badFlagValuesExitOne() throws Exception {
        CompletableFuture<Integer> ha = start(InstantTransport.registering(), "tunnel", "--credentials-file",
                credentials.toString(), "--ha-connections", "four", "run", TUNNEL_ID);
        assertThat(ha.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ha-connections").contains("four");
        err.reset();

        CompletableFuture<Integer> protocol = start(InstantTransport.registering(), "tunnel", "--credentials-file",
                credentials.toString(), "--protocol", "udp", "run", TUNNEL_ID);

        assertThat(protocol.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown protocol udp, Available protocols: "
                + "'auto'");
    }

    @Test
    void logLevelFromTheConfigFileApplies() throws Exception {
        Path config = Files.writeString(home.resolve("config.yml"), "loglevel: debug\npost-quantum: true\n");
        InstantTransport transport = InstantTransport.registering();

        CompletableFuture<Integer> exit = start(transport, runArgs("--config", config.toString()));
        assertThat(transport.requests.poll(20, TimeUnit.SECONDS)).isNotNull();
        stopHandler.get(20, TimeUnit.SECONDS).accept("terminated");

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(logText()).contains("DBG Flag is accepted for compatibility with cloudflared and has no effect "
                + "in jflared flag=post-quantum\n")
                .contains("INF Initiating graceful shutdown due to signal terminated ...\n")
                .contains("config:" + config);
    }
}
