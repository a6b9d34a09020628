package dev.jflared.orchestration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginRequestConfig.AccessConfig;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Renders a {@link ConfigSnapshot} as the JSON cloudflared produces for it. Field names are those of
 * {@code originRequest} in config.yml; durations are seconds, as cloudflared's {@code CustomDuration} marshals them.
 */
final class ConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigJson() {}

    /**
     * What connection 0 sends with {@code updateLocalConfiguration} (cloudflared {@code orchestration/config.go},
     * {@code newLocalConfig}): the configuration flags, each rule with only the origin settings that differ from
     * the defaults, and the raw {@code warp-routing} block, e.g.
     * {@code {"__configuration_flags":{"protocol":"quic"},"ingress":[{"service":"http://127.0.0.1:8091",
     * "originRequest":{}}],"warp-routing":{}}}.
     */
    static String localConfig(ConfigSnapshot snapshot, Map<String, String> configurationFlags) {
        ObjectNode root = JSON.createObjectNode();
        if (!configurationFlags.isEmpty()) {
            ObjectNode flags = root.putObject("__configuration_flags");
            configurationFlags.forEach(flags::put);
        }
        ArrayNode ingress = root.putArray("ingress");
        for (IngressRule rule : snapshot.ingress().rules()) {
            ObjectNode out = ingress.addObject();
            if (!rule.hostname().isEmpty()) {
                out.put("hostname", rule.hostname());
            }
            if (!rule.pathExpression().isEmpty()) {
                out.put("path", rule.pathExpression());
            }
            out.put("service", rule.service().describe());
            rawOriginRequest(out.putObject("originRequest"), rule.originRequest());
        }
        rawWarpRouting(root.putObject("warp-routing"), snapshot.warpRouting());
        return write(root);
    }

    /**
     * What {@code /config} serves (cloudflared {@code GetVersionedConfigJSON}):
     * {@code {"version":N,"config":{"ingress":[...],"warp-routing":{...},"originRequest":{...}}}}, every rule with
     * its resolved origin settings.
     */
    static String versioned(ConfigSnapshot snapshot) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", snapshot.version());
        ObjectNode config = root.putObject("config");
        ArrayNode ingress = config.putArray("ingress");
        for (IngressRule rule : snapshot.ingress().rules()) {
            ObjectNode out = ingress.addObject();
            out.put("hostname", rule.hostname());
            if (rule.pathExpression().isEmpty()) {
                out.putNull("path");
            } else {
                out.put("path", rule.pathExpression());
            }
            out.put("service", rule.service().describe());
            fullOriginRequest(out.putObject("originRequest"), rule.originRequest());
        }
        rawWarpRouting(config.putObject("warp-routing"), snapshot.warpRouting());
        fullOriginRequest(config.putObject("originRequest"), snapshot.originRequestDefaults());
        return write(root);
    }

    private static void fullOriginRequest(ObjectNode out, OriginRequestConfig c) {
        seconds(out, "connectTimeout", c.connectTimeout());
        seconds(out, "tlsTimeout", c.tlsTimeout());
        seconds(out, "tcpKeepAlive", c.tcpKeepAlive());
        out.put("noHappyEyeballs", c.noHappyEyeballs());
        seconds(out, "keepAliveTimeout", c.keepAliveTimeout());
        out.put("keepAliveConnections", c.keepAliveConnections());
        out.put("httpHostHeader", c.httpHostHeader().orElse(""));
        out.put("originServerName", c.originServerName().orElse(""));
        out.put("matchSNItoHost", c.matchSniToHost());
        out.put("caPool", c.caPool().orElse(""));
        out.put("noTLSVerify", c.noTlsVerify());
        out.put("disableChunkedEncoding", c.disableChunkedEncoding());
        out.put("bastionMode", c.bastionMode());
        out.put("proxyAddress", c.proxyAddress());
        out.put("proxyPort", c.proxyPort());
        out.put("proxyType", c.proxyType());
        ipRules(out, c);
        out.put("http2Origin", c.http2Origin());
        c.access().ifPresent(access -> access(out, access));
    }

    /** Only the settings that differ from cloudflared's defaults, as {@code ConvertToRawOriginConfig} does. */
    private static void rawOriginRequest(ObjectNode out, OriginRequestConfig c) {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        ifChanged(c.connectTimeout(), d.connectTimeout(), v -> seconds(out, "connectTimeout", v));
        ifChanged(c.tlsTimeout(), d.tlsTimeout(), v -> seconds(out, "tlsTimeout", v));
        ifChanged(c.tcpKeepAlive(), d.tcpKeepAlive(), v -> seconds(out, "tcpKeepAlive", v));
        ifChanged(c.noHappyEyeballs(), d.noHappyEyeballs(), v -> out.put("noHappyEyeballs", v));
        ifChanged(c.keepAliveTimeout(), d.keepAliveTimeout(), v -> seconds(out, "keepAliveTimeout", v));
        ifChanged(c.keepAliveConnections(), d.keepAliveConnections(), v -> out.put("keepAliveConnections", v));
        c.httpHostHeader().ifPresent(v -> out.put("httpHostHeader", v));
        c.originServerName().ifPresent(v -> out.put("originServerName", v));
        ifChanged(c.matchSniToHost(), d.matchSniToHost(), v -> out.put("matchSNItoHost", v));
        c.caPool().ifPresent(v -> out.put("caPool", v));
        ifChanged(c.noTlsVerify(), d.noTlsVerify(), v -> out.put("noTLSVerify", v));
        ifChanged(c.disableChunkedEncoding(), d.disableChunkedEncoding(), v -> out.put("disableChunkedEncoding", v));
        ifChanged(c.bastionMode(), d.bastionMode(), v -> out.put("bastionMode", v));
        ifChanged(c.proxyAddress(), d.proxyAddress(), v -> out.put("proxyAddress", v));
        ifChanged(c.proxyPort(), d.proxyPort(), v -> out.put("proxyPort", v));
        ifChanged(c.proxyType(), d.proxyType(), v -> out.put("proxyType", v));
        if (!c.ipRules().isEmpty()) {
            ipRules(out, c);
        }
        ifChanged(c.http2Origin(), d.http2Origin(), v -> out.put("http2Origin", v));
        c.access().ifPresent(access -> access(out, access));
    }

    /** cloudflared 2025's raw {@code warp-routing}: only the timeouts, and only when they are not the defaults. */
    private static void rawWarpRouting(ObjectNode out, WarpRoutingConfig w) {
        WarpRoutingConfig d = WarpRoutingConfig.DEFAULTS;
        ifChanged(w.connectTimeout(), d.connectTimeout(), v -> seconds(out, "connectTimeout", v));
        ifChanged(w.tcpKeepAlive(), d.tcpKeepAlive(), v -> seconds(out, "tcpKeepAlive", v));
    }

    private static void ipRules(ObjectNode out, OriginRequestConfig c) {
        ArrayNode rules = out.putArray("ipRules");
        for (IpRule rule : c.ipRules()) {
            ObjectNode r = rules.addObject();
            r.put("prefix", rule.prefix());
            ArrayNode ports = r.putArray("ports");
            rule.ports().forEach(ports::add);
            r.put("allow", rule.allow());
        }
    }

    private static void access(ObjectNode out, AccessConfig access) {
        ObjectNode a = out.putObject("access");
        a.put("required", access.required());
        a.put("teamName", access.teamName());
        ArrayNode tags = a.putArray("audTag");
        access.audTag().forEach(tags::add);
        a.put("environment", access.environment());
    }

    private static <T> void ifChanged(T value, T defaultValue, Consumer<T> write) {
        if (!Objects.equals(value, defaultValue)) {
            write.accept(value);
        }
    }

    /** Go's {@code Duration.Seconds()} marshalled: a whole number when it is one, else a fraction. */
    private static void seconds(ObjectNode out, String name, Duration value) {
        if (value.getNano() == 0) {
            out.put(name, value.getSeconds());
        } else {
            out.put(name, value.toNanos() / 1e9);
        }
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes; this would be a Jackson bug.
            throw new UncheckedIOException(e);
        }
    }

    /** The value of {@code key} in a JSON object text, as JSON text, if the text parses and has it. */
    static Optional<String> member(String json, String key) {
        try {
            var node = JSON.readTree(json);
            return node != null && node.has(key) ? Optional.of(JSON.writeValueAsString(node.get(key)))
                    : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code json} is well-formed JSON; the message of the parse error otherwise. */
    static Optional<String> syntaxError(String json) {
        try {
            JSON.readTree(json);
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(e.getOriginalMessage());
        }
    }
}
