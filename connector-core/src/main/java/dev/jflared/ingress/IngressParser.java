package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.ConfigException;
import dev.jflared.config.ConfigNode;
import dev.jflared.config.ConfigReader;
import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.TunnelFlag;
import dev.jflared.config.UnvalidatedIngressRule;
import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code ingress:} lists into a validated {@link Ingress}, with cloudflared's rules and messages
 * ({@code ingress/ingress.go} {@code validateIngress}, {@code validateHostname}; messages are what
 * {@code cloudflared tunnel ingress validate} prints after {@code Validation failed: }).
 *
 * <pre>{@code
 * Ingress fromFile = IngressParser.parse(config);                  // config.yml's rules
 * Ingress running = IngressParser.fromConfigAndFlags(config, settings); // what `tunnel run` serves
 * RemoteConfig pushed = IngressParser.parseRemoteConfig(json);     // {"ingress": [...], ...} from the edge
 * }</pre>
 *
 * <p>Each rule is checked in cloudflared's order: its service, its {@code access} block, its hostname
 * (no port, a wildcard only as the first character, the last rule and only the last rule a catch-all), then
 * its path expression (RE2 syntax). The first problem found is a {@link ConfigException}.
 */
public final class IngressParser {

    /** cloudflared's {@code ErrNoIngressRules}. */
    public static final String NO_INGRESS_RULES = "The config file doesn't contain any ingress rules";
    /** cloudflared's {@code ErrURLIncompatibleWithIngress}. */
    public static final String URL_INCOMPATIBLE_WITH_INGRESS =
            "You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin ingress rules";
    static final String LAST_RULE_NOT_CATCH_ALL =
            "The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)";
    static final String BAD_WILDCARD = "Hostname patterns can have at most one wildcard character (\"*\") and it "
            + "can only be used for subdomains, e.g. \"*.example.com\"";
    static final String HOSTNAME_CONTAINS_PORT = "Hostname cannot contain a port";
    static final String NO_INGRESS_RULES_CLI = "No ingress rules were defined in provided config (if any) nor from "
            + "the cli, cloudflared will return 503 for all incoming HTTP requests";

    private static final Logger logger = LoggerFactory.getLogger(IngressParser.class);
    private static final Set<String> REMOTE_KEYS = Set.of("ingress", "originRequest", "warp-routing");

    private IngressParser() {}

    /**
     * Validates the config file's {@code ingress:} rules against its top-level {@code originRequest}.
     *
     * @throws ConfigException {@value #NO_INGRESS_RULES} when there are none, or the first rule problem
     */
    public static Ingress parse(TunnelConfig config) {
        if (config.ingress().isEmpty()) {
            throw new ConfigException(NO_INGRESS_RULES);
        }
        return validate(config.ingress(), config.originRequest().applyTo(OriginRequestConfig.DEFAULTS));
    }

