package dev.jflared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CloudflaredMetricsTest {

    /** name -> type and label names, as cloudflared declares them (the files cited in each area class). */
    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("build_info", "gauge [goversion, type, revision, version]"),
            Map.entry("cloudflared_tunnel_ha_connections", "gauge []"),
            Map.entry("cloudflared_tunnel_server_locations", "gauge [connection_id, edge_location]"),
            Map.entry("cloudflared_tunnel_tunnel_register_success", "counter [rpcName]"),
            Map.entry("cloudflared_tunnel_tunnel_register_fail", "counter [error, rpcName]"),
            Map.entry("cloudflared_tunnel_tunnel_rpc_fail", "counter [error, rpcName]"),
            Map.entry("cloudflared_config_local_config_pushes", "counter []"),
            Map.entry("cloudflared_config_local_config_pushes_errors", "counter []"),
            Map.entry("cloudflared_tunnel_total_requests", "counter []"),
            Map.entry("cloudflared_tunnel_concurrent_requests_per_tunnel", "gauge []"),
            Map.entry("cloudflared_tunnel_response_by_code", "counter [status_code]"),
            Map.entry("cloudflared_tunnel_request_errors", "counter []"),
            Map.entry("cloudflared_tcp_active_sessions", "gauge []"),
            Map.entry("cloudflared_tcp_total_sessions", "counter []"),
            Map.entry("cloudflared_proxy_connect_latency", "histogram []"),
            Map.entry("cloudflared_proxy_connect_streams_errors", "counter []"),
            Map.entry("cloudflared_orchestration_config_version", "gauge []"),
            Map.entry("cloudflared_rpc_server_operations", "counter [handler, method]"),
            Map.entry("cloudflared_rpc_server_failures", "counter [handler, method]"),
            Map.entry("cloudflared_rpc_server_latency_secs", "histogram [handler, method]"),
            Map.entry("cloudflared_rpc_client_operations", "counter [handler, method]"),
            Map.entry("cloudflared_rpc_client_failures", "counter [handler, method]"),
            Map.entry("cloudflared_rpc_client_latency_secs", "histogram [handler, method]"),
            Map.entry("quic_client_total_connections", "counter []"),
            Map.entry("quic_client_closed_connections", "counter []"),
            Map.entry("quic_client_max_udp_payload", "gauge [conn_index]"),
            Map.entry("quic_client_sent_frames", "counter [conn_index, frame_type]"),
            Map.entry("quic_client_sent_bytes", "counter [conn_index]"),
            Map.entry("quic_client_received_frames", "counter [conn_index, frame_type]"),
            Map.entry("quic_client_receive_bytes", "counter [conn_index]"),
            Map.entry("quic_client_buffered_packets", "counter [conn_index, packet_type]"),
            Map.entry("quic_client_dropped_packets", "counter [conn_index, packet_type, reason]"),
            Map.entry("quic_client_lost_packets", "counter [conn_index, reason]"),
            Map.entry("quic_client_min_rtt", "gauge [conn_index]"),
            Map.entry("quic_client_latest_rtt", "gauge [conn_index]"),
            Map.entry("quic_client_smoothed_rtt", "gauge [conn_index]"),
            Map.entry("quic_client_mtu", "gauge [conn_index]"),
            Map.entry("quic_client_congestion_window", "gauge [conn_index]"),
            Map.entry("quic_client_congestion_state", "gauge [conn_index]"),
            Map.entry("quic_client_packet_too_big_dropped", "counter []"),
            Map.entry("jflared_jvm_heap_used_bytes", "gauge []"),
            Map.entry("jflared_jvm_heap_max_bytes", "gauge []"),
            Map.entry("jflared_jvm_threads", "gauge []"),
            Map.entry("jflared_netty_allocator_direct_used_bytes", "gauge []"),
            Map.entry("jflared_netty_allocator_heap_used_bytes", "gauge []")));

    private final MetricRegistry registry = new MetricRegistry();
    private final CloudflaredMetrics metrics = CloudflaredMetrics.register(registry, "2026.1.0", "2026-01-02-0304 UTC");

    @Test
    void everyCloudflaredMetricIsRegisteredWithItsTypeAndLabels() {
        Map<String, String> actual = new TreeMap<>();
        for (MetricFamily<?> family : registry.families()) {
            actual.put(family.name(), family.type().exposition() + " " + family.labelNames());
        }

        assertThat(actual).isEqualTo(EXPECTED);
    }

    @Test
    void noNameGetsATotalSuffix() {
        metrics.proxy().requestStarted();
        metrics.tunnel().registerSuccess();

        assertThat(registry.scrape())
                .doesNotContain("_total ")
                .doesNotContain("_total{")
                .contains("\ncloudflared_tunnel_total_requests 1\n")
                .contains("\ncloudflared_tunnel_tunnel_register_success{rpcName=\"registerConnection\"} 1\n");
    }

    @Test
    void unlabelledMetricsAreExposedAtZeroBeforeAnythingHappens() {
        String text = registry.scrape();

        assertThat(text).contains(
                "# TYPE cloudflared_tunnel_ha_connections gauge\ncloudflared_tunnel_ha_connections 0\n",
                "\ncloudflared_tunnel_request_errors 0\n",
                "\nquic_client_total_connections 0\n",
                "cloudflared_proxy_connect_latency_bucket{le=\"5000\"} 0\n");
        assertThat(text).doesNotContain("cloudflared_tunnel_response_by_code", "cloudflared_rpc_client_operations");
    }

    @Test
    void buildInfoCarriesTheJavaRuntimeInTheGoversionLabel() {
        assertThat(registry.scrape()).contains("build_info{goversion=\"java" + Runtime.version()
                + "\",revision=\"2026-01-02-0304 UTC\",type=\"jflared\",version=\"2026.1.0\"} 1\n");
    }

    @Test
    void requestLifecycleMovesTotalsConcurrencyAndCodes() {
        ProxyMetrics proxy = metrics.proxy();
        proxy.requestStarted();
        proxy.requestStarted();
        proxy.responseCode(200);
        proxy.requestFinished();
        proxy.tcpSessionStarted();
        proxy.requestError();
        proxy.responseCode(502);

        String text = registry.scrape();

        assertThat(text).contains(
                "\ncloudflared_tunnel_total_requests 3\n",
                "\ncloudflared_tunnel_concurrent_requests_per_tunnel 2\n",
                "\ncloudflared_tcp_total_sessions 1\n",
                "\ncloudflared_tcp_active_sessions 1\n",
                "\ncloudflared_tunnel_request_errors 1\n",
                "cloudflared_tunnel_response_by_code{status_code=\"200\"} 1\n"
                        + "cloudflared_tunnel_response_by_code{status_code=\"502\"} 1\n");
    }

    @Test
    void connectLatencyUsesCloudflaredBucketsInMilliseconds() {
        metrics.proxy().connectLatency(Duration.ofMillis(30));

        assertThat(registry.scrape()).contains(
                "cloudflared_proxy_connect_latency_bucket{le=\"25\"} 0\n",
                "cloudflared_proxy_connect_latency_bucket{le=\"50\"} 1\n",
                "cloudflared_proxy_connect_latency_sum 30\n");
    }

    @Test
    void serverLocationMovesFromTheOldLocationToTheNew() {
        TunnelMetrics tunnel = metrics.tunnel();
        tunnel.serverLocation(0, "lhr01");
        tunnel.serverLocation(1, "ams01");
        tunnel.serverLocation(0, "lhr01");
        tunnel.serverLocation(0, "cdg02");

        assertThat(registry.scrape()).contains("""
                cloudflared_tunnel_server_locations{connection_id="0",edge_location="cdg02"} 1
                cloudflared_tunnel_server_locations{connection_id="0",edge_location="lhr01"} 0
                cloudflared_tunnel_server_locations{connection_id="1",edge_location="ams01"} 1
                """);
    }

    @Test
    void registrationAndConfigPushOutcomesAreCounted() {
        TunnelMetrics tunnel = metrics.tunnel();
        tunnel.haConnectionUp();
        tunnel.haConnectionUp();
        tunnel.haConnectionDown();
        tunnel.registerFail(TunnelMetrics.ERROR_DUPLICATE_CONNECTION);
        tunnel.localConfigPush(true);
        tunnel.localConfigPush(false);
        metrics.orchestration().configVersion(7);

        assertThat(registry.scrape()).contains(
                "\ncloudflared_tunnel_ha_connections 1\n",
                "cloudflared_tunnel_tunnel_register_fail{error=\"dup_edge_conn\",rpcName=\"registerConnection\"} 1\n",
                "\ncloudflared_config_local_config_pushes 2\n",
                "\ncloudflared_config_local_config_pushes_errors 1\n",
                "\ncloudflared_orchestration_config_version 7\n");
    }

    @Test
    void rpcLatencyIsInSecondsWithCloudflaredBuckets() {
        RpcMetrics rpc = metrics.rpc();
        rpc.clientOperation(RpcMetrics.HANDLER_REGISTRATION, RpcMetrics.METHOD_REGISTER_CONNECTION);
        rpc.clientLatency(RpcMetrics.HANDLER_REGISTRATION, RpcMetrics.METHOD_REGISTER_CONNECTION,
                Duration.ofMillis(100));

        String labels = "handler=\"registration\",method=\"register_connection\"";
        assertThat(registry.scrape()).contains(
                "cloudflared_rpc_client_operations{" + labels + "} 1\n",
                "cloudflared_rpc_client_latency_secs_bucket{" + labels + ",le=\"0.05\"} 0\n",
                "cloudflared_rpc_client_latency_secs_bucket{" + labels + ",le=\"0.15000000000000002\"} 1\n",
                "cloudflared_rpc_client_latency_secs_bucket{" + labels + ",le=\"4.050000000000001\"} 1\n",
                "cloudflared_rpc_client_latency_secs_sum{" + labels + "} 0.1\n");
    }

    @Test
    void quicFiguresNobodyReportedAreNotExposed() {
        QuicMetrics.Connection conn = metrics.quic().connection(1);
        conn.smoothedRtt(Duration.ofMillis(23));

        assertThat(registry.scrape()).contains("quic_client_smoothed_rtt{conn_index=\"1\"} 23\n")
                .doesNotContain("quic_client_min_rtt{", "quic_client_latest_rtt{", "quic_client_sent_bytes{",
                        "quic_client_receive_bytes{");
    }

    @Test
    void quicConnectionReportsUnderItsConnIndex() {
        QuicMetrics.Connection conn = metrics.quic().connection(2);
        conn.started();
        conn.sentBytes(1200);
        conn.receivedBytes(3000);
        conn.sentFrame("Stream");
        conn.lostPackets(QuicMetrics.LOSS_UNKNOWN, 3);
        conn.rtt(Duration.ofMillis(10), Duration.ofMillis(12), Duration.ofMillis(11));
        conn.congestionWindow(14720);

        assertThat(registry.scrape()).contains(
                "\nquic_client_total_connections 1\n",
                "quic_client_sent_bytes{conn_index=\"2\"} 1200\n",
                "quic_client_receive_bytes{conn_index=\"2\"} 3000\n",
                "quic_client_sent_frames{conn_index=\"2\",frame_type=\"Stream\"} 1\n",
                "quic_client_lost_packets{conn_index=\"2\",reason=\"unknown_loss_reason\"} 3\n",
                "quic_client_min_rtt{conn_index=\"2\"} 10\n",
                "quic_client_smoothed_rtt{conn_index=\"2\"} 11\n",
                "quic_client_congestion_window{conn_index=\"2\"} 14720\n");
    }

    @Test
    void jvmGaugesReportPlausibleValues() {
        String text = registry.scrape();

        List<String> lines = text.lines().filter(l -> l.startsWith("jflared_jvm_threads ")).toList();
        assertThat(lines).hasSize(1);
        assertThat(Double.parseDouble(lines.get(0).substring("jflared_jvm_threads ".length()))).isPositive();
    }
}
