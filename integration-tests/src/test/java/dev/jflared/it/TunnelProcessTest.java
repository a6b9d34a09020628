package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.testkit.EdgeEvent;
import dev.jflared.testkit.LocalEdge;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar ({@code java -jar cli/target/jflared.jar tunnel ... run}) against a {@link LocalEdge}: what a user
 * of the process sees (exit codes, standard error, cloudflared's log lines) and a graceful SIGTERM.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TunnelProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void wrongCredentialsExitOneWithTheEdgesCause() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            Path wrong = Files.writeString(dir.resolve("wrong.json"), "{\"AccountTag\":\""
                    + edge.credentials().accountTag() + "\",\"TunnelSecret\":\""
                    + Base64.getEncoder().encodeToString(new byte[32]) + "\",\"TunnelID\":\""
                    + edge.credentials().tunnelId() + "\"}");

            try (JflaredProcess jflared = JflaredProcess.start(dir, runArgs(edge, wrong, 1, "http://127.0.0.1:9"))) {
                int exitCode = jflared.awaitExit(WAIT.toSeconds());

                assertThat(exitCode).isEqualTo(1);
                assertThat(jflared.stderr()).contains("Unauthorized");
            }
        }
    }

    @Test
    void sigtermUnregistersLetsTheRequestInFlightFinishAndExitsZero() throws Exception {
        try (LoopbackOrigin origin = new LoopbackOrigin();
                LocalEdge edge = LocalEdge.builder().listen(TunnelEndToEndTest.haEdgeAddresses(2)).build()
                        .start()) {
            Path credentials = edge.writeCredentialsFile(dir.resolve("creds.json"));
            try (JflaredProcess jflared = JflaredProcess.start(dir, runArgs(edge, credentials, 2, origin.url()))) {
                edge.awaitConnections(2, WAIT);
                HttpClient client = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                        HttpRequest.newBuilder(edge.eyeballUri("/slow")).timeout(WAIT).build(),
                        BodyHandlers.ofString());
                assertThat(origin.awaitSlowStarted(WAIT.toSeconds())).isTrue();

                jflared.terminate();
                List<EdgeEvent> unregistered = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Optional<EdgeEvent> event = edge.takeEvent("unregister", WAIT);
                    assertThat(event).as("unregister %d; stderr:\n%s", i, jflared.stderr()).isPresent();
                    unregistered.add(event.get());
                }
                // The request was held at the origin until both connections unregistered: it is in flight
                // during the drain, and must still complete.
                origin.releaseSlow();
                HttpResponse<String> response = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                int exitCode = jflared.awaitExit(WAIT.toSeconds());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("slow done");
                assertThat(unregistered.stream().map(e -> e.fields().get("connIndex").asInt())
                        .collect(Collectors.toSet())).containsExactlyInAnyOrder(0, 1);
                assertThat(exitCode).as("stderr:\n%s", jflared.stderr()).isZero();
                assertThat(jflared.stdout() + jflared.stderr())
                        .containsPattern("Registered tunnel connection connIndex=0 connection=[0-9a-f-]{36} "
                                + "event=0 ip=127\\.0\\.0\\.1 location=LOCAL protocol=quic")
                        .contains("Initiating graceful shutdown due to signal terminated")
                        .contains("Tunnel server stopped");
            }
        }
    }

    private static String[] runArgs(LocalEdge edge, Path credentials, int connections, String url) {
        List<String> args = new ArrayList<>(List.of("tunnel", "--credentials-file", credentials.toString(),
                "--cacert", edge.caFile().toString(), "--protocol", "quic", "--metrics", "127.0.0.1:0",
                "--ha-connections", String.valueOf(connections), "--grace-period", "60s", "--retries", "0",
                "--url", url));
        edge.connectorAddresses().forEach(a -> args.addAll(List.of("--edge", "127.0.0.1:" + a.getPort())));
        args.add("run");
        args.add(edge.credentials().tunnelId().toString());
        return args.toArray(String[]::new);
    }
}
