package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig.IpRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;

/**
 * The socks proxy's {@code ipRules} (cloudflared {@code ipaccess.Policy.Allowed}): the first rule whose prefix holds
 * the address and whose ports (empty: all) hold the port decides; when none does, or there are no rules at all, the
 * connection is denied (cloudflared builds the policy with {@code defaultAllow=false}).
 */
final class IpRules {

    private IpRules() {}

    static boolean allows(List<IpRule> rules, InetAddress address, int port) {
        for (IpRule rule : rules) {
            if ((rule.ports().isEmpty() || rule.ports().contains(port)) && contains(rule.prefix(), address)) {
                return rule.allow();
            }
        }
        return false;
    }

    static boolean contains(String cidr, InetAddress address) {
        int slash = cidr.indexOf('/');
        byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? cidr : cidr.substring(0, slash));
        byte[] candidate = address.getAddress();
        if (network == null) {
            throw new IllegalArgumentException("ipRules prefix is not an IP prefix: " + cidr);
        }
        if (network.length != candidate.length) {
            return false;
        }
        int bits = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        for (int i = 0; i < network.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((network[i] & mask) != (candidate[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
