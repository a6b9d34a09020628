package dev.jflared.examples;

import dev.jflared.Tunnel;
import dev.jflared.TunnelBuilder;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.testkit.LocalEdge;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * How the examples start their tunnel: with a credentials file (first argument) or {@code $TUNNEL_TOKEN}, against
 * Cloudflare; with neither, against a {@link LocalEdge} on loopback, printing the URL to try. Runs until Ctrl-C.
 */
final class ExampleTunnels {

    private ExampleTunnels() {}

    static void serveUntilStopped(String[] args, InProcessOrigin origin) throws InterruptedException {
        Optional<String> token = Optional.ofNullable(System.getenv("TUNNEL_TOKEN")).filter(t -> !t.isBlank());
        LocalEdge edge = null;
        TunnelBuilder builder = Tunnel.builder().handler(origin);
        if (args.length > 0) {
            builder.credentialsFile(Path.of(args[0]));
        } else if (token.isPresent()) {
            builder.token(token.get());
        } else {
            edge = LocalEdge.builder().build().start();
            builder.credentials(edge.credentials())
                    .edge(edge.connectorAddresses().toArray(new InetSocketAddress[0]))
                    .caCertificate(edge.caFile())
                    .haConnections(1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Tunnel tunnel = builder.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                tunnel.close();
                stop.countDown();
            }));
            tunnel.awaitReady(Duration.ofSeconds(60));
            tunnel.connections().forEach(c -> System.out.println("connected: " + c));
            if (edge != null) {
                System.out.println("no credentials given: serving through a LocalEdge; try  curl "
                        + edge.eyeballUrl() + "/");
            }
            stop.await();
        } finally {
            if (edge != null) {
                edge.close();
            }
        }
    }
}
