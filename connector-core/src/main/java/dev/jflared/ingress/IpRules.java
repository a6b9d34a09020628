package dev.jflared.ingress;

import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks of {@code ipRules} entries, with cloudflared's {@code ipaccess} messages. */
final class IpRules {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})(\\.\\d{1,3}){3}");

    private IpRules() {}

    /** What is wrong with {@code rule}, or {@code null} when it is valid. */
    static String problem(IpRule rule) {
        String prefix = rule.prefix();
        if (prefix.isEmpty()) {
            return "no prefix provided";
        }
        if (!isCidr(prefix)) {
            return "unable to parse cidr: " + prefix;
        }
        for (int port : rule.ports()) {
            if (port < 1 || port > 65535) {
                return "invalid port " + port + ", needs to be between 1 and 65535";
            }
        }
        return null;
    }

    private static boolean isCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !text.substring(slash + 1).matches("[0-9]{1,3}")) {
            return false;
        }
        String address = text.substring(0, slash);
        int bits = Integer.parseInt(text.substring(slash + 1));
        if (IPV4.matcher(address).matches()) {
            for (String octet : address.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return bits <= 32;
        }
        if (address.indexOf(':') < 0 || !address.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return false;
        }
        return bits <= 128;
    }
}
