package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link LocalEdge} knows and records: the tunnel it accepts, the registrations it answered, the sessions
 * it routes eyeball requests to (round robin) and the events. Transport-neutral: sessions of every protocol report
 * here. Thread-safe; the routing table is guarded by {@code this}.
 */
final class EdgeState {

    private static final Logger logger = LoggerFactory.getLogger(EdgeState.class);

    private final TunnelCredentials credentials;
    private final String location;
    private final boolean remotelyManaged;
    private final List<RegistrationRule> rules;
    private final List<Consumer<EdgeEvent>> listeners;
    private final Optional<String> localConfigurationError;

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Registration> untakenRegistrations = new LinkedBlockingQueue<>();
    private final List<EdgeEvent> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<EdgeEvent> untakenEvents = new LinkedBlockingQueue<>();
    private final List<ConnectionInfo> unregistrations = new CopyOnWriteArrayList<>();
    private final List<LocalConfiguration> localConfigurations = new CopyOnWriteArrayList<>();
    /** Sessions that registered and have neither unregistered nor closed, in registration order. */
    private final Map<EdgeSession, ConnectionInfo> routable = new LinkedHashMap<>();
    /** Every registered session until it closes, routable or not. */
    private final Map<EdgeSession, ConnectionInfo> registered = new LinkedHashMap<>();
    private int nextRoute;
    private final AtomicLong bootstraps = new AtomicLong();

    EdgeState(TunnelCredentials credentials, String location, boolean remotelyManaged, List<RegistrationRule> rules,
            List<Consumer<EdgeEvent>> listeners, Optional<String> localConfigurationError) {
        this.credentials = requireNonNull(credentials, "credentials");
        this.location = requireNonNull(location, "location");
        this.remotelyManaged = remotelyManaged;
        this.rules = List.copyOf(rules);
        this.listeners = List.copyOf(listeners);
        this.localConfigurationError = requireNonNull(localConfigurationError, "localConfigurationError");
    }

    /** A rule that answers matching registrations with an error instead of accepting them. */
    record RegistrationRule(Predicate<Registration> when, ConnectionError error) {}

    TunnelCredentials credentials() {
        return credentials;
    }

    String location() {
        return location;
    }

    // ---- what sessions report

    void accepted(EdgeSession session, InetSocketAddress edgeAddress) {
        ObjectNode event = EdgeEvent.start("accept");
        event.put("protocol", session.protocol().flagValue());
        event.put("edgeAddr", HostPort.format(edgeAddress));
        event.put("remote", HostPort.format(session.remoteAddress()));
        emit(event);
    }

    /** Answers a {@code registerConnection}: checks the credentials (the secret in constant time) and the rules. */
    ConnectionResponse register(EdgeSession session, RegisterConnectionParams params) {
        ClientInfo client = params.options().client();
        Registration attempt = new Registration(params.connIndex(), session.protocol(), client.clientId(),
                client.features(), client.version(), client.arch(), params.options().numPreviousAttempts(),
                params.options().originLocalIp(), session.remoteAddress(), Optional.empty(), Optional.empty());
        ConnectionResponse response = decide(params, attempt);
        Registration registration = response instanceof ConnectionDetails details
                ? attempt.accept(details.uuid()) : attempt.reject(((ConnectionError) response).cause());
        // Recorded before it counts as routable: whoever awaitActive wakes finds it in registrations().
        registrations.add(registration);
        untakenRegistrations.add(registration);
        if (response instanceof ConnectionDetails details) {
            ConnectionInfo info = new ConnectionInfo(params.connIndex(), session.protocol(), client.clientId(),
                    details.uuid(), location, session.remoteAddress());
            synchronized (this) {
                registered.put(session, info);
                routable.put(session, info);
                notifyAll();
            }
        }
        emit(registerEvent(registration, params.tunnelId()));
        return response;
    }

