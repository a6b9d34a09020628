package dev.jflared.it.bench;

import dev.jflared.Tunnel;
import dev.jflared.it.LoopbackOrigin;
import dev.jflared.testkit.LocalEdge;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bulk throughput through {@link LocalEdge} and the real connector (QUIC, one connection) to a JDK
 * {@code HttpServer} origin on loopback: a download ({@code GET /download}) and a sized upload ({@code POST /upload})
 * of the same size, each reported with what tells a CPU limit from a transport stall:
 * <ul>
 *   <li>MB/s, and the process's CPU seconds, also per wall second (near 2 when two cores are busy; a stall waiting
 *       on a loss timer or a window update would show as much less);</li>
 *   <li>the connector's QUIC figures from its {@code /metrics}: packets it declared lost
 *       ({@code quic_client_lost_packets}; they are the packets it sent, so they matter for downloads) and the UDP
 *       payload bytes it sent and received per body byte, as quiche counts them;</li>
 *   <li>datagrams the kernel dropped during the transfer because a receive buffer was full ({@code drops} in
 *       {@code /proc/net/udp}), on LocalEdge's socket and on the connector's: a drop on the connector's socket is a
 *       packet LocalEdge loses and sends again.</li>
 * </ul>
 * Not a test. Run it without leak detection and with the test suite's (the root pom's {@code test.jvm.args}):
 *
 * <pre>{@code
 * mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test \
 *     -pl integration-tests -am
 * java -Dio.netty.leakDetection.level=disabled -cp integration-tests/target/test-classes:$(cat integration-tests/cp.txt) \
 *     dev.jflared.it.bench.TransferBench [MiB, default 100] [rounds, default 2]
 * }</pre>
 */
public final class TransferBench {

