package dev.jflared.cli;

import dev.jflared.config.CredentialsLoader;
import dev.jflared.testkit.EdgeEvent;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.transport.Protocol;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jflared edge}: runs a {@link LocalEdge}, a loopback Cloudflare edge, until SIGTERM or SIGINT. Any
 * cloudflared-compatible connector can run against it ({@code --edge HOST:PORT --cacert DIR/ca.pem
 * --credentials-file F}); eyeball requests go to its {@code --eyeball} port.
 *
 * <h2>Output</h2>
 * One JSON object per line on standard output for each event: first {@code listening} (edge addresses, eyeball,
 * CA file, tunnel id, and the credentials file when one was generated), then {@code accept}, {@code register},
 * {@code local_config}, {@code unregister}, {@code config_update}, {@code disconnect}, {@code trailers} as they happen. Logs go to
 * standard error.
 *
 * <h2>Exit</h2>
 * SIGTERM or SIGINT close the edge and exit 0; 1 when it cannot start (a port taken, unreadable credentials).
 */
@Command(
        name = "edge",
        mixinStandardHelpOptions = true,
        description = "Runs a loopback Cloudflare edge (QUIC and HTTP/2) for tests and demos; prints its events as JSON lines.")
final class EdgeCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Option(names = "--listen", split = ",", paramLabel = "HOST:PORT",
            description = "Addresses connectors dial (their --edge); default 127.0.0.1:0")
    private List<String> listen = new ArrayList<>();

    @Option(names = "--eyeball", paramLabel = "HOST:PORT",
            description = "Plain HTTP address for eyeball requests and /_edge/ admin; default 127.0.0.1:0")
    private String eyeball;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "The tunnel to accept (cloudflared's credentials JSON); default: generated and written to "
                    + "TLS_DIR/credentials.json")
    private Path credentialsFile;

    @Option(names = "--tls-dir", paramLabel = "DIR", required = true,
            description = "Where ca.pem (the connector's --cacert), server.pem and server.key are written")
    private Path tlsDir;

    @Option(names = "--location", paramLabel = "NAME", defaultValue = LocalEdge.DEFAULT_LOCATION,
            description = "Location name answered on registration; default ${DEFAULT-VALUE}")
    private String location;

    @Option(names = "--protocols", split = ",", paramLabel = "PROTOCOL",
            description = "Which protocols connectors may use: quic, http2 or both (each listen address serves "
                    + "QUIC on UDP and HTTP/2 on TCP); default quic,http2")
    private List<String> protocols = new ArrayList<>();

    @Option(names = "--remotely-managed", description = "Tell connectors the tunnel is remotely managed")
    private boolean remotelyManaged;

    private final PrintStream standaloneOut;
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();

    /** Run as a subcommand of {@link Main}: prints to the command line's standard output. */
    EdgeCommand() {
        this(null);
    }

    /** Run on its own (tests): prints to {@code out}. */
    EdgeCommand(PrintStream out) {
        this.standaloneOut = out;
    }

    /** Asks a running command to close the edge and return, as SIGTERM does. */
    void stop() {
        stopRequested.complete(null);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = standaloneOut != null ? standaloneOut : main.environment().out();
        LocalEdge.Builder builder = LocalEdge.builder()
                .tlsDirectory(tlsDir)
                .location(location)
                .remotelyManaged(remotelyManaged)
                .eventListener(event -> print(out, event));
        if (!protocols.isEmpty()) {
            builder.protocols(parseProtocols(protocols));
        }
        for (String address : listen) {
            builder.listen(parseAddress(address, "--listen"));
        }
        if (eyeball != null) {
            builder.eyeball(parseAddress(eyeball, "--eyeball"));
        }
        if (credentialsFile != null) {
            builder.credentials(CredentialsLoader.fromFile(credentialsFile));
        }
        try (LocalEdge edge = builder.build()) {
            if (credentialsFile == null) {
                Files.createDirectories(tlsDir);
                edge.writeCredentialsFile(tlsDir.resolve("credentials.json"));
            }
            try {
                edge.start();
            } catch (java.io.UncheckedIOException e) {
                throw new CommandFailedException(e.getMessage());
            }
            if (standaloneOut == null) {
                Signals.onTermination(this::stop);
            }
            stopRequested.join();
        }
        return 0;
    }

    private static void print(PrintStream out, EdgeEvent event) {
        synchronized (out) {
            out.println(event.json());
            out.flush();
        }
    }

    /** Parses the {@code --protocols} values, {@code quic} and {@code http2}. */
    static Protocol[] parseProtocols(List<String> values) {
        List<Protocol> parsed = new ArrayList<>();
        for (String value : values) {
            String name = value.trim();
            if (!name.equals("quic") && !name.equals("http2")) {
                throw new CommandFailedException("--protocols: expected quic or http2, got \"" + value + "\"");
            }
            parsed.add(Protocol.fromFlag(name));
        }
        return parsed.toArray(new Protocol[0]);
    }

    /** Parses {@code host:port} or {@code [v6]:port}; the port may be 0. */
    static InetSocketAddress parseAddress(String text, String flag) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandFailedException(flag + ": expected HOST:PORT, got \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandFailedException(flag + ": the port of \"" + text + "\" is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new CommandFailedException(flag + ": the port of \"" + text + "\" is not in 0..65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandFailedException(flag + ": cannot resolve the host of \"" + text + "\"");
        }
        return address;
    }

    /** Turns SIGTERM and SIGINT into a clean stop (exit 0) instead of the JVM's default exit 143/130. */
    static final class Signals {
        private Signals() {}

        static void onTermination(Runnable stop) {
            for (String name : List.of("TERM", "INT")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.run());
                } catch (IllegalArgumentException e) {
                    // A platform without this signal: the JVM's own handling (and its exit code) stays.
                }
            }
        }
    }
}
