package dev.jflared.quic;

import java.time.Duration;
import java.util.List;

/**
 * The TLS and QUIC transport settings cloudflared uses toward the edge, in one place to check against its source.
 * Paths are in github.com/cloudflare/cloudflared.
 *
 * <h2>Flow control</h2>
 * cloudflared gives quic-go <em>maximum</em> receive windows of 30 MiB per connection and 6 MiB per stream
 * ({@code --quic-connection-level-flow-control-limit} and {@code --quic-stream-level-flow-control-limit} defaults,
 * {@code cmd/cloudflared/tunnel/cmd.go}; {@code MaxConnectionReceiveWindow}/{@code MaxStreamReceiveWindow} in
 * {@code supervisor/tunnel.go} {@code serveQUIC}), and quic-go grows its windows up to them. Netty's QUIC codec
 * (quiche) exposes only the initial windows, so we advertise those maxima from the start.
 *
 * <h2>Keep-alive</h2>
 * cloudflared has quic-go send a PING every second ({@code KeepAlivePeriod = MaxIdlePingPeriod = 1s},
 * {@code quic/constants.go}). Netty 4.2.18's QUIC codec has no API that makes quiche send a PING or any other
 * ack-eliciting frame, so the keep-alive is a ping on the control stream instead ({@link ControlStreamKeepAlive},
 * {@link #KEEP_ALIVE_PERIOD}, {@link #KEEP_ALIVE_TIMEOUT}).
 */
public final class QuicSettings {

    /** TLS server name (SNI) for QUIC: {@code edgeQUICServerName}, {@code connection/protocol.go}. */
    public static final String SERVER_NAME = "quic.cftunnel.com";

    /** The one ALPN protocol offered: {@code TLSSettings()} for QUIC, {@code connection/protocol.go}. */
    public static final String APPLICATION_PROTOCOL = "argotunnel";

    /**
     * TLS key-exchange groups in preference order (BoringSSL names). cloudflared's default post-quantum mode is
     * "prefer" ({@code features/selector.go}), which puts {@code X25519MLKEM768} before the tunnel TLS config's
     * own curves ({@code supervisor/pqtunnels.go} {@code curvePreference}); those are {@code [P-256]}
     * ({@code tlsconfig/tlsconfig.go} {@code GetConfig} default, used by {@code CreateTunnelConfig}).
     */
    public static final List<String> KEY_EXCHANGE_GROUPS = List.of("X25519MLKEM768", "P-256");

    /** Handshake timeout: {@code HandshakeIdleTimeout = 5s}, {@code quic/constants.go}. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    /** Idle timeout advertised: {@code MaxIdleTimeout = 5s}, {@code quic/constants.go}. */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofSeconds(5);

    /** How often the connection pings the edge: {@code MaxIdlePingPeriod = 1s}, {@code quic/constants.go}. */
    public static final Duration KEEP_ALIVE_PERIOD = Duration.ofSeconds(1);

    /**
     * How long a keep-alive ping waits for the edge's answer before the connection stops counting as ready: the idle
     * timeout. No other ping is sent meanwhile, so on a quiet connection a later answer would come after the idle
     * timeout had ended the connection anyway; a shorter wait would fail pings over a slow path that QUIC still
     * keeps alive.
     */
    public static final Duration KEEP_ALIVE_TIMEOUT = MAX_IDLE_TIMEOUT;

    /**
     * Streams the edge may open toward us, bidirectional and unidirectional: {@code MaxIncomingStreams = 1 << 60}
     * (quic-go's maximum), {@code quic/constants.go}. Without it the edge could open no request stream.
     */
    public static final long MAX_INCOMING_STREAMS = 1L << 60;

    /** Connection-level receive window: 30 MiB (see Flow control above). */
    public static final long CONNECTION_RECEIVE_WINDOW = 30L << 20;

    /** Stream-level receive window: 6 MiB (see Flow control above). */
    public static final long STREAM_RECEIVE_WINDOW = 6L << 20;

    /**
     * UDP socket send and receive buffers asked of the kernel: 4 MiB (capped by {@code net.core.rmem_max} and
     * {@code wmem_max}). With windows this large a peer sends bursts that the default 208 KiB buffer drops, and the
     * losses hold the congestion window down; quic-go asks for 7 MiB for the same reason.
     */
    public static final int UDP_SOCKET_BUFFER = 4 << 20;

    /**
     * UDP payload size toward an IPv4 edge address: 1232. cloudflared keeps quic-go below 1280 because WARP's MTU is
     * 1280, and picks 1232 for IPv4 and 1252 for IPv6 ({@code serveQUIC}, {@code supervisor/tunnel.go}).
     */
    public static final int MAX_UDP_PAYLOAD_IPV4 = 1232;

    /** UDP payload size toward an IPv6 edge address: 1252 (see {@link #MAX_UDP_PAYLOAD_IPV4}). */
    public static final int MAX_UDP_PAYLOAD_IPV6 = 1252;

    /**
     * Queue lengths for the DATAGRAM extension (cloudflared: {@code EnableDatagrams: true}); the lengths are
     * Netty's, in datagrams, as quic-go has no such setting.
     */
    public static final int DATAGRAM_RECEIVE_QUEUE = 1024;

    /** See {@link #DATAGRAM_RECEIVE_QUEUE}. */
    public static final int DATAGRAM_SEND_QUEUE = 1024;

    private QuicSettings() {}
}
