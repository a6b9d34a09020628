package dev.jflared.cli;

import dev.jflared.config.TunnelFlag;
import dev.jflared.metrics.MetricsServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jflared tunnel [--metrics ADDR] ready}: asks a running connector's {@code /ready} whether it has a
 * serving connection, as {@code cloudflared tunnel ready} does. Exit code 0 when it answers 200; otherwise 1 with
 * cloudflared's message ({@code http://ADDR/ready endpoint returned status code 503} and the body) on standard
 * error.
 *
 * <p>Without {@code --metrics} the connector's default addresses are tried in order ({@code localhost:20241} to
 * {@code localhost:20245}), and the first that answers is asked; cloudflared requires the flag instead.
 */
@Command(name = "ready", mixinStandardHelpOptions = true,
        description = "Call /ready endpoint and return proper exit code.")
final class ReadyCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParentCommand
    private TunnelCommand tunnel;

    @Override
    public Integer call() {
        Optional<String> given = tunnel.settings().get(TunnelFlag.METRICS).filter(a -> !a.isEmpty());
        List<String> addresses = given.map(List::of).orElse(MetricsServer.KNOWN_ADDRESSES);
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        IOException lastError = null;
        for (String address : addresses) {
            HttpResponse<String> response;
            try {
                response = client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/ready"))
                        .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastError = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while asking http://" + address + "/ready");
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--metrics " + address + " is not a host:port address");
            }
            if (response.statusCode() != 200) {
                throw new CommandFailedException("http://" + address + "/ready endpoint returned status code "
                        + response.statusCode() + "\n" + response.body());
            }
            return 0;
        }
        String tried = given.isPresent() ? "http://" + given.get() + "/ready"
                : "the default metrics addresses " + MetricsServer.KNOWN_ADDRESSES;
        throw new CommandFailedException("no connector answered at " + tried
                + (lastError == null ? "" : ": " + describe(lastError))
                + (given.isPresent() ? "" : "; give the connector's address with --metrics"));
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
