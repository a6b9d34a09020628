package dev.jflared.it.bench;

import dev.jflared.Tunnel;
import dev.jflared.it.LoopbackOrigin;
import dev.jflared.testkit.LocalEdge;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput and latency of GETs through {@link LocalEdge} and the real connector (QUIC, four connections) to a
 * JDK {@code HttpServer} origin on loopback: sequential, then concurrent. Not a test; run it without paranoid leak
 * detection:
 *
 * <pre>{@code
 * mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test \
 *     -pl integration-tests -am
 * java -Dio.netty.leakDetection.level=disabled -cp integration-tests/target/test-classes:$(cat integration-tests/cp.txt) \
 *     dev.jflared.it.bench.TunnelBench [requests, default 2000] [concurrency, default 16]
 * }</pre>
 */
public final class TunnelBench {

    private TunnelBench() {}

    public static void main(String[] args) throws Exception {
        // The JDK HttpServer leaves Nagle on by default: with delayed ACKs that adds up to 40 ms to an answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory("jflared-bench");
        InetSocketAddress[] listen = new InetSocketAddress[4];
        Arrays.fill(listen, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (LoopbackOrigin origin = new LoopbackOrigin();
                LocalEdge edge = LocalEdge.builder().listen(listen).build().start();
                Tunnel tunnel = Tunnel.builder()
                        .credentials(edge.credentials())
                        .edge(edge.connectorAddresses().toArray(new InetSocketAddress[0]))
                        .caCertificate(edge.caFile())
                        .haConnections(4)
                        .gracePeriod(Duration.ofSeconds(1))
                        .config(Files.writeString(dir.resolve("config.yml"),
                                "ingress:\n  - service: " + origin.url() + "\n"))
                        .start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));
            edge.awaitConnections(4, Duration.ofSeconds(60));
            URI uri = edge.eyeballUri("/hello");
            ExecutorService clientPool = Executors.newFixedThreadPool(concurrency);
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(clientPool).build();
                run("warm-up", client, uri, requests, concurrency);
                run("sequential", client, uri, requests, 1);
                run("concurrent x" + concurrency, client, uri, requests, concurrency);
            } finally {
                clientPool.shutdownNow();
            }
        } finally {
            Files.deleteIfExists(dir.resolve("config.yml"));
            Files.deleteIfExists(dir);
        }
    }

    private static void run(String name, HttpClient client, URI uri, int requests, int concurrency)
            throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        List<Future<long[]>> futures = new ArrayList<>();
        long started = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            int share = requests / concurrency;
            futures.add(workers.submit(() -> {
                long[] latencies = new long[share];
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
                for (int i = 0; i < share; i++) {
                    long t0 = System.nanoTime();
                    int status = client.send(request, BodyHandlers.ofString()).statusCode();
                    latencies[i] = System.nanoTime() - t0;
                    if (status != 200) {
                        throw new IllegalStateException("status " + status);
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> future : futures) {
            for (long latency : future.get()) {
                all.add(latency);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        workers.shutdown();
        all.sort(null);
        System.out.printf("%-16s %6d requests  %8.0f req/s  median %6.2f ms  p99 %6.2f ms%n", name, all.size(),
                all.size() / seconds, all.get(all.size() / 2) / 1e6, all.get((int) (all.size() * 0.99)) / 1e6);
    }
}
