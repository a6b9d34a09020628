package dev.jflared.edge;

import static dev.jflared.edge.EdgeAddressPoolTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeRegionTest {

    private static final EdgeAddress V6_1 = address("2606:4700:a0::1");
    private static final EdgeAddress V6_2 = address("2606:4700:a0::2");
    private static final EdgeAddress V4_1 = address("198.41.192.1");
    private static final EdgeAddress V4_2 = address("198.41.192.2");

    private final FakeClock clock = new FakeClock();

    @Test
    void firstResolvedFamilyIsPrimary() {
        EdgeRegion region = new EdgeRegion(List.of(V6_1, V4_1, V6_2), EdgeIpVersion.AUTO, clock);

        assertThat(region.availableAddresses()).isEqualTo(2);
        assertThat(region.assignAnyAddress(0, null)).isEqualTo(V6_1);
        assertThat(region.assignAnyAddress(1, V6_1)).isEqualTo(V6_2);
        assertThat(region.assignAnyAddress(2, null)).isNull();
    }

    @Test
    void secondaryStaysActiveForTenMinutesAfterAnIpv6ConnectivityError() {
        EdgeRegion region = new EdgeRegion(List.of(V6_1, V6_2, V4_1, V4_2), EdgeIpVersion.AUTO, clock);
        region.assignAnyAddress(0, null);
        region.assignAnyAddress(1, null);
        region.giveBack(V6_1, true);
        assertThat(region.primaryIsActive()).isFalse();

        clock.advance(EdgeRegion.PRIMARY_TIMEOUT);
        region.giveBack(V6_2, true);
        boolean activeAtTheTimeout = region.primaryIsActive();
        clock.advance(Duration.ofMillis(1));
        region.assignAnyAddress(1, null);
        region.giveBack(V4_1, false);
        boolean activeAfterAPlainGiveBack = region.primaryIsActive();

        assertThat(activeAtTheTimeout).isFalse();
        assertThat(activeAfterAPlainGiveBack).isFalse();
    }

    @Test
    void anIpv6ConnectivityErrorAfterTheTimeoutRestoresThePrimary() {
        EdgeRegion region = new EdgeRegion(List.of(V6_1, V6_2, V4_1), EdgeIpVersion.AUTO, clock);
        region.assignAnyAddress(0, null);
        region.assignAnyAddress(1, null);
        region.giveBack(V6_1, true);

        clock.advance(EdgeRegion.PRIMARY_TIMEOUT.plusMillis(1));
        region.giveBack(V6_2, true);

        assertThat(region.primaryIsActive()).isTrue();
    }

    @Test
    void withoutASecondaryFamilyAnIpv6ErrorChangesNothing() {
        EdgeRegion region = new EdgeRegion(List.of(V6_1, V6_2), EdgeIpVersion.AUTO, clock);
        region.assignAnyAddress(0, null);

        region.giveBack(V6_1, true);

        assertThat(region.primaryIsActive()).isTrue();
        assertThat(region.availableAddresses()).isEqualTo(2);
    }

    /** A clock that moves only when told. */
    private static final class FakeClock extends Clock {
        private Instant now = Instant.parse("2026-01-02T03:04:05Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
