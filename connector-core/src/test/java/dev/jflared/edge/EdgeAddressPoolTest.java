package dev.jflared.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeAddressPoolTest {

    private static final Clock CLOCK = Clock.systemUTC();

    private static final EdgeAddress A1 = address("198.41.192.1");
    private static final EdgeAddress A2 = address("198.41.192.2");
    private static final EdgeAddress B1 = address("198.41.200.1");
    private static final EdgeAddress B2 = address("198.41.200.2");
    private static final EdgeAddress A6 = address("2606:4700:a0::1");
    private static final EdgeAddress B6 = address("2606:4700:a8::1");

    @Test
    void connectionsAlternateBetweenRegionsStartingWithRegionTwoOnATie() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofRegions(List.of(A1, A2), List.of(B1, B2), EdgeIpVersion.AUTO, CLOCK);

        assertThat(List.of(pool.addressFor(0), pool.addressFor(1), pool.addressFor(2), pool.addressFor(3)))
                .containsExactly(B1, A1, B2, A2);
        assertThat(pool.availableAddresses()).isZero();
    }

    @Test
    void connectionKeepsItsAddress() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofRegions(List.of(A1, A2), List.of(B1, B2), EdgeIpVersion.AUTO, CLOCK);
        EdgeAddress first = pool.addressFor(0);

        assertThat(pool.addressFor(0)).isEqualTo(first);
        assertThat(pool.availableAddresses()).isEqualTo(3);
    }

    @Test
    void differentAddressRotatesTheFailingOneOut() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofRegions(List.of(A1, A2), List.of(B1, B2), EdgeIpVersion.AUTO, CLOCK);
        EdgeAddress failing = pool.addressFor(0);

        EdgeAddress next = pool.differentAddressFor(0, false);

        assertThat(next).isNotEqualTo(failing);
        assertThat(pool.addressFor(0)).isEqualTo(next);
        assertThat(pool.availableAddresses()).isEqualTo(3);
    }

    @Test
    void exhaustedPoolGivesUpAndAGivenBackAddressIsFreeAgain() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofStaticAddresses(List.of(A1), CLOCK);
        assertThat(pool.addressFor(0)).isEqualTo(A1);

        assertThatThrownBy(() -> pool.addressFor(1))
                .isInstanceOf(NoEdgeAddressLeftException.class)
                .hasMessage("there are no free edge addresses left to resolve to (connIndex=1)");
        assertThatThrownBy(() -> pool.differentAddressFor(0, true))
                .isInstanceOf(NoEdgeAddressLeftException.class);
        assertThat(pool.availableAddresses()).isEqualTo(1);
        assertThat(pool.addressFor(0)).isEqualTo(A1);
    }

    @Test
    void staticAddressesAreDealtAlternatelyIntoTwoRegions() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofStaticAddresses(List.of(A1, B1, A2), CLOCK);

        // Region 1 = [A1, A2] has more free addresses, then region 2 = [B1] on the tie, then region 1.
        assertThat(List.of(pool.addressFor(0), pool.addressFor(1), pool.addressFor(2))).containsExactly(A1, B1, A2);
    }

    @Test
    void ipVersionFiltersEachRegion() throws Exception {
        EdgeAddressPool v4 = EdgeAddressPool.ofRegions(List.of(A6, A1), List.of(B6, B1), EdgeIpVersion.IPV4, CLOCK);
        EdgeAddressPool v6 = EdgeAddressPool.ofRegions(List.of(A1, A6), List.of(B1, B6), EdgeIpVersion.IPV6, CLOCK);

        assertThat(List.of(v4.addressFor(0), v4.addressFor(1))).containsExactly(B1, A1);
        assertThat(List.of(v6.addressFor(0), v6.addressFor(1))).containsExactly(B6, A6);
        assertThatThrownBy(() -> v4.addressFor(2)).isInstanceOf(NoEdgeAddressLeftException.class);
    }

    @Test
    void ipv6ConnectivityErrorMovesTheRegionToIpv4AndAnIpv4ErrorMovesItBack() throws Exception {
        EdgeAddressPool pool = EdgeAddressPool.ofRegions(List.of(A6, A1), List.of(B6, B1), EdgeIpVersion.AUTO, CLOCK);
        assertThat(pool.addressFor(0)).isEqualTo(B6);

        EdgeAddress fallback = pool.differentAddressFor(0, true);
        EdgeAddress back = pool.differentAddressFor(0, true);

        assertThat(fallback).isEqualTo(B1);
        assertThat(back).isEqualTo(B6);
    }

    @Test
    void giveBackOfAnUnknownAddressSaysSo() {
        EdgeAddressPool pool = EdgeAddressPool.ofRegions(List.of(A1), List.of(B1), EdgeIpVersion.AUTO, CLOCK);

        assertThat(pool.giveBack(A2, false)).isFalse();
        assertThat(pool.giveBack(A1, false)).isTrue();
    }

    static EdgeAddress address(String ip) {
        try {
            return EdgeAddress.of(InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(ip)), 7844);
        } catch (Exception e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