    /**
     * Validates {@code rules} with {@code defaults} as the top-level origin settings. An empty list is an
     * error ({@value #NO_INGRESS_RULES}).
     */
    public static Ingress validate(List<UnvalidatedIngressRule> rules, OriginRequestConfig defaults) {
        requireNonNull(defaults, "defaults");
        if (rules.isEmpty()) {
            throw new ConfigException(NO_INGRESS_RULES);
        }
        List<IngressRule> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            out.add(validateRule(rules.get(i), i, rules.size(), defaults));
        }
        return new Ingress(out);
    }

    /**
     * The ingress {@code tunnel run} serves (cloudflared {@code ParseIngressFromConfigAndCLI}): the config
     * file's rules when it has any (and then {@code --url} and {@code --hello-world} are refused); otherwise
     * one catch-all rule from {@code --hello-world}, {@code --bastion}, {@code --url} or
     * {@code --unix-socket}; otherwise a catch-all answering 503, with cloudflared's warning unless a token
     * is set (a remotely managed tunnel gets its rules from the edge).
     */
    public static Ingress fromConfigAndFlags(TunnelConfig config, Settings settings) {
        if (!config.ingress().isEmpty()) {
            Ingress ingress = parse(config);
            if (settings.isSet(TunnelFlag.URL)) {
                throw new ConfigException(URL_INCOMPATIBLE_WITH_INGRESS);
            }
            if (settings.get(TunnelFlag.HELLO_WORLD).orElse(false)) {
                throw new ConfigException("You can't set the --hello-world flag (or $TUNNEL_HELLO_WORLD) when "
                        + "using multiple-origin ingress rules");
            }
            return ingress;
        }
        Optional<OriginService> single = singleOriginService(settings);
        if (single.isEmpty()) {
            if (!settings.isSet(TunnelFlag.TOKEN)) {
                logger.warn(NO_INGRESS_RULES_CLI);
            }
            return defaultIngress(singleOriginConfig(settings));
        }
        OriginRequestConfig cfg = singleOriginConfig(settings);
        return new Ingress(List.of(new IngressRule(0, "", Optional.empty(), single.get(), cfg)));
    }

    /** One catch-all rule answering 503: what cloudflared serves when no rules are configured. */
    public static Ingress defaultIngress(OriginRequestConfig config) {
        return new Ingress(List.of(new IngressRule(0, "", Optional.empty(),
                new OriginService.HttpStatus("http_status:503", 503), config)));
    }

    /**
     * Validates the rules of a configuration given as JSON ({@code ingress validate --json}): like
     * {@link #parseRemoteConfig(String)}, but no rules is the error {@value #NO_INGRESS_RULES}.
     */
    public static Ingress parseJsonRules(String json) {
        ParsedJson parsed = readJson(json);
        if (parsed.rules.isEmpty()) {
            throw new ConfigException(NO_INGRESS_RULES);
        }
        return validate(parsed.rules, parsed.defaults);
    }

    /** The ingress of a remote configuration; see {@link #parseRemoteConfig(String)}. */
    public static Ingress fromJson(String json) {
        return parseRemoteConfig(json).ingress();
    }

    /**
     * Parses and validates a remote configuration: {@code {"ingress": [...], "originRequest": {...},
     * "warp-routing": {...}}}, durations in whole seconds (cloudflared {@code RemoteConfig.UnmarshalJSON}).
     * An empty or missing {@code ingress} list gives the 503 catch-all.
     *
     * @throws ConfigException for malformed JSON, a wrong type or a rule cloudflared would refuse
     */
    public static RemoteConfig parseRemoteConfig(String json) {
        ParsedJson parsed = readJson(json);
        Ingress ingress = parsed.rules.isEmpty() ? defaultIngress(parsed.defaults)
                : validate(parsed.rules, parsed.defaults);
        return new RemoteConfig(ingress, parsed.warpRouting);
    }

    private static final class ParsedJson {
        final List<UnvalidatedIngressRule> rules;
        final OriginRequestConfig defaults;
        final WarpRoutingConfig warpRouting;

        ParsedJson(List<UnvalidatedIngressRule> rules, OriginRequestConfig defaults, WarpRoutingConfig warpRouting) {
            this.rules = rules;
            this.defaults = defaults;
            this.warpRouting = warpRouting;
        }
    }

    private static ParsedJson readJson(String json) {
        ConfigNode root = ConfigNode.parseJson("remote configuration", requireNonNull(json, "json"));
        if (root.kind() != ConfigNode.Kind.MAP) {
            throw root.error("expected a JSON object, got " + root.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        ConfigReader reader = new ConfigReader(ConfigReader.Durations.SECONDS,
                line -> logger.warn("Unused key in remote configuration: {}", line));
        Map<String, ConfigNode> entries = root.entries();
        entries.forEach((key, node) -> {
            if (!REMOTE_KEYS.contains(key)) {
                logger.warn("Unknown key {} in remote configuration; ignoring it", key);
            }
        });
        OriginRequestConfig defaults =
                reader.readOriginRequest(entries.get("originRequest")).applyTo(OriginRequestConfig.DEFAULTS);
        List<UnvalidatedIngressRule> rules =
                entries.containsKey("ingress") ? reader.readIngress(entries.get("ingress")) : List.of();
        return new ParsedJson(rules, defaults, reader.readWarpRouting(entries.get("warp-routing")));
    }

    private static IngressRule validateRule(
            UnvalidatedIngressRule rule, int index, int total, OriginRequestConfig defaults) {
        OriginRequestConfig cfg = rule.originRequest().applyTo(defaults);
        OriginService service = OriginServiceParser.parseRuleService(rule, cfg);
        if (service instanceof OriginService.Bastion && !cfg.bastionMode()) {
            cfg = withBastionMode(cfg);
        }
        rule.originRequest().access().ifPresent(access -> {
            if (access.required() && access.teamName().isEmpty() && !access.audTag().isEmpty()) {
                throw new ConfigException("access.TeamName cannot be blank when access.audTags are present");
            }
        });
        validateHostname(rule, index, total);
        Optional<Pattern> path = Optional.empty();
        if (!rule.path().isEmpty()) {
            try {
                path = Optional.of(Re2Syntax.compile(rule.path()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Rule #" + (index + 1) + " has an invalid regex: " + e.getMessage(), e);
            }
        }
        return new IngressRule(index, rule.hostname(), path, service, cfg, IngressRule.punycodeOf(rule.hostname()),
                rule.path());
    }

    private static void validateHostname(UnvalidatedIngressRule rule, int index, int total) {
        String hostname = rule.hostname();
        if (hasPort(hostname)) {
            throw new ConfigException(HOSTNAME_CONTAINS_PORT);
        }
        if (hostname.lastIndexOf('*') > 0) {
            throw new ConfigException(BAD_WILDCARD);
        }
        boolean catchAll = (hostname.isEmpty() || hostname.equals("*")) && rule.path().isEmpty();
        boolean last = index == total - 1;
        if (last && !catchAll) {
            throw new ConfigException(LAST_RULE_NOT_CATCH_ALL);
        }
        if (!last && catchAll) {
            throw new ConfigException("Rule #" + (index + 1) + " is matching the hostname '" + hostname + "', but "
                    + "this will match every hostname, meaning the rules which follow it will never be triggered.");
        }
    }

    // cloudflared refuses a hostname that Go's net.SplitHostPort can split.
    private static boolean hasPort(String hostname) {
        return !IngressMatcher.stripPort(hostname).equals(hostname);
    }

    private static OriginRequestConfig withBastionMode(OriginRequestConfig c) {
        return new OriginRequestConfig(c.connectTimeout(), c.tlsTimeout(), c.tcpKeepAlive(), c.noHappyEyeballs(),
                c.keepAliveConnections(), c.keepAliveTimeout(), c.httpHostHeader(), c.originServerName(),
                c.matchSniToHost(), c.caPool(), c.noTlsVerify(), c.disableChunkedEncoding(), true,
                c.proxyAddress(), c.proxyPort(), c.proxyType(), c.ipRules(), c.http2Origin(), c.access());
    }

    private static Optional<OriginService> singleOriginService(Settings settings) {
        if (settings.get(TunnelFlag.HELLO_WORLD).orElse(false)) {
            return Optional.of(new OriginService.HelloWorld("hello_world"));
        }
        if (settings.get(TunnelFlag.BASTION).orElse(false)) {
            return Optional.of(new OriginService.Bastion("bastion"));
        }
        Optional<String> url = settings.get(TunnelFlag.URL);
        if (url.isPresent()) {
            if (settings.isSet(TunnelFlag.UNIX_SOCKET)) {
                throw new ConfigException("--unix-socket must be used exclusivly.");
            }
            return Optional.of(OriginServiceParser.parseSingleOriginUrl(url.get()));
        }
        return settings.get(TunnelFlag.UNIX_SOCKET)
                .map(path -> new OriginService.Unix("unix:" + path, path, false));
    }

    /** The origin settings of a single-origin tunnel, from the {@code proxy-*} and related flags. */
    static OriginRequestConfig singleOriginConfig(Settings s) {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        return new OriginRequestConfig(
                s.get(TunnelFlag.PROXY_CONNECT_TIMEOUT).orElse(d.connectTimeout()),
                s.get(TunnelFlag.PROXY_TLS_TIMEOUT).orElse(d.tlsTimeout()),
                s.get(TunnelFlag.PROXY_TCP_KEEPALIVE).orElse(d.tcpKeepAlive()),
                s.get(TunnelFlag.PROXY_NO_HAPPY_EYEBALLS).orElse(false),
                s.get(TunnelFlag.PROXY_KEEPALIVE_CONNECTIONS).orElse(d.keepAliveConnections()),
                s.get(TunnelFlag.PROXY_KEEPALIVE_TIMEOUT).orElse(d.keepAliveTimeout()),
                s.get(TunnelFlag.HTTP_HOST_HEADER).filter(v -> !v.isEmpty()),
                s.get(TunnelFlag.ORIGIN_SERVER_NAME).filter(v -> !v.isEmpty()),
                false,
                s.get(TunnelFlag.ORIGIN_CA_POOL).filter(v -> !v.isEmpty()),
                s.get(TunnelFlag.NO_TLS_VERIFY).orElse(false),
                s.get(TunnelFlag.NO_CHUNKED_ENCODING).orElse(false),
                s.get(TunnelFlag.BASTION).orElse(false),
                s.get(TunnelFlag.PROXY_ADDRESS).orElse(d.proxyAddress()),
                s.get(TunnelFlag.PROXY_PORT).orElse(0),
                s.get(TunnelFlag.SOCKS5).orElse(false) ? "socks" : "",
                List.<IpRule>of(),
                s.get(TunnelFlag.HTTP2_ORIGIN).orElse(false),
                Optional.empty());
    }
}