    private ConnectionResponse decide(RegisterConnectionParams params, Registration attempt) {
        String mismatch = mismatch(params);
        if (mismatch != null) {
            return new ConnectionError("Unauthorized: LocalEdge rejected registration (" + mismatch + ")",
                    Duration.ZERO, false);
        }
        for (RegistrationRule rule : rules) {
            if (rule.when().test(attempt)) {
                return rule.error();
            }
        }
        return new ConnectionDetails(UUID.randomUUID(), location, remotelyManaged);
    }

    /** Which part of the credentials does not match, or null. Never says what the secret is. */
    private String mismatch(RegisterConnectionParams params) {
        byte[] expected = credentials.tunnelSecret();
        byte[] given = params.auth().tunnelSecret();
        boolean secretMatches = MessageDigest.isEqual(expected, given);
        Arrays.fill(expected, (byte) 0);
        Arrays.fill(given, (byte) 0);
        if (!params.auth().accountTag().equals(credentials.accountTag())) {
            return "unknown account tag";
        }
        if (!params.tunnelId().equals(credentials.tunnelId())) {
            return "unknown tunnel id " + params.tunnelId();
        }
        return secretMatches ? null : "mismatched tunnel secret";
    }

    private ObjectNode registerEvent(Registration registration, UUID tunnelId) {
        ObjectNode event = EdgeEvent.start("register");
        event.put("connIndex", registration.connIndex());
        event.put("protocol", registration.protocol().flagValue());
        ArrayNode features = event.putArray("features");
        registration.features().forEach(features::add);
        event.put("clientId", registration.clientId().toString());
        event.put("version", registration.version());
        event.put("arch", registration.arch());
        event.put("numPreviousAttempts", registration.numPreviousAttempts());
        event.put("originLocalIp", registration.originLocalIp().getHostAddress());
        event.put("remote", HostPort.format(registration.remoteAddress()));
        event.put("tunnelId", tunnelId.toString());
        registration.connectionUuid().ifPresent(uuid -> event.put("connectionUuid", uuid.toString()));
        if (registration.accepted()) {
            event.put("location", location);
            event.put("tunnelIsRemotelyManaged", remotelyManaged);
        }
        event.put("result", registration.result());
        registration.cause().ifPresent(cause -> event.put("cause", cause));
        return event;
    }

    void unregistered(EdgeSession session) {
        ConnectionInfo info;
        synchronized (this) {
            routable.remove(session);
            info = registered.get(session);
            notifyAll();
        }
        ObjectNode event = EdgeEvent.start("unregister");
        if (info != null) {
            unregistrations.add(info);
            event.put("connIndex", info.connIndex());
        }
        event.put("protocol", session.protocol().flagValue());
        emit(event);
    }

    /** Why {@code updateLocalConfiguration} is refused; empty when it is accepted. */
    Optional<String> localConfigurationError() {
        return localConfigurationError;
    }

    void localConfiguration(EdgeSession session, String json) {
        ConnectionInfo info = info(session);
        int connIndex = info == null ? -1 : info.connIndex();
        localConfigurations.add(new LocalConfiguration(connIndex, session.protocol(), json));
        ObjectNode event = EdgeEvent.start("local_config");
        event.put("connIndex", connIndex);
        event.put("protocol", session.protocol().flagValue());
        try {
            event.set("config", EdgeEvent.mapper().readTree(json));
        } catch (JsonProcessingException e) {
            event.put("config", json);
        }
        emit(event);
    }

    /** A connector sent {@code Bootstrap} on a control stream. */
    void bootstrapped() {
        bootstraps.incrementAndGet();
    }

    long bootstraps() {
        return bootstraps.get();
    }

    void closed(EdgeSession session, String reason) {
        ConnectionInfo info;
        synchronized (this) {
            routable.remove(session);
            info = registered.remove(session);
            notifyAll();
        }
        ObjectNode event = EdgeEvent.start("disconnect");
        if (info != null) {
            event.put("connIndex", info.connIndex());
        }
        event.put("protocol", session.protocol().flagValue());
        event.put("remote", HostPort.format(session.remoteAddress()));
        event.put("reason", reason);
        emit(event);
    }

