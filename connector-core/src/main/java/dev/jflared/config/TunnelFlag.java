package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A setting of cloudflared's {@code tunnel} command: its flag name (which is also its key in config.yml), its
 * type, the environment variables that set it and its default. Names, environment variables and defaults
 * follow cloudflared's flag definitions ({@code cmd/cloudflared/tunnel/cmd.go}, {@code ingress/config.go}).
 *
 * @param <T> the Java type of the value: {@code String}, {@code Integer}, {@code Boolean}, {@code Duration}
 *     or {@code List<String>}
 */
public final class TunnelFlag<T> {

    /** The value types cloudflared's flags have. */
    public enum Type { STRING, INT, BOOL, DURATION, STRING_LIST }

    private static final Map<String, TunnelFlag<?>> BY_NAME = new LinkedHashMap<>();

    public static final TunnelFlag<String> CREDENTIALS_FILE = string("credentials-file", null, "TUNNEL_CRED_FILE");
    public static final TunnelFlag<String> CREDENTIALS_CONTENTS =
            string("credentials-contents", null, "TUNNEL_CRED_CONTENTS");
    public static final TunnelFlag<String> TOKEN = string("token", null, "TUNNEL_TOKEN");
    public static final TunnelFlag<String> TOKEN_FILE = string("token-file", null, "TUNNEL_TOKEN_FILE");
    public static final TunnelFlag<String> ORIGIN_CERT = string("origincert", null, "TUNNEL_ORIGIN_CERT");
    public static final TunnelFlag<String> URL = string("url", null, "TUNNEL_URL");
    public static final TunnelFlag<String> UNIX_SOCKET = string("unix-socket", null, "TUNNEL_UNIX_SOCKET");
    public static final TunnelFlag<Boolean> HELLO_WORLD = bool("hello-world", false, "TUNNEL_HELLO_WORLD");
    public static final TunnelFlag<Boolean> BASTION = bool("bastion", false, "TUNNEL_BASTION");
    public static final TunnelFlag<String> PROTOCOL = string("protocol", "auto", "TUNNEL_TRANSPORT_PROTOCOL");
    public static final TunnelFlag<String> METRICS = string("metrics", null, "TUNNEL_METRICS");
    public static final TunnelFlag<Duration> METRICS_UPDATE_FREQ =
            duration("metrics-update-freq", Duration.ofSeconds(5), "TUNNEL_METRICS_UPDATE_FREQ");
    public static final TunnelFlag<String> LOG_LEVEL = string("loglevel", "info", "TUNNEL_LOGLEVEL");
    public static final TunnelFlag<String> TRANSPORT_LOG_LEVEL =
            string("transport-loglevel", "info", "TUNNEL_PROTO_LOGLEVEL", "TUNNEL_TRANSPORT_LOGLEVEL");
    public static final TunnelFlag<String> LOG_FILE = string("logfile", null, "TUNNEL_LOGFILE");
    public static final TunnelFlag<String> LOG_DIRECTORY = string("log-directory", null, "TUNNEL_LOGDIRECTORY");
    public static final TunnelFlag<String> LOG_FORMAT_OUTPUT =
            string("log-format-output", "default", "TUNNEL_LOG_OUTPUT");
    public static final TunnelFlag<Duration> GRACE_PERIOD =
            duration("grace-period", Duration.ofSeconds(30), "TUNNEL_GRACE_PERIOD");
    public static final TunnelFlag<Integer> RETRIES = integer("retries", 5, "TUNNEL_RETRIES");
    public static final TunnelFlag<Integer> HA_CONNECTIONS = integer("ha-connections", 4);
    public static final TunnelFlag<Integer> MAX_EDGE_ADDR_RETRIES = integer("max-edge-addr-retries", 8);
    public static final TunnelFlag<String> EDGE_IP_VERSION =
            string("edge-ip-version", "4", "TUNNEL_EDGE_IP_VERSION");
    public static final TunnelFlag<String> EDGE_BIND_ADDRESS =
            string("edge-bind-address", null, "TUNNEL_EDGE_BIND_ADDRESS");
    public static final TunnelFlag<String> REGION = string("region", null, "TUNNEL_REGION");
    public static final TunnelFlag<List<String>> EDGE = stringList("edge", "TUNNEL_EDGE");
    public static final TunnelFlag<String> CA_CERT = string("cacert", null, "TUNNEL_CACERT");
    public static final TunnelFlag<Boolean> NO_AUTOUPDATE = bool("no-autoupdate", false, "NO_AUTOUPDATE");
    public static final TunnelFlag<Duration> AUTOUPDATE_FREQ = duration("autoupdate-freq", Duration.ofHours(24));
    public static final TunnelFlag<Boolean> POST_QUANTUM = bool("post-quantum", false, "TUNNEL_POST_QUANTUM");
    public static final TunnelFlag<Boolean> MANAGEMENT_DIAGNOSTICS =
            bool("management-diagnostics", true, "TUNNEL_MANAGEMENT_DIAGNOSTICS");
    public static final TunnelFlag<List<String>> TAG = stringList("tag", "TUNNEL_TAG");
    public static final TunnelFlag<List<String>> FEATURES = stringList("features", "TUNNEL_EXPERIMENTAL_FEATURES");
    public static final TunnelFlag<String> PID_FILE = string("pidfile", null, "TUNNEL_PIDFILE");
    public static final TunnelFlag<String> NAME = string("name", null, "TUNNEL_NAME");
    public static final TunnelFlag<String> LABEL = string("label", null, "TUNNEL_LABEL");
    public static final TunnelFlag<Integer> MAX_ACTIVE_FLOWS = integer("max-active-flows", 0, "TUNNEL_MAX_ACTIVE_FLOWS");
    public static final TunnelFlag<Duration> RPC_TIMEOUT = duration("rpc-timeout", Duration.ofSeconds(5));
    public static final TunnelFlag<Duration> WRITE_STREAM_TIMEOUT =
            duration("write-stream-timeout", Duration.ZERO, "TUNNEL_STREAM_WRITE_TIMEOUT");
    public static final TunnelFlag<Boolean> QUIC_DISABLE_PMTU_DISCOVERY =
            bool("quic-disable-pmtu-discovery", false, "TUNNEL_DISABLE_QUIC_PMTU");
    public static final TunnelFlag<String> ICMPV4_SRC = string("icmpv4-src", null, "TUNNEL_ICMPV4_SRC");
    public static final TunnelFlag<String> ICMPV6_SRC = string("icmpv6-src", null, "TUNNEL_ICMPV6_SRC");
    public static final TunnelFlag<String> SERVICE_OP_IP =
            string("service-op-ip", "198.41.200.113:80", "TUNNEL_SERVICE_OP_IP");
    public static final TunnelFlag<Duration> HEARTBEAT_INTERVAL =
            duration("heartbeat-interval", Duration.ofSeconds(5));
    public static final TunnelFlag<Integer> HEARTBEAT_COUNT = integer("heartbeat-count", 5);
    // Single-origin (--url) origin settings; the ingress equivalents live under originRequest.
    public static final TunnelFlag<Duration> PROXY_CONNECT_TIMEOUT =
            duration("proxy-connect-timeout", Duration.ofSeconds(30));
    public static final TunnelFlag<Duration> PROXY_TLS_TIMEOUT = duration("proxy-tls-timeout", Duration.ofSeconds(10));
    public static final TunnelFlag<Duration> PROXY_TCP_KEEPALIVE =
            duration("proxy-tcp-keepalive", Duration.ofSeconds(30));
    public static final TunnelFlag<Boolean> PROXY_NO_HAPPY_EYEBALLS = bool("proxy-no-happy-eyeballs", false);
    public static final TunnelFlag<Integer> PROXY_KEEPALIVE_CONNECTIONS = integer("proxy-keepalive-connections", 100);
    public static final TunnelFlag<Duration> PROXY_KEEPALIVE_TIMEOUT =
            duration("proxy-keepalive-timeout", Duration.ofSeconds(90));
    public static final TunnelFlag<String> HTTP_HOST_HEADER =
            string("http-host-header", null, "TUNNEL_HTTP_HOST_HEADER");
    public static final TunnelFlag<String> ORIGIN_SERVER_NAME =
            string("origin-server-name", null, "TUNNEL_ORIGIN_SERVER_NAME");
    public static final TunnelFlag<String> ORIGIN_CA_POOL = string("origin-ca-pool", null, "TUNNEL_ORIGIN_CA_POOL");
    public static final TunnelFlag<Boolean> NO_TLS_VERIFY = bool("no-tls-verify", false, "NO_TLS_VERIFY");
    public static final TunnelFlag<Boolean> NO_CHUNKED_ENCODING =
            bool("no-chunked-encoding", false, "TUNNEL_NO_CHUNKED_ENCODING");
    public static final TunnelFlag<Boolean> HTTP2_ORIGIN = bool("http2-origin", false, "TUNNEL_ORIGIN_ENABLE_HTTP2");
    public static final TunnelFlag<String> PROXY_ADDRESS = string("proxy-address", "127.0.0.1");
    public static final TunnelFlag<Integer> PROXY_PORT = integer("proxy-port", 0);
    public static final TunnelFlag<Boolean> SOCKS5 = bool("socks5", false);

