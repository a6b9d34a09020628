package dev.jflared.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Discovery against DNS servers on loopback; no query leaves the machine, the DNS-over-TLS fallback included.
 */
@Timeout(30)
class EdgeDiscoveryTest {

    private static final String GLOBAL_SRV = "_v2-origintunneld._tcp.argotunnel.com";
    private static final String REGION1 = "region1.v2.argotunnel.com";
    private static final String REGION2 = "region2.v2.argotunnel.com";

    private static EventLoopGroup group;
    private static SelfSignedTls dotCertificate;

    private TestDnsServer dns;
    private TestDnsServer dnsOverTls;

    @BeforeAll
    static void startGroup() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        dotCertificate = SelfSignedTls.forName(EdgeDiscovery.DOT_SERVER_NAME);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startDns() throws Exception {
        dns = TestDnsServer.startUdp(group);
        dnsOverTls = TestDnsServer.startTls(group, dotCertificate.serverContext());
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
        dnsOverTls.close();
    }

    @Test
    void srvTargetsBecomeTwoRegionsOnTheSrvPortInPriorityOrder() throws Exception {
        dns.srv(GLOBAL_SRV, 2, 1, 7844, REGION2 + ".").srv(GLOBAL_SRV, 1, 1, 7844, REGION1 + ".");
        dns.a(REGION1, "127.0.0.11").a(REGION1, "127.0.0.12").a(REGION2, "127.0.0.21");

        EdgeAddressPool pool = discover(builder());

        assertThat(pool.availableAddresses()).isEqualTo(3);
        // Region 1 has more free addresses, then the tie goes to region 2, then region 1 again.
        assertThat(handOut(pool, 3)).containsExactly("127.0.0.11:7844", "127.0.0.21:7844", "127.0.0.12:7844");
        assertThat(dnsOverTls.questions(GLOBAL_SRV, DnsRecordType.SRV)).isZero();
    }

    @Test
    void regionPrefixesTheSrvService() throws Exception {
        String usSrv = "_us-v2-origintunneld._tcp.argotunnel.com";
        dns.srv(usSrv, 1, 1, 7844, "us-region1.v2.argotunnel.com")
                .srv(usSrv, 2, 1, 7844, "us-region2.v2.argotunnel.com");
        dns.a("us-region1.v2.argotunnel.com", "127.0.1.1").a("us-region2.v2.argotunnel.com", "127.0.1.2");
        EdgeDiscovery.Builder builder = builder().region("us");

        EdgeAddressPool pool = discover(builder);

        assertThat(builder.build().srvName()).isEqualTo(usSrv);
        assertThat(handOut(pool, 2)).containsExactlyInAnyOrder("127.0.1.1:7844", "127.0.1.2:7844");
        assertThat(dns.questions(GLOBAL_SRV, DnsRecordType.SRV)).isZero();
    }

    @Test
    void ipVersion4KeepsOnlyIpv4Addresses() throws Exception {
        dualStackEdge();

        EdgeAddressPool pool = discover(builder().ipVersion(EdgeIpVersion.IPV4));

        assertThat(pool.availableAddresses()).isEqualTo(2);
        assertThat(handOut(pool, 2)).containsExactlyInAnyOrder("127.0.0.11:7844", "127.0.0.21:7844");
    }

    @Test
    void ipVersion6KeepsOnlyIpv6Addresses() throws Exception {
        dualStackEdge();

        EdgeAddressPool pool = discover(builder().ipVersion(EdgeIpVersion.IPV6));

        assertThat(pool.availableAddresses()).isEqualTo(2);
        assertThat(handOut(pool, 2))
                .containsExactlyInAnyOrder("[fd00:0:0:0:0:0:0:11]:7844", "[fd00:0:0:0:0:0:0:21]:7844");
    }

    @Test
    void autoResolvesBothFamiliesAndPrefersTheFirstResolved() throws Exception {
        dualStackEdge();

        EdgeAddressPool pool = discover(builder());

        // The JVM prefers IPv4 unless java.net.preferIPv6Addresses is set, so IPv4 is each region's primary.
        assertThat(handOut(pool, 2)).containsExactlyInAnyOrder("127.0.0.11:7844", "127.0.0.21:7844");
        assertThat(dns.questions(REGION1, DnsRecordType.AAAA)).isEqualTo(1);
    }

    @Test
    void failingSystemResolverFallsBackToDnsOverTls() throws Exception {
        dnsOverTls.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).srv(GLOBAL_SRV, 2, 1, 7844, REGION2);
        dns.a(REGION1, "127.0.0.11").a(REGION2, "127.0.0.21");

        EdgeAddressPool pool = discover(builder());

