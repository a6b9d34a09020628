package dev.jflared.examples;

import dev.jflared.testkit.LocalEdge;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs a {@link LocalEdge} until Ctrl-C, for trying a connector process against it: writes the tunnel's credentials
 * file and prints the {@code jflared} (or {@code cloudflared}) command line and the eyeball URL.
 */
public final class LocalEdgeServer {

    private LocalEdgeServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("local-edge");
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            Path credentials = edge.writeCredentialsFile(dir.resolve("credentials.json"));
            String edges = edge.connectorAddresses().stream()
                    .map(a -> "--edge " + hostPort(a)).collect(Collectors.joining(" "));
            System.out.println("LocalEdge is up. Connect a connector with:");
            System.out.println("  java -jar cli/target/jflared.jar tunnel " + edges + " --cacert " + edge.caFile()
                    + " --credentials-file " + credentials + " run --hello-world");
            System.out.println("then send requests to " + edge.eyeballUrl() + "/");
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