    private final String name;
    private final Type type;
    private final List<String> envVars;
    private final T defaultValue;

    private TunnelFlag(String name, Type type, T defaultValue, String... envVars) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.envVars = List.of(envVars);
    }

    private static <T> TunnelFlag<T> register(TunnelFlag<T> flag) {
        BY_NAME.put(flag.name, flag);
        return flag;
    }

    private static TunnelFlag<String> string(String name, String defaultValue, String... env) {
        return register(new TunnelFlag<>(name, Type.STRING, defaultValue, env));
    }

    private static TunnelFlag<Integer> integer(String name, Integer defaultValue, String... env) {
        return register(new TunnelFlag<>(name, Type.INT, defaultValue, env));
    }

    private static TunnelFlag<Boolean> bool(String name, Boolean defaultValue, String... env) {
        return register(new TunnelFlag<>(name, Type.BOOL, defaultValue, env));
    }

    private static TunnelFlag<Duration> duration(String name, Duration defaultValue, String... env) {
        return register(new TunnelFlag<>(name, Type.DURATION, defaultValue, env));
    }

    private static TunnelFlag<List<String>> stringList(String name, String... env) {
        return register(new TunnelFlag<>(name, Type.STRING_LIST, List.of(), env));
    }

    /** The flag named {@code name} (without dashes), if cloudflared's tunnel command has it. */
    public static Optional<TunnelFlag<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(requireNonNull(name, "name")));
    }

    /** Every known flag, in declaration order. */
    public static List<TunnelFlag<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    public String name() {
        return name;
    }

    /** Whether the value is a secret that must never be shown ({@code token}, {@code credentials-contents}). */
    public boolean isSecret() {
        return name.equals("token") || name.equals("credentials-contents");
    }

    public Type type() {
        return type;
    }

    /** The environment variables that set this flag, in cloudflared's order of precedence. */
    public List<String> envVars() {
        return envVars;
    }

    /** cloudflared's default, if the flag has one. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Converts a config file value; a wrong type is a {@link ConfigException} naming file, line and key. */
    @SuppressWarnings("unchecked")
    T fromNode(ConfigNode node) {
        if (isSecret() && node.kind() != ConfigNode.Kind.STRING) {
            throw node.error("expected a string, got <redacted>");
        }
        switch (type) {
            case STRING:
                return (T) node.asString();
            case INT:
                return (T) Integer.valueOf(node.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE));
            case BOOL:
                return (T) Boolean.valueOf(node.asBoolean());
            case DURATION:
                return (T) node.asGoDuration();
            default:
                return (T) node.asStringList();
        }
    }

    /**
     * Converts a value given as text (a command-line flag or an environment variable), with Go's rules for
     * numbers, booleans ({@code strconv.ParseBool}) and durations.
     *
     * @param where names the origin of the text in an error, e.g. {@code --retries} or {@code $TUNNEL_RETRIES}
     */
    @SuppressWarnings("unchecked")
    T fromText(String text, String where) {
        try {
            switch (type) {
                case STRING:
                    return (T) text;
                case INT:
                    return (T) Integer.valueOf(Integer.parseInt(text.trim()));
                case BOOL:
                    return (T) parseGoBool(text.trim());
                case DURATION:
                    return (T) GoDuration.parseNonNegative(text.trim());
                default:
                    List<String> parts = new ArrayList<>();
                    for (String part : text.split(",")) {
                        if (!part.isBlank()) {
                            parts.add(part.trim());
                        }
                    }
                    return (T) List.copyOf(parts);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": invalid value \"" + text + "\" for " + typeName() + " flag " + name
                    + (e.getMessage() == null || e instanceof NumberFormatException ? "" : ": " + e.getMessage()));
        }
    }

    private String typeName() {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static Boolean parseGoBool(String text) {
        switch (text) {
            case "1": case "t": case "T": case "true": case "TRUE": case "True":
                return Boolean.TRUE;
            case "0": case "f": case "F": case "false": case "FALSE": case "False":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException("not a boolean");
        }
    }

    @Override
    public String toString() {
        return "--" + name;
    }
}