    void configPushed(ConfigPushResult result, int version, String trigger) {
        ObjectNode event = EdgeEvent.start("config_update");
        event.put("connIndex", result.connIndex());
        event.put("protocol", result.protocol().flagValue());
        event.put("version", version);
        event.put("lastAppliedVersion", result.lastAppliedVersion());
        event.put("err", result.err());
        event.put("trigger", trigger);
        emit(event);
    }

    /** A response ended with trailers (HTTP/2 connectors send them as a trailing HEADERS frame). */
    void trailers(EdgeRequest request, List<Map.Entry<String, String>> trailers) {
        ObjectNode event = EdgeEvent.start("trailers");
        event.put("host", request.host());
        event.put("path", request.uri());
        ObjectNode fields = event.putObject("trailers");
        for (Map.Entry<String, String> trailer : trailers) {
            fields.put(trailer.getKey().toLowerCase(Locale.ROOT), trailer.getValue());
        }
        emit(event);
    }

    // ---- what the edge does with them

    /** The next routable session, round robin, with its connection. */
    synchronized Optional<Map.Entry<EdgeSession, ConnectionInfo>> nextRoute() {
        if (routable.isEmpty()) {
            return Optional.empty();
        }
        List<Map.Entry<EdgeSession, ConnectionInfo>> entries = new ArrayList<>(routable.entrySet());
        nextRoute = Math.floorMod(nextRoute, entries.size());
        return Optional.of(Map.entry(entries.get(nextRoute).getKey(), entries.get(nextRoute++).getValue()));
    }

    synchronized List<ConnectionInfo> activeConnections() {
        return List.copyOf(routable.values());
    }

    synchronized Optional<EdgeSession> sessionOf(int connIndex) {
        return registered.entrySet().stream()
                .filter(entry -> entry.getValue().connIndex() == connIndex)
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Waits until at least {@code count} connections are routable; their registrations are recorded by then. */
    synchronized List<ConnectionInfo> awaitActive(int count, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (routable.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(count + " active connections expected within " + timeout + ", "
                        + routable.size() + " active: " + routable.values());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(routable.values());
    }

    /** Pushes a configuration to every routable connection. */
    CompletableFuture<List<ConfigPushResult>> pushConfig(int version, String json, String trigger) {
        List<Map.Entry<EdgeSession, ConnectionInfo>> targets;
        synchronized (this) {
            targets = new ArrayList<>(routable.entrySet());
        }
        List<CompletableFuture<ConfigPushResult>> pushes = new ArrayList<>();
        for (Map.Entry<EdgeSession, ConnectionInfo> target : targets) {
            pushes.add(target.getKey().pushConfig(target.getValue().connIndex(), version, json)
                    .thenApply(result -> {
                        configPushed(result, version, trigger);
                        return result;
                    }));
        }
        return CompletableFuture.allOf(pushes.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> pushes.stream().map(CompletableFuture::join).toList());
    }

    private synchronized ConnectionInfo info(EdgeSession session) {
        return registered.get(session);
    }

    // ---- records

    List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    Optional<Registration> takeRegistration(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(untakenRegistrations.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    List<EdgeEvent> events() {
        return List.copyOf(events);
    }

    Optional<EdgeEvent> takeEvent(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(untakenEvents.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    List<ConnectionInfo> unregistrations() {
        return List.copyOf(unregistrations);
    }

    List<LocalConfiguration> localConfigurations() {
        return List.copyOf(localConfigurations);
    }

    void emit(ObjectNode node) {
        EdgeEvent event = EdgeEvent.of(node);
        events.add(event);
        untakenEvents.add(event);
        logger.debug("edge event {}", event);
        for (Consumer<EdgeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                logger.warn("event listener {} failed on {}", listener, event.type(), e);
            }
        }
    }
}