        assertThat(dns.questions(GLOBAL_SRV, DnsRecordType.SRV)).isEqualTo(1);
        assertThat(dnsOverTls.questions(GLOBAL_SRV, DnsRecordType.SRV)).isEqualTo(1);
        assertThat(handOut(pool, 2)).containsExactlyInAnyOrder("127.0.0.11:7844", "127.0.0.21:7844");
    }

    @Test
    void failedLookupSaysWhatFailedAndWhatToDo() {
        EdgeDiscovery discovery = builder().build();

        Throwable failure = discovery.discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessageStartingWith("could not lookup srv records on " + GLOBAL_SRV + ": ")
                .hasMessageEndingWith("; check your network and DNS (try: dig srv " + GLOBAL_SRV
                        + "), or give edge addresses with --edge HOST:PORT");
        assertThat(dnsOverTls.questions(GLOBAL_SRV, DnsRecordType.SRV)).isEqualTo(1);
    }

    @Test
    void fallbackServerWithAnUntrustedCertificateCountsAsFailed() throws Exception {
        dnsOverTls.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).srv(GLOBAL_SRV, 2, 1, 7844, REGION2);
        EdgeDiscovery discovery = EdgeDiscovery.builder()
                .eventLoopGroup(group)
                .nameServer(dns.address())
                .dnsOverTlsServer(dnsOverTls.address())
                .dnsOverTlsTrust(SelfSignedTls.forName("someone-else.example").trust())
                .build();

        Throwable failure = discovery.discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessageStartingWith("could not lookup srv records on " + GLOBAL_SRV);
    }

    @Test
    void oneRegionIsNotEnough() {
        dns.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).a(REGION1, "127.0.0.11");

        Throwable failure = builder().build().discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessage("expected at least 2 Cloudflare regions, but the SRV lookup of " + GLOBAL_SRV
                        + " returned 1: [1 1 7844 " + REGION1 + ".]");
    }

    @Test
    void srvTargetWithoutAddressesFailsDiscovery() {
        dns.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).srv(GLOBAL_SRV, 2, 1, 7844, REGION2).a(REGION1, "127.0.0.11");

        Throwable failure = builder().build().discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessageStartingWith("couldn't resolve SRV record 2 1 7844 " + REGION2 + ". from " + GLOBAL_SRV);
    }

    @Test
    void ipVersionWithoutMatchingAddressesSaysSo() {
        dns.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).srv(GLOBAL_SRV, 2, 1, 7844, REGION2);
        dns.a(REGION1, "127.0.0.11").a(REGION2, "127.0.0.21");

        Throwable failure = builder().ipVersion(EdgeIpVersion.IPV6).build().discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessageStartingWith("couldn't resolve SRV record 1 1 7844 " + REGION1 + ".")
                .hasMessageEndingWith("; with --edge-ip-version 6 only IPv6 addresses are looked up");
    }

    @Test
    void edgeFlagReplacesDiscoveryAndDealsAddressesIntoTwoRegions() throws Exception {
        dns.a("edge-a.test", "127.0.0.31");

        EdgeAddressPool pool = discover(builder().edge("edge-a.test:7844").edge("[::1]:7845").edge("127.0.0.32:7846"));

        assertThat(pool.availableAddresses()).isEqualTo(3);
        // Region 1 holds the first and third, region 2 the second.
        assertThat(handOut(pool, 3)).containsExactly("127.0.0.31:7844", "[0:0:0:0:0:0:0:1]:7845", "127.0.0.32:7846");
        assertThat(dns.questions(GLOBAL_SRV, DnsRecordType.SRV)).isZero();
    }

    @Test
    void edgeAddressesThatDoNotResolveAreSkipped() throws Exception {
        EdgeAddressPool pool = discover(builder().edge("nowhere.test:7844").edge("127.0.0.40:7844"));

        assertThat(pool.availableAddresses()).isEqualTo(1);
        assertThat(handOut(pool, 1)).containsExactly("127.0.0.40:7844");
    }

    @Test
    void edgeFlagWithNothingResolvableFails() {
        Throwable failure = builder().edge("nowhere.test:7844").build().discover().awaitUninterruptibly().cause();

        assertThat(failure).isInstanceOf(EdgeDiscoveryException.class)
                .hasMessageStartingWith("failed to resolve any edge address given with --edge [nowhere.test:7844]: ");
    }

    @Test
    void badRegionIsRejectedAtOnce() {
        assertThatThrownBy(() -> builder().region("US west"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--region 'US west': ");
    }

    private void dualStackEdge() {
        dns.srv(GLOBAL_SRV, 1, 1, 7844, REGION1).srv(GLOBAL_SRV, 2, 1, 7844, REGION2);
        dns.a(REGION1, "127.0.0.11").aaaa(REGION1, "fd00::11");
        dns.a(REGION2, "127.0.0.21").aaaa(REGION2, "fd00::21");
    }

    private EdgeDiscovery.Builder builder() {
        try {
            return EdgeDiscovery.builder()
                    .eventLoopGroup(group)
                    .nameServer(dns.address())
                    .dnsOverTlsServer(dnsOverTls.address())
                    .dnsOverTlsTrust(dotCertificate.trust());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static EdgeAddressPool discover(EdgeDiscovery.Builder builder) throws Exception {
        Future<EdgeAddressPool> discovery = builder.build().discover().await();
        if (!discovery.isSuccess()) {
            throw new AssertionError("discovery failed", discovery.cause());
        }
        return discovery.getNow();
    }

    private static List<String> handOut(EdgeAddressPool pool, int connections) throws NoEdgeAddressLeftException {
        List<String> addresses = new ArrayList<>();
        for (int connIndex = 0; connIndex < connections; connIndex++) {
            addresses.add(pool.addressFor(connIndex).toString());
        }
        return addresses;
    }
}
