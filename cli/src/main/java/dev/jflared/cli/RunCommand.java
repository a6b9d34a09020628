package dev.jflared.cli;

import dev.jflared.JflaredBuild;
import dev.jflared.Tunnel;
import dev.jflared.TunnelBuilder;
import dev.jflared.cli.logging.LogLevel;
import dev.jflared.cli.logging.LogOptions;
import dev.jflared.cli.logging.LoggingFlags;
import dev.jflared.cli.logging.LoggingSetup;
import dev.jflared.config.CredentialsLoader;
import dev.jflared.config.GoDuration;
import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.config.TunnelFlag;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeIpVersion;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.edge.EdgeTrustException;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.IngressParser;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.metrics.MetricsServer;
import dev.jflared.metrics.MetricsServerException;
import dev.jflared.orchestration.ConfigurationFlags;
import dev.jflared.supervisor.Platform;
import dev.jflared.supervisor.ProtocolChoice;
import dev.jflared.testkit.EdgeEvent;
import dev.jflared.testkit.LocalEdge;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jflared tunnel [flags] run [UUID]}: runs a named tunnel until a signal stops it, as
 * {@code cloudflared tunnel run} does ({@code cmd/cloudflared/tunnel/cmd.go}, {@code signal.go}).
 *
 * <h2>Lifecycle</h2>
 * Settings (command line, environment, config file) are resolved; logging set in the config file is applied;
 * the credentials, edge and trust come from {@link #connectTo}; the start-up lines are logged as cloudflared logs
 * them, and the tunnel starts through {@link Tunnel#builder()}, the embedding API, so {@code tunnel run} and an
 * embedded tunnel run exactly the same parts (orchestrator, origin proxy, supervisor, metrics server). The first
 * SIGINT or SIGTERM starts a graceful shutdown ({@code Initiating graceful shutdown due to signal interrupt ...}):
 * every connection unregisters and drains within {@code --grace-period}, then {@code Tunnel server stopped} and
 * {@code Metrics server stopped} are logged. A second signal ends the process at once ({@link StopSignals}).
 *
 * <h2>Local edge</h2>
 * With {@code --local-edge} ({@code tunnel --local-edge run} or {@code tunnel run --local-edge}) no account,
 * credentials or config are needed: a {@link LocalEdge} starts in-process with generated credentials, the
 * connections go to its loopback addresses trusting its CA, the config file's ingress is served (or
 * {@code hello_world} when there is none and no single-origin flag), and once the first connection is registered
 * the eyeball URL is logged and printed on standard output ({@code Try it: curl http://127.0.0.1:PORT/}). The
 * edge closes after the tunnel has stopped.
 *
 * <h2>Exit codes</h2>
 * 0 after a shutdown by signal; 1, with the reason on standard error, for bad settings, credentials or ingress,
 * a metrics address that cannot be bound, or a tunnel that cannot run (a registration the edge refuses without
 * retry, edge discovery failing); 130 or 143 for a second signal.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Proxy a local web server by running the given tunnel.")
final class RunCommand implements Callable<Integer> {

    private static final Logger logger = LoggerFactory.getLogger(RunCommand.class);

    /** The flags this command acts on; others of cloudflared's are accepted and ignored with a debug line. */
    private static final Set<TunnelFlag<?>> USED = Set.of(TunnelFlag.CREDENTIALS_FILE,
            TunnelFlag.CREDENTIALS_CONTENTS, TunnelFlag.TOKEN, TunnelFlag.TOKEN_FILE, TunnelFlag.ORIGIN_CERT,
            TunnelFlag.URL, TunnelFlag.UNIX_SOCKET, TunnelFlag.HELLO_WORLD, TunnelFlag.BASTION, TunnelFlag.PROTOCOL,
            TunnelFlag.METRICS, TunnelFlag.LOG_LEVEL, TunnelFlag.TRANSPORT_LOG_LEVEL, TunnelFlag.LOG_FILE,
            TunnelFlag.LOG_DIRECTORY, TunnelFlag.LOG_FORMAT_OUTPUT, TunnelFlag.GRACE_PERIOD, TunnelFlag.RETRIES,
            TunnelFlag.HA_CONNECTIONS, TunnelFlag.MAX_EDGE_ADDR_RETRIES, TunnelFlag.EDGE_IP_VERSION,
            TunnelFlag.REGION, TunnelFlag.EDGE, TunnelFlag.CA_CERT, TunnelFlag.NO_AUTOUPDATE,
            TunnelFlag.PROXY_CONNECT_TIMEOUT, TunnelFlag.PROXY_TLS_TIMEOUT, TunnelFlag.PROXY_TCP_KEEPALIVE,
            TunnelFlag.PROXY_NO_HAPPY_EYEBALLS, TunnelFlag.PROXY_KEEPALIVE_CONNECTIONS,
            TunnelFlag.PROXY_KEEPALIVE_TIMEOUT, TunnelFlag.HTTP_HOST_HEADER, TunnelFlag.ORIGIN_SERVER_NAME,
            TunnelFlag.ORIGIN_CA_POOL, TunnelFlag.NO_TLS_VERIFY, TunnelFlag.NO_CHUNKED_ENCODING,
            TunnelFlag.HTTP2_ORIGIN, TunnelFlag.PROXY_ADDRESS, TunnelFlag.PROXY_PORT, TunnelFlag.SOCKS5);
    private static final String SECRET_VALUE = "*****";

    @ParentCommand
    private TunnelCommand tunnel;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TUNNEL", description = "The tunnel's UUID (or config.yml's tunnel:).")
    private String tunnelArgument;

    @Option(names = "--local-edge",
            description = "Run against an in-process loopback edge (no account or credentials needed) and print "
                    + "the URL to try; also accepted before run: tunnel --local-edge run")
    private boolean localEdgeOption;

    /** The in-process edge of {@code --local-edge}, once started; closed after the tunnel stopped. */
    private LocalEdge localEdge;

    @Override
    public Integer call() {
        Settings settings = tunnel.settings();
        applyConfigFileLogging(settings);
        logIgnoredFlags(settings);
        try {
            return run(settings);
        } finally {
            if (localEdge != null) {
                localEdge.close();
            }
        }
    }

    /**
     * Sets where the edge is, which CAs to trust for it, and the tunnel's credentials on {@code builder}, and returns
     * the credentials. This is the one place that decides them: an in-process edge ({@code --local-edge}) is wired
     * in here.
     */
    TunnelCredentials connectTo(Settings settings, TunnelBuilder builder) {
        if (usesLocalEdge()) {
            return startLocalEdge(settings, builder);
        }
        TunnelCredentials credentials = CredentialsLoader.resolve(settings, Optional.ofNullable(tunnelArgument),
                tunnel.environment().configLoader());
        builder.credentials(credentials);
        Optional<String> caCert = settings.get(TunnelFlag.CA_CERT).filter(file -> !file.isEmpty());
        try {
            builder.edgeTrust(caCert.isPresent() ? EdgeTrust.fromCaCertFile(Path.of(caCert.get()))
                    : EdgeTrust.standard());
            settings.getOrDefault(TunnelFlag.EDGE).forEach(builder::edge);
            settings.get(TunnelFlag.REGION).ifPresent(builder::region);
            builder.edgeIpVersion(EdgeIpVersion.fromFlag(settings.getOrDefault(TunnelFlag.EDGE_IP_VERSION)));
        } catch (EdgeTrustException | IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        return credentials;
    }

    private boolean usesLocalEdge() {
        return localEdgeOption || tunnel.localEdge();
    }

    /**
     * Starts the in-process edge with generated credentials; the URL to try is printed once the first connection
     * registered, when requests can be served.
     */
    private TunnelCredentials startLocalEdge(Settings settings, TunnelBuilder builder) {
        PrintStream out = tunnel.environment().out();
        AtomicBoolean announced = new AtomicBoolean();
        // One address per HA connection: the supervisor gives each connection its own edge address.
        InetSocketAddress[] listen = new InetSocketAddress[Math.max(1,
                settings.getOrDefault(TunnelFlag.HA_CONNECTIONS))];
        Arrays.fill(listen, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        LocalEdge edge = LocalEdge.builder()
                .listen(listen)
                .eventListener(event -> announceOnFirstRegistration(event, announced, out))
                .build();
        localEdge = edge;
        try {
            edge.start();
        } catch (java.io.UncheckedIOException e) {
            throw new CommandFailedException("cannot start the local edge: " + e.getMessage());
        }
        // EdgeAddress prints ip:port ([ip]:port for IPv6), where InetSocketAddress would print /ip:port.
        logger.atInfo().addKeyValue("edge", edge.connectorAddresses().stream().map(EdgeAddress::new)
                        .map(EdgeAddress::toString).collect(Collectors.joining(",")))
                .addKeyValue("eyeball", edge.eyeballUrl())
                .log("Started local edge");
        try {
            builder.credentials(edge.credentials())
                    .edgeTrust(EdgeTrust.fromCaCertFile(edge.caFile()))
                    .edge(edge.connectorAddresses().toArray(InetSocketAddress[]::new));
        } catch (EdgeTrustException e) {
            throw new CommandFailedException(e.getMessage());
        }
        return edge.credentials();
    }

    private void announceOnFirstRegistration(EdgeEvent event, AtomicBoolean announced, PrintStream out) {
        if (!event.type().equals("register") || !event.fields().has("connectionUuid")
                || !announced.compareAndSet(false, true)) {
            return;
        }
        String url = localEdge.eyeballUri("/").toString();
        logger.info("Try it: curl {}", url);
        synchronized (out) {
            out.println("Try it: curl " + url);
            out.flush();
        }
    }

    /**
     * The ingress to serve: the config file's rules or the single-origin flags; with {@code --local-edge} and
     * neither, {@code hello_world}, so the demo answers something.
     */
    private Ingress ingress(TunnelConfig config, Settings settings) {
        boolean singleOrigin = settings.get(TunnelFlag.HELLO_WORLD).orElse(false)
                || settings.get(TunnelFlag.BASTION).orElse(false) || settings.isSet(TunnelFlag.URL)
                || settings.isSet(TunnelFlag.UNIX_SOCKET);
        if (usesLocalEdge() && config.ingress().isEmpty() && !singleOrigin) {
            return new Ingress(List.of(new IngressRule(0, "", Optional.empty(),
                    new OriginService.HelloWorld("hello_world"), OriginRequestConfig.DEFAULTS)));
        }
        return IngressParser.fromConfigAndFlags(config, settings);
    }

    private int run(Settings settings) {
        TunnelConfig config = tunnel.config();
        TunnelBuilder builder = Tunnel.builder();
        TunnelCredentials credentials = connectTo(settings, builder);
        ProtocolChoice protocol = protocol(settings);
        Ingress ingress = ingress(config, settings);
        JflaredBuild build = JflaredBuild.current();
        UUID connectorId = UUID.randomUUID();

        logger.atInfo().addKeyValue("tunnelID", credentials.tunnelId()).log("Starting tunnel");
        logger.info("Version {} (Built {})", build.version(), build.built());
        // cloudflared prints its Go runtime here; the Java runtime fills the same slot.
        logger.info("GOOS: {}, GOVersion: java{}, GoArch: {}", Platform.goOs(), Runtime.version(),
                Platform.goArch());
        logger.info("Settings: {}", settingsLine(settings));
        logger.info("Generated Connector ID: {}", connectorId);

        CompletableFuture<String> signal = new CompletableFuture<>();
        tunnel.environment().run().signals().install(signal::complete);
        try (Tunnel running = start(builder.connectorId(connectorId)
                .ingress(ingress)
                .warpRouting(config.warpRouting())
                .originRequestDefaults(config.ingress().isEmpty() ? ingress.catchAll().originRequest()
                        : config.originRequest().applyTo(OriginRequestConfig.DEFAULTS))
                .configurationFlags(ConfigurationFlags.from(settings))
                .protocol(protocol)
                .transports(tunnel.environment().run().transports().get()),
                settings)) {
            serveUntilStopped(running, signal);
        }
        return 0;
    }

    /** Applies the connection flags and starts the tunnel; bad values and an unbindable metrics address exit 1. */
    private static Tunnel start(TunnelBuilder builder, Settings settings) {
        try {
            return builder.haConnections(settings.getOrDefault(TunnelFlag.HA_CONNECTIONS))
                    .retries(settings.getOrDefault(TunnelFlag.RETRIES))
                    .maxEdgeAddrRetries(settings.getOrDefault(TunnelFlag.MAX_EDGE_ADDR_RETRIES))
                    .gracePeriod(settings.getOrDefault(TunnelFlag.GRACE_PERIOD))
                    .metricsAddress(settings.get(TunnelFlag.METRICS).filter(a -> !a.isEmpty())
                            .orElse(MetricsServer.DEFAULT_ADDRESS))
                    .start();
        } catch (IllegalArgumentException | IllegalStateException | MetricsServerException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }

    /**
     * Waits until a signal or the tunnel stops by itself. After a signal the tunnel shuts down gracefully (the
     * caller's {@code close} then releases it, logging {@code Metrics server stopped} after
     * {@code Tunnel server stopped}, as cloudflared orders them).
     */
    private static void serveUntilStopped(Tunnel running, CompletableFuture<String> signal) {
        CompletableFuture<Void> stopped = running.stopped();
        CompletableFuture.anyOf(stopped, signal).handle((ignored, error) -> null).join();
        if (!stopped.isDone()) {
            logger.info("Initiating graceful shutdown due to signal {} ...", signal.join());
            running.shutdown();
        }
        Throwable failure = stopped.handle((ignored, error) -> error).join();
        logger.info("Tunnel server stopped");
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            logger.atError().setCause(cause).log("Initiating shutdown");
            throw new CommandFailedException(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        }
    }

    private static ProtocolChoice protocol(Settings settings) {
        try {
            return ProtocolChoice.fromFlag(settings.getOrDefault(TunnelFlag.PROTOCOL));
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }

    /**
     * Applies {@code loglevel}, {@code transport-loglevel}, {@code logfile} and {@code log-directory} set in the
     * config file: logging was set up from the command line and environment before the file was read, and cloudflared
     * honours the file too. A flag or environment variable still wins.
     */
    private void applyConfigFileLogging(Settings settings) {
        CommandLine.Model.CommandSpec mixin = spec.root().mixins().get(LoggingFlags.MIXIN_NAME);
        if (mixin == null || !(mixin.userObject() instanceof LoggingFlags flags)) {
            return;
        }
        LogOptions options = flags.toOptions();
        LogOptions fromFile = options;
        Optional<String> level = fromFile(settings, TunnelFlag.LOG_LEVEL, "--loglevel");
        if (level.isPresent()) {
            fromFile = fromFile.withLevel(LogLevel.parse(level.get()).orElse(options.level()));
        }
        Optional<String> transportLevel = fromFile(settings, TunnelFlag.TRANSPORT_LOG_LEVEL, "--transport-loglevel");
        if (transportLevel.isPresent()) {
            fromFile = fromFile.withTransportLevel(LogLevel.parse(transportLevel.get())
                    .orElse(options.transportLevel()));
        }
        Optional<String> file = fromFile(settings, TunnelFlag.LOG_FILE, "--logfile");
        if (file.isPresent()) {
            fromFile = fromFile.withLogFile(Path.of(file.get()));
        }
        Optional<String> directory = fromFile(settings, TunnelFlag.LOG_DIRECTORY, "--log-directory");
        if (directory.isPresent()) {
            fromFile = fromFile.withLogDirectory(Path.of(directory.get()));
        }
        if (!fromFile.equals(options)) {
            LoggingSetup.configure(fromFile);
        }
    }

    /** The value of {@code flag} when it comes from the config file and the command line does not set it. */
    private Optional<String> fromFile(Settings settings, TunnelFlag<String> flag, String option) {
        if (settings.source(flag) != Settings.Source.CONFIG_FILE) {
            return Optional.empty();
        }
        for (CommandLine.ParseResult result = spec.root().commandLine().getParseResult(); result != null;
                result = result.subcommand()) {
            if (result.hasMatchedOption(option)) {
                return Optional.empty();
            }
        }
        return settings.get(flag).filter(value -> !value.isEmpty());
    }

    private static void logIgnoredFlags(Settings settings) {
        for (TunnelFlag<?> flag : TunnelFlag.all()) {
            if (!USED.contains(flag) && settings.isSet(flag)) {
                logger.atDebug().addKeyValue("flag", flag.name())
                        .log("Flag is accepted for compatibility with cloudflared and has no effect in jflared");
            }
        }
    }

    /**
     * The flags set on the command line or in the config file as cloudflared's {@code Settings:} line prints them:
     * Go's {@code map[name:value ...]}, names sorted, secrets replaced by {@value #SECRET_VALUE}.
     */
    private static String settingsLine(Settings settings) {
        Map<String, String> shown = new TreeMap<>();
        settings.file().source().ifPresent(file -> shown.put("config", file.toString()));
        for (TunnelFlag<?> flag : TunnelFlag.all()) {
            Settings.Source source = settings.source(flag);
            if (source == Settings.Source.COMMAND_LINE || source == Settings.Source.CONFIG_FILE) {
                shown.put(flag.name(), flag.isSecret() ? SECRET_VALUE : goValue(settings.get(flag).orElse(null)));
            }
        }
        return shown.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(" ", "map[", "]"));
    }

    private static String goValue(Object value) {
        if (value instanceof Duration duration) {
            return GoDuration.format(duration);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
