package dev.jflared.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HostAndPortTest {

    @Test
    void parsesNamesIpv4AndBracketedIpv6() {
        assertThat(HostAndPort.parse("region1.v2.argotunnel.com:7844"))
                .isEqualTo(new HostAndPort("region1.v2.argotunnel.com", 7844));
        assertThat(HostAndPort.parse("198.41.192.7:7844")).isEqualTo(new HostAndPort("198.41.192.7", 7844));
        assertThat(HostAndPort.parse("[2606:4700:a0::1]:7844")).isEqualTo(new HostAndPort("2606:4700:a0::1", 7844));
        assertThat(HostAndPort.parse("[2606:4700:a0::1]:7844")).hasToString("[2606:4700:a0::1]:7844");
    }

    @Test
    void rejectsValuesWithoutAUsablePortAndQuotesThem() {
        assertThatThrownBy(() -> HostAndPort.parse("region1.v2.argotunnel.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--edge 'region1.v2.argotunnel.com': missing port; expected HOST:PORT");
        assertThatThrownBy(() -> HostAndPort.parse("host:http"))
                .hasMessageStartingWith("--edge 'host:http': port is not a number");
        assertThatThrownBy(() -> HostAndPort.parse("host:70000"))
                .hasMessageStartingWith("--edge 'host:70000': port out of range 1..65535");
        assertThatThrownBy(() -> HostAndPort.parse("2606:4700::1:7844"))
                .hasMessageStartingWith("--edge '2606:4700::1:7844': an IPv6 address must be in brackets");
    }

    @Test
    void edgeIpVersionParsesTheFlagValues() {
        assertThat(EdgeIpVersion.fromFlag("auto")).isEqualTo(EdgeIpVersion.AUTO);
        assertThat(EdgeIpVersion.fromFlag("4")).isEqualTo(EdgeIpVersion.IPV4);
        assertThat(EdgeIpVersion.fromFlag("6")).isEqualTo(EdgeIpVersion.IPV6);
        assertThatThrownBy(() -> EdgeIpVersion.fromFlag("v4"))
                .hasMessage("--edge-ip-version: 'v4' is not one of auto, 4, 6");
    }
}
