package dev.jflared.ingress;

import dev.jflared.config.ConfigException;
import dev.jflared.config.UnvalidatedIngressRule;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Parses a rule's {@code service} the way cloudflared's {@code validateIngress} does, trying in order:
 * {@code unix:PATH}, {@code unix+tls:PATH}, {@code http_status:NNN} (100..999), {@code hello_world} or
 * {@code hello-world}, {@code socks-proxy} (whose {@code ipRules} must be valid), {@code bastion} or a rule
 * whose resolved {@code bastionMode} is on (then no service is needed), and finally a URL with a scheme and
 * a host and no path: {@code http}, {@code https}, {@code ws}, {@code wss} are HTTP origins, any other scheme
 * a byte stream, with default ports for ssh, rdp, smb and tcp.
 */
final class OriginServiceParser {

    /** cloudflared {@code newTCPOverWSService}: ports filled in when a stream URL has none. */
    private static final Map<String, Integer> DEFAULT_STREAM_PORTS =
            Map.of("ssh", 22, "rdp", 3389, "smb", 445, "tcp", 7864);

    private OriginServiceParser() {}

    static OriginService parseRuleService(UnvalidatedIngressRule rule, OriginRequestConfig resolved) {
        String raw = rule.service();
        if (raw.startsWith("unix:")) {
            return new OriginService.Unix(raw, raw.substring("unix:".length()), false);
        }
        if (raw.startsWith("unix+tls:")) {
            return new OriginService.Unix(raw, raw.substring("unix+tls:".length()), true);
        }
        if (raw.startsWith("http_status:")) {
            return new OriginService.HttpStatus(raw, statusCode(raw.substring("http_status:".length())));
        }
        if (raw.equals("hello_world") || raw.equals("hello-world")) {
            return new OriginService.HelloWorld(raw);
        }
        if (raw.equals("socks-proxy")) {
            for (IpRule ipRule : rule.originRequest().ipRules()) {
                String problem = IpRules.problem(ipRule);
                if (problem != null) {
                    throw new ConfigException("unable to create ip rule for socks-proxy: " + problem);
                }
            }
            return new OriginService.SocksProxy(raw);
        }
        if (raw.equals("bastion") || resolved.bastionMode()) {
            return new OriginService.Bastion(raw.isEmpty() ? "bastion" : raw);
        }
        return parseUrlService(raw);
    }

    /** A {@code --url} value: {@code http://} is assumed when it has no scheme; a path is allowed. */
    static OriginService parseSingleOriginUrl(String url) {
        String raw = url.trim();
        if (raw.isEmpty()) {
            throw new ConfigException("Error validating origin URL: URL should not be empty");
        }
        if (!raw.contains("://")) {
            raw = "http://" + raw;
        }
        ServiceUrl parsed;
        try {
            parsed = ServiceUrl.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Error validating origin URL: " + e.getMessage(), e);
        }
        if (parsed.host().isEmpty()) {
            throw new ConfigException("Error validating origin URL: " + url + " doesn't have a hostname");
        }
        return toService(raw, parsed);
    }

    private static OriginService parseUrlService(String raw) {
        ServiceUrl url;
        try {
            url = ServiceUrl.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        if (url.scheme().isEmpty() || url.host().isEmpty()) {
            throw new ConfigException(raw + " is an invalid address, please make sure it has a scheme and a hostname");
        }
        if (!url.path().isEmpty()) {
            throw new ConfigException(raw + " is an invalid address, ingress rules don't support proxying to a "
                    + "different path on the origin service. The path will be the same as the eyeball request's path");
        }
        return toService(raw, url);
    }

    private static OriginService toService(String raw, ServiceUrl url) {
        switch (url.scheme()) {
            case "http":
            case "https":
            case "ws":
            case "wss":
                try {
                    return new OriginService.Http(raw, new URI(raw));
                } catch (URISyntaxException e) {
                    throw new ConfigException(raw + " is an invalid address: " + e.getReason(), e);
                }
            default:
                int port = url.portNumber().orElse(DEFAULT_STREAM_PORTS.getOrDefault(url.scheme(), 0));
                return new OriginService.Stream(raw, url.scheme(), url.host(), port);
        }
    }

    /** Go's {@code strconv.Atoi} then cloudflared's range check, with their messages. */
    private static int statusCode(String text) {
        if (!text.matches("[+-]?[0-9]+")) {
            throw new ConfigException("invalid HTTP status code: strconv.Atoi: parsing \"" + text
                    + "\": invalid syntax");
        }
        BigInteger value = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
        if (value.bitLength() > 63) {
            throw new ConfigException("invalid HTTP status code: strconv.Atoi: parsing \"" + text
                    + "\": value out of range");
        }
        long code = value.longValue();
        if (code < 100 || code > 999) {
            throw new ConfigException("invalid HTTP status code: " + code);
        }
        return (int) code;
    }
}
