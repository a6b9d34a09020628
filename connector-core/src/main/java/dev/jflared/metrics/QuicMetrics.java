package dev.jflared.metrics;

import java.time.Duration;

/**
 * QUIC client metrics of cloudflared's {@code quic/metrics.go}, labelled per edge connection by
 * {@code conn_index}. Note the namespace: these are {@code quic_client_*}, not {@code cloudflared_*}, and
 * received bytes are {@code quic_client_receive_bytes} (sic).
 *
 * <p>The transport takes one {@link Connection} per connection index and reports into it. A labelled child appears
 * only once something was reported into it, as with cloudflared's Go client, so a figure the QUIC stack never
 * reports is never exposed as a made-up 0. Label values for packet types, drop and loss reasons are cloudflared's
 * (constants below) so dashboards keep matching.
 */
public final class QuicMetrics {

    /** {@code reason} of a packet declared lost because a later packet was acknowledged. */
    public static final String LOSS_REORDERING = "reordering";
    /** {@code reason} of a packet declared lost by the loss timer. */
    public static final String LOSS_TIMEOUT = "timeout";
    /** {@code reason} of a loss the QUIC stack does not attribute (quiche only reports totals). */
    public static final String LOSS_UNKNOWN = "unknown_loss_reason";

    private final Counter totalConnections;
    private final Counter closedConnections;
    private final Counter packetTooBigDropped;
    private final MetricFamily<Gauge> maxUdpPayload;
    private final MetricFamily<Counter> sentFrames;
    private final MetricFamily<Counter> sentBytes;
    private final MetricFamily<Counter> receivedFrames;
    private final MetricFamily<Counter> receivedBytes;
    private final MetricFamily<Counter> bufferedPackets;
    private final MetricFamily<Counter> droppedPackets;
    private final MetricFamily<Counter> lostPackets;
    private final MetricFamily<Gauge> minRtt;
    private final MetricFamily<Gauge> latestRtt;
    private final MetricFamily<Gauge> smoothedRtt;
    private final MetricFamily<Gauge> mtu;
    private final MetricFamily<Gauge> congestionWindow;
    private final MetricFamily<Gauge> congestionState;

    QuicMetrics(MetricRegistry registry) {
        totalConnections = registry.counter("quic_client_total_connections",
                "Number of QUIC connections started");
        closedConnections = registry.counter("quic_client_closed_connections",
                "Number of QUIC connections that were closed");
        maxUdpPayload = registry.gaugeFamily("quic_client_max_udp_payload",
                "Largest UDP payload, in bytes, allowed for a QUIC packet", "conn_index");
        sentFrames = registry.counterFamily("quic_client_sent_frames",
                "Number of frames sent on a connection", "conn_index", "frame_type");
        sentBytes = registry.counterFamily("quic_client_sent_bytes",
                "Number of bytes sent on a connection", "conn_index");
        receivedFrames = registry.counterFamily("quic_client_received_frames",
                "Number of frames received on a connection", "conn_index", "frame_type");
        receivedBytes = registry.counterFamily("quic_client_receive_bytes",
                "Number of bytes received on a connection", "conn_index");
        bufferedPackets = registry.counterFamily("quic_client_buffered_packets",
                "Number of packets buffered on a connection", "conn_index", "packet_type");
        droppedPackets = registry.counterFamily("quic_client_dropped_packets",
                "Number of bytes of packets dropped on a connection", "conn_index", "packet_type", "reason");
        lostPackets = registry.counterFamily("quic_client_lost_packets",
                "Number of packets lost on a connection", "conn_index", "reason");
        minRtt = registry.gaugeFamily("quic_client_min_rtt",
                "Smallest RTT measured on a connection, in milliseconds", "conn_index");
        latestRtt = registry.gaugeFamily("quic_client_latest_rtt",
                "Most recent RTT measured on a connection", "conn_index");
        smoothedRtt = registry.gaugeFamily("quic_client_smoothed_rtt",
                "Smoothed RTT computed for a connection, in milliseconds", "conn_index");
        mtu = registry.gaugeFamily("quic_client_mtu",
                "Maximum transmission unit (MTU) a connection currently uses", "conn_index");
        congestionWindow = registry.gaugeFamily("quic_client_congestion_window",
                "Congestion window of a connection now, in bytes", "conn_index");
        congestionState = registry.gaugeFamily("quic_client_congestion_state",
                "Congestion control state of a connection now (quic-go's CongestionState numbering)",
                "conn_index");
        packetTooBigDropped = registry.counter("quic_client_packet_too_big_dropped",
                "Number of packets from the origin dropped because they were too big to send to the edge");
    }

