package dev.jflared.quic;

import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.QuicMetrics;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicTransportParameters;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds cloudflared's {@code quic_client_*} metrics ({@link QuicMetrics}, {@code quic/metrics.go}) from the
 * statistics quiche keeps for one QUIC connection, which Netty hands out through {@link QuicChannel#collectStats()}
 * and {@link QuicChannel#collectPathStats(int)}.
 *
 * <pre>{@code
 * Future<QuicChannel> dialled = dialer.dial(edge);
 * QuicStatsReporter.report(request.metrics(), dialled);   // before any other listener on the dial
 * }</pre>
 *
 * <h2>What is fed</h2>
 * <ul>
 *   <li>{@code total_connections} when the dial starts and {@code closed_connections} when it fails or the
 *       connection closes, as quic-go counts a connection whose handshake fails;</li>
 *   <li>{@code sent_bytes} and {@code receive_bytes}: quiche's totals of UDP payload bytes, retransmissions
 *       included, added as the difference since the previous reading;</li>
 *   <li>{@code lost_packets} with reason {@link QuicMetrics#LOSS_UNKNOWN}: quiche counts lost packets but not why;</li>
 *   <li>{@code smoothed_rtt}, {@code congestion_window} and {@code mtu}: the path's RTT estimate, congestion window
 *       and largest datagram it sends;</li>
 *   <li>{@code max_udp_payload}: the edge's {@code max_udp_payload_size} transport parameter.</li>
 * </ul>
 * quiche, through Netty 4.2.18, tells nothing of minimum or latest RTT samples, frames, buffered or dropped packets
 * or the congestion state, so {@code min_rtt}, {@code latest_rtt}, {@code sent_frames}, {@code received_frames},
 * {@code buffered_packets}, {@code dropped_packets} and {@code congestion_state} are left unfed rather than guessed.
 *
 * <h2>When</h2>
 * Once when the handshake completes, every {@link #INTERVAL} after that, and a last time when the connection closes
 * (Netty keeps a closed connection's totals), so the counters end with everything the connection carried. The
 * periodic reading is cancelled when the connection closes.
 *
 * <h2>Threads</h2>
 * Every reading runs on the connection's event loop, where collecting is a non-blocking call into quiche.
 */
final class QuicStatsReporter {

    /** How often a live connection is read: cheap, and as often as a dashboard usually scrapes. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Logger logger = LoggerFactory.getLogger(QuicStatsReporter.class);
    /** jflared never migrates a connection, so quiche's first path is the only one. */
    private static final int PATH = 0;

    private final QuicMetrics.Connection metrics;
    private final QuicChannel channel;
    // quiche's totals at the previous reading; the counters get the differences. Event-loop confined.
    private long sentBytes;
    private long receivedBytes;
    private long lostPackets;

    private QuicStatsReporter(QuicMetrics.Connection metrics, QuicChannel channel) {
        this.metrics = metrics;
        this.channel = channel;
    }

    /**
     * Reports the connection {@code dial} makes into {@code metrics}, if they record QUIC figures (else does
     * nothing). Call it before adding other listeners to {@code dial}: its final reading then runs before their
     * close listeners, so whoever reacts to the close sees the final figures.
     */
    static void report(ConnectionMetrics metrics, Future<QuicChannel> dial) {
        metrics.quic().ifPresent(quic -> {
            quic.started();
            dial.addListener(f -> {
                if (f.isSuccess()) {
                    new QuicStatsReporter(quic, (QuicChannel) f.getNow()).start();
                } else {
                    quic.closed();
                }
            });
        });
    }

    private void start() {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(this::start);
            return;
        }
        QuicTransportParameters edge = channel.peerTransportParameters();
        if (edge != null) {
            metrics.maxUdpPayload(edge.maxUdpPayloadSize());
        }
        read();
        ScheduledFuture<?> periodic = loop.scheduleAtFixedRate(this::read, INTERVAL.toNanos(), INTERVAL.toNanos(),
                TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(f -> {
            periodic.cancel(false);
            readTotals();
            metrics.closed();
        });
    }

    /** Reads the connection's totals and, while it is open, its path. Event loop only. */
    private void read() {
        assert channel.eventLoop().inEventLoop();
        readTotals();
        if (!channel.isActive()) {
            return;
        }
        channel.collectPathStats(PATH).addListener(f -> {
            if (f.isSuccess() && f.getNow() != null) {
                QuicConnectionPathStats path = (QuicConnectionPathStats) f.getNow();
                // quiche gives the RTT in nanoseconds, the window and datagram size in bytes.
                metrics.smoothedRtt(Duration.ofNanos(path.rtt()));
                metrics.congestionWindow(path.cwnd());
                metrics.mtu(path.pmtu());
            } else {
                logger.atDebug().setCause(f.cause()).addKeyValue("channel", channel).log("no QUIC path statistics");
            }
        });
    }

    private void readTotals() {
        channel.collectStats().addListener(f -> {
            if (f.isSuccess() && f.getNow() != null) {
                QuicConnectionStats stats = (QuicConnectionStats) f.getNow();
                metrics.sentBytes(delta(stats.sentBytes(), sentBytes));
                metrics.receivedBytes(delta(stats.recvBytes(), receivedBytes));
                long lost = delta(stats.lost(), lostPackets);
                if (lost > 0) {
                    metrics.lostPackets(QuicMetrics.LOSS_UNKNOWN, lost);
                }
                sentBytes = Math.max(sentBytes, stats.sentBytes());
                receivedBytes = Math.max(receivedBytes, stats.recvBytes());
                lostPackets = Math.max(lostPackets, stats.lost());
            } else {
                logger.atDebug().setCause(f.cause()).addKeyValue("channel", channel).log("no QUIC statistics");
            }
        });
    }

    private static long delta(long total, long previous) {
        return Math.max(0, total - previous);
    }
}
