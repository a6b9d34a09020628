package dev.jflared.config;

import dev.jflared.ingress.OriginRequestConfig.AccessConfig;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the structured parts of a configuration ({@code ingress}, {@code originRequest},
 * {@code warp-routing}) from a {@link ConfigNode} tree. The same reader serves config.yml and the remote
 * configuration the edge pushes as JSON; they differ only in how durations are written: Go strings such as
 * {@code 30s} in YAML, whole seconds in JSON (cloudflared {@code config.CustomDuration}).
 *
 * <p>A key the reader does not know is reported to the warning sink and otherwise ignored, as cloudflared
 * does; a value of the wrong type is a {@link ConfigException}.
 */
public final class ConfigReader {

    /** How a format writes durations. */
    public enum Durations { GO_STRING, SECONDS }

    private static final Set<String> RULE_KEYS = Set.of("hostname", "path", "service", "originRequest", "rewrite");
    private static final Set<String> WARP_KEYS = Set.of("enabled", "connectTimeout", "tcpKeepAlive");
    private static final Set<String> IP_RULE_KEYS = Set.of("prefix", "ports", "allow");
    private static final Set<String> ACCESS_KEYS = Set.of("required", "teamName", "audTag", "environment");

    private final Durations durations;
    private final Consumer<String> warnings;

    /**
     * @param warnings receives one line per unknown key: {@code source:line:column: unknown key PATH}
     */
    public ConfigReader(Durations durations, Consumer<String> warnings) {
        this.durations = durations;
        this.warnings = warnings;
    }

    /** Reads an {@code ingress:} list; a null node gives an empty list. */
    public List<UnvalidatedIngressRule> readIngress(ConfigNode node) {
        List<UnvalidatedIngressRule> rules = new ArrayList<>();
        for (ConfigNode rule : node.elements()) {
            Map<String, ConfigNode> entries = rule.entries();
            warnUnknown(entries, RULE_KEYS);
            rules.add(new UnvalidatedIngressRule(
                    text(entries.get("hostname")),
                    text(entries.get("path")),
                    text(entries.get("service")),
                    readOriginRequest(entries.get("originRequest")),
                    rule.location()));
        }
        return List.copyOf(rules);
    }

    /** Reads an {@code originRequest} block; an absent or null node sets nothing. */
    public OriginRequestOverrides readOriginRequest(ConfigNode node) {
        if (node == null || node.isNull()) {
            return OriginRequestOverrides.NONE;
        }
        Map<String, ConfigNode> e = node.entries();
        warnUnknown(e, Set.of("connectTimeout", "tlsTimeout", "tcpKeepAlive", "noHappyEyeballs",
                "keepAliveConnections", "keepAliveTimeout", "httpHostHeader", "originServerName", "matchSNItoHost",
                "caPool", "noTLSVerify", "disableChunkedEncoding", "bastionMode", "proxyAddress", "proxyPort",
                "proxyType", "ipRules", "http2Origin", "access"));
        return new OriginRequestOverrides(
                duration(e.get("connectTimeout")),
                duration(e.get("tlsTimeout")),
                duration(e.get("tcpKeepAlive")),
                bool(e.get("noHappyEyeballs")),
                integer(e.get("keepAliveConnections"), 0, Integer.MAX_VALUE),
                duration(e.get("keepAliveTimeout")),
                optionalText(e.get("httpHostHeader")),
                optionalText(e.get("originServerName")),
                bool(e.get("matchSNItoHost")),
                optionalText(e.get("caPool")),
                bool(e.get("noTLSVerify")),
                bool(e.get("disableChunkedEncoding")),
                bool(e.get("bastionMode")),
                optionalText(e.get("proxyAddress")),
                integer(e.get("proxyPort"), 0, 65535),
                optionalText(e.get("proxyType")),
                ipRules(e.get("ipRules")),
                bool(e.get("http2Origin")),
                access(e.get("access")));
    }

    /** Reads a {@code warp-routing} block over cloudflared's defaults. */
    public WarpRoutingConfig readWarpRouting(ConfigNode node) {
        if (node == null || node.isNull()) {
            return WarpRoutingConfig.DEFAULTS;
        }
        Map<String, ConfigNode> e = node.entries();
        warnUnknown(e, WARP_KEYS);
        WarpRoutingConfig d = WarpRoutingConfig.DEFAULTS;
        return new WarpRoutingConfig(
                bool(e.get("enabled")).orElse(d.enabled()),
                duration(e.get("connectTimeout")).orElse(d.connectTimeout()),
                duration(e.get("tcpKeepAlive")).orElse(d.tcpKeepAlive()));
    }

    private List<IpRule> ipRules(ConfigNode node) {
        if (node == null) {
            return List.of();
        }
        List<IpRule> rules = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            Map<String, ConfigNode> e = element.entries();
            warnUnknown(e, IP_RULE_KEYS);
            List<Integer> ports = new ArrayList<>();
            ConfigNode portsNode = e.get("ports");
            if (portsNode != null) {
                for (ConfigNode port : portsNode.elements()) {
                    ports.add(port.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
            }
            rules.add(new IpRule(text(e.get("prefix")), ports, bool(e.get("allow")).orElse(false)));
        }
        return List.copyOf(rules);
    }

    private Optional<AccessConfig> access(ConfigNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Map<String, ConfigNode> e = node.entries();
        warnUnknown(e, ACCESS_KEYS);
        ConfigNode audTag = e.get("audTag");
        List<String> tags = audTag == null || audTag.isNull() ? List.of() : audTag.asStringList();
        return Optional.of(new AccessConfig(
                bool(e.get("required")).orElse(false), text(e.get("teamName")), tags, text(e.get("environment"))));
    }

    private void warnUnknown(Map<String, ConfigNode> entries, Set<String> known) {
        entries.forEach((key, value) -> {
            if (!known.contains(key)) {
                warnings.accept(value.location() + ": unknown key " + value.path());
            }
        });
    }

    private static String text(ConfigNode node) {
        return node == null ? "" : node.asScalarText();
    }

    private static Optional<String> optionalText(ConfigNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asScalarText());
    }

    private Optional<Boolean> bool(ConfigNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(durations == Durations.GO_STRING ? node.asYamlFieldBoolean() : node.asBoolean());
    }

    private static Optional<Integer> integer(ConfigNode node, int min, int max) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asInt(min, max));
    }

    private Optional<Duration> duration(ConfigNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(durations == Durations.GO_STRING ? node.asGoDuration() : node.asSeconds());
    }
}