    /** The metrics of edge connection {@code connIndex}. Cheap, and exposes nothing until something is reported. */
    public Connection connection(int connIndex) {
        return new Connection(Integer.toString(connIndex));
    }

    /** A packet from the origin was too big for a datagram to the edge and was dropped. */
    public void packetTooBigDropped() {
        packetTooBigDropped.inc();
    }

    /**
     * What one QUIC connection reports. All methods are lock-free and may be called on its event loop; each looks
     * its child up by label (a concurrent map read), which is cheap at the rate a transport reports.
     */
    public final class Connection {
        private final String index;

        private Connection(String index) {
            this.index = index;
        }

        /** The connection attempt started. */
        public void started() {
            totalConnections.inc();
        }

        /** The connection closed, for whatever reason. */
        public void closed() {
            closedConnections.inc();
        }

        /** {@code bytes} more were sent in packets on this connection. */
        public void sentBytes(long bytes) {
            sentBytes.labels(index).add(bytes);
        }

        /** {@code bytes} more were received in packets on this connection. */
        public void receivedBytes(long bytes) {
            receivedBytes.labels(index).add(bytes);
        }

        /** A frame of {@code frameType} was sent: quic-go's type name without "Frame", e.g. {@code Stream}. */
        public void sentFrame(String frameType) {
            sentFrames.labels(index, frameType).inc();
        }

        /** A frame of {@code frameType} was received. */
        public void receivedFrame(String frameType) {
            receivedFrames.labels(index, frameType).inc();
        }

        /** A packet of {@code packetType} (e.g. {@code 1_rtt}, {@code handshake}) was buffered. */
        public void bufferedPacket(String packetType) {
            bufferedPackets.labels(index, packetType).inc();
        }

        /** A packet of {@code packetType} and {@code bytes} was dropped for {@code reason}. */
        public void droppedPacket(String packetType, String reason, long bytes) {
            droppedPackets.labels(index, packetType, reason).add(bytes);
        }

        /** {@code count} more packets were declared lost for {@code reason} ({@link #LOSS_UNKNOWN} if unknown). */
        public void lostPackets(String reason, long count) {
            lostPackets.labels(index, reason).add(count);
        }

        /** New RTT figures; exposed in whole milliseconds, as cloudflared does. */
        public void rtt(Duration minimum, Duration latestSample, Duration smoothedEstimate) {
            minRtt.labels(index).set(minimum.toMillis());
            latestRtt.labels(index).set(latestSample.toMillis());
            smoothedRtt(smoothedEstimate);
        }

        /**
         * A new smoothed RTT estimate alone, for a QUIC stack that reports no minimum or latest sample (quiche), in
         * whole milliseconds.
         */
        public void smoothedRtt(Duration smoothedEstimate) {
            smoothedRtt.labels(index).set(smoothedEstimate.toMillis());
        }

        /** The path MTU in bytes. */
        public void mtu(long bytes) {
            mtu.labels(index).set(bytes);
        }

        /** The congestion window in bytes. */
        public void congestionWindow(long bytes) {
            congestionWindow.labels(index).set(bytes);
        }

        /** The congestion state, numbered as quic-go numbers it (0 slow start, 1 congestion avoidance, ...). */
        public void congestionState(int state) {
            congestionState.labels(index).set(state);
        }

        /** The peer's max_udp_payload_size transport parameter. */
        public void maxUdpPayload(long bytes) {
            maxUdpPayload.labels(index).set(bytes);
        }

        @Override
        public String toString() {
            return "QuicMetrics.Connection(conn_index=" + index + ")";
        }
    }
}