    private static final Pattern SAMPLE = Pattern.compile("^(quic_client_\\w+)\\{[^}]*} ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    private TransferBench() {}

    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 100) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.out.printf("leak detection %s, %d MiB per transfer%n", ResourceLeakDetector.getLevel(), bytes >> 20);
        Path dir = Files.createTempDirectory("jflared-bench");
        try (LoopbackOrigin origin = new LoopbackOrigin();
                LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = Tunnel.builder()
                        .credentials(edge.credentials())
                        .edge(edge.connectorAddresses().toArray(new InetSocketAddress[0]))
                        .caCertificate(edge.caFile())
                        .haConnections(1)
                        .gracePeriod(Duration.ofSeconds(1))
                        .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .config(Files.writeString(dir.resolve("config.yml"),
                                "ingress:\n  - service: " + origin.url() + "\n"))
                        .start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI metrics = URI.create("http://127.0.0.1:" + tunnel.metricsAddress().orElseThrow().getPort()
                    + "/metrics");
            int edgePort = edge.connectorAddresses().get(0).getPort();
            for (int round = 0; round < rounds; round++) {
                Snapshot before = Snapshot.before(client, metrics, edgePort);
                HttpResponse<InputStream> download = client.send(
                        HttpRequest.newBuilder(edge.eyeballUri("/download?bytes=" + bytes)).build(),
                        BodyHandlers.ofInputStream());
                long received;
                try (InputStream in = download.body()) {
                    received = in.transferTo(OutputStream.nullOutputStream());
                }
                report("download", bytes, received, before, Snapshot.after(client, metrics, edgePort));

                before = Snapshot.before(client, metrics, edgePort);
                HttpResponse<String> upload = client.send(HttpRequest.newBuilder(edge.eyeballUri("/upload"))
                        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new Zeros(bytes)),
                                bytes))
                        .build(), BodyHandlers.ofString());
                long stored = Long.parseLong(upload.body().substring(0, upload.body().indexOf(' ')));
                report("upload", bytes, stored, before, Snapshot.after(client, metrics, edgePort));
            }
        } finally {
            Files.deleteIfExists(dir.resolve("config.yml"));
            Files.deleteIfExists(dir);
        }
    }

    private static void report(String name, long expected, long actual, Snapshot before, Snapshot after) {
        if (actual != expected) {
            throw new IllegalStateException(name + " carried " + actual + " bytes, not " + expected);
        }
        double seconds = (after.nanos - before.nanos) / 1e9;
        double cpu = (after.cpuNanos - before.cpuNanos) / 1e9;
        System.out.printf("%-8s %6.1f MB/s %6.2f s  cpu %6.2f s (%4.2f/wall s)  lost %4d  sent/body %5.3f"
                        + "  recv/body %5.3f  udp drops edge %d connector %d%n",
                name, expected / seconds / 1e6, seconds, cpu, cpu / seconds, after.lost - before.lost,
                (after.sent - before.sent) / (double) expected, (after.received - before.received) / (double) expected,
                after.edgeDrops - before.edgeDrops, after.connectorDrops - before.connectorDrops);
    }

    /** The figures compared before and after one transfer. */
    private record Snapshot(long nanos, long cpuNanos, long lost, long sent, long received, long edgeDrops,
            long connectorDrops) {

        /** Counters first, then the clocks: the transfer starts right after. */
        static Snapshot before(HttpClient client, URI metrics, int edgePort)
                throws IOException, InterruptedException {
            Counters counters = Counters.scrape(client, metrics);
            long nanos = System.nanoTime();
            long cpuNanos = processCpuNanos();
            Map<Integer, Long> drops = droppedDatagrams();
            return of(nanos, cpuNanos, counters, drops, edgePort);
        }

        /** The clocks first, then the counters a reading later: the connector reads quiche's every second. */
        static Snapshot after(HttpClient client, URI metrics, int edgePort) throws IOException, InterruptedException {
            long nanos = System.nanoTime();
            long cpuNanos = processCpuNanos();
            Map<Integer, Long> drops = droppedDatagrams();
            Thread.sleep(1100);
            return of(nanos, cpuNanos, Counters.scrape(client, metrics), drops, edgePort);
        }

        private static Snapshot of(long nanos, long cpuNanos, Counters counters, Map<Integer, Long> drops,
                int edgePort) {
            long edge = drops.getOrDefault(edgePort, 0L);
            long all = drops.values().stream().mapToLong(Long::longValue).sum();
            return new Snapshot(nanos, cpuNanos, counters.lost, counters.sent, counters.received, edge, all - edge);
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /**
         * Datagrams the kernel dropped on this process's UDP sockets because a receive buffer was full, by local port:
         * the {@code drops} column of {@code /proc/net/udp} and {@code udp6} for the socket inodes among our file
         * descriptors (the system-wide {@code RcvbufErrors} would count other processes' drops too).
         */
        private static Map<Integer, Long> droppedDatagrams() throws IOException {
            Set<String> inodes = new HashSet<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path fd : fds) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException closedMeanwhile) {
                        // the descriptor went away between listing and reading: not a socket we care about
                    }
                }
            }
            Map<Integer, Long> drops = new HashMap<>();
            for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (inodes.contains(fields[9])) {
                        String local = fields[1];
                        int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                        drops.merge(port, Long.parseLong(fields[fields.length - 1]), Long::sum);
                    }
                }
            }
            return drops;
        }
    }

    /** The connector's cumulative QUIC counters, summed over connections and reasons. */
    private record Counters(long lost, long sent, long received) {

        static Counters scrape(HttpClient client, URI metrics) throws IOException, InterruptedException {
            String text = client.send(HttpRequest.newBuilder(metrics).build(), BodyHandlers.ofString()).body();
            long lost = 0;
            long sent = 0;
            long received = 0;
            Matcher m = SAMPLE.matcher(text);
            while (m.find()) {
                long value = (long) Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "quic_client_lost_packets" -> lost += value;
                    case "quic_client_sent_bytes" -> sent += value;
                    case "quic_client_receive_bytes" -> received += value;
                    default -> { }
                }
            }
            return new Counters(lost, sent, received);
        }
    }

    /** {@code size} zero bytes, made as read. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
