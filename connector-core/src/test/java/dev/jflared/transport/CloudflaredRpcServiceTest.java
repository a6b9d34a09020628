package dev.jflared.transport;

import static dev.jflared.transport.GoldenRpc.drainBytes;
import static dev.jflared.transport.GoldenRpc.frames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.Return;
import dev.jflared.rpc.schema.RegisterUdpSessionParams;
import dev.jflared.rpc.schema.RegisterUdpSessionResults;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.rpc.schema.UpdateConfigurationResults;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Serves the edge's captured configuration push and checks our answers against cloudflared's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloudflaredRpcServiceTest {

    private static final int RPC_SIGNATURE_LENGTH = 6;

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersTheEdgesConfigurationPushLikeCloudflared() {
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.empty(), null);
        MetricRegistry registry = new MetricRegistry();
        ConnectionMetrics metrics = ConnectionMetrics.of(CloudflaredMetrics.register(registry, "test", "now"), 0);
        RpcConnection.server(channel, CloudflaredRpcService.create(services, metrics));

        for (byte[] frame : frames("quic/raw/quic-conn1/rpc1.edge2cfd.bin", RPC_SIGNATURE_LENGTH)) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        byte[] written = drainBytes(channel);
        List<byte[]> ours = GoldenRpc.split(written);
        List<byte[]> cloudflareds = frames("quic/raw/quic-conn1/rpc1.cfd2edge.bin", 0);

        assertThat(ours).hasSameSizeAs(cloudflareds);
        assertThat(ours.get(0)).as("bootstrap answer, byte for byte").isEqualTo(cloudflareds.get(0));
        // The results Return has the same words; the RPC engine places the payload's pointers in another order.
        assertThat(ours.get(1)).hasSameSizeAs(cloudflareds.get(1));
        assertThat(services.pushes).containsExactly("7 {\"ingress\":[{\"path\":\"^/teapot\","
                + "\"service\":\"http_status:418\"},{\"service\":\"http://127.0.0.1:8091\"}],"
                + "\"warp-routing\":{\"enabled\":false}}");
        assertThat(channel.isOpen()).as("closed after the edge's abort").isFalse();
        assertThat(registry.scrape()).contains(
                "\ncloudflared_rpc_server_operations{handler=\"config\",method=\"update_configuration\"} 1\n",
                "\ncloudflared_rpc_server_latency_secs_count{handler=\"config\",method=\"update_configuration\"} 1\n")
                .doesNotContain("cloudflared_rpc_server_failures{");
    }

    @Test
    void aConfigurationPushThatFailsToApplyIsCountedAsAServerFailure() {
        ConnectionServices failing = new ConnectionServices() {
            @Override
            public OriginProxy proxy() {
                throw new AssertionError("no data stream in this test");
            }

            @Override
            public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String json) {
                return CompletableFuture.failedFuture(new IllegalStateException("orchestrator stopped"));
            }

            @Override
            public Optional<String> localConfigurationJson() {
                return Optional.empty();
            }
        };
        MetricRegistry registry = new MetricRegistry();
        ConnectionMetrics metrics = ConnectionMetrics.of(CloudflaredMetrics.register(registry, "test", "now"), 0);
        RpcConnection.server(channel, CloudflaredRpcService.create(failing, metrics));

        for (byte[] frame : frames("quic/raw/quic-conn1/rpc1.edge2cfd.bin", RPC_SIGNATURE_LENGTH)) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        List<Message.Reader> answers = GoldenRpc.drain(channel);

        assertThat(answers.get(1).return_().which()).isEqualTo(Return.EXCEPTION);
        assertThat(registry.scrape()).contains(
                "\ncloudflared_rpc_server_operations{handler=\"config\",method=\"update_configuration\"} 1\n",
                "\ncloudflared_rpc_server_failures{handler=\"config\",method=\"update_configuration\"} 1\n");
    }

    @Test
    void refusesUdpSessionsWithAClearError() {
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.empty(), null);
        RpcConnection.server(channel, CloudflaredRpcService.create(services, ConnectionMetrics.none()));
        EmbeddedChannel edge = new EmbeddedChannel();
        RpcConnection client = RpcConnection.client(edge);
        RegisterUdpSessionParams params = new RegisterUdpSessionParams(UUID.randomUUID(),
                InetAddress.getLoopbackAddress(), 53, Duration.ofSeconds(5), "");

        var answer = client.bootstrap().call(TunnelRpcIds.SESSION_MANAGER, TunnelRpcIds.REGISTER_UDP_SESSION,
                params::write);
        for (int i = 0; i < 4 && !answer.isDone(); i++) {
            pump(edge, channel);
            pump(channel, edge);
        }

        assertThat(RegisterUdpSessionResults.read(answer.join()).err())
                .isEqualTo(CloudflaredRpcService.UDP_SESSIONS_UNSUPPORTED);
        edge.finishAndReleaseAll();
    }

    @Test
    void configurationAnswerCarriesTheVersionInForce() {
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.empty(), null);
        RpcConnection.server(channel, CloudflaredRpcService.create(services, ConnectionMetrics.none()));

        for (byte[] frame : frames("quic/raw/quic-conn1/rpc1.edge2cfd.bin", RPC_SIGNATURE_LENGTH)) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        List<Message.Reader> answers = GoldenRpc.drain(channel);

        assertThat(answers).hasSize(2);
        assertThat(answers.get(1).return_().which()).isEqualTo(Return.RESULTS);
        assertThat(UpdateConfigurationResults.read(answers.get(1).return_().results().content()))
                .satisfies(r -> {
                    assertThat(r.latestAppliedVersion()).isEqualTo(7);
                    assertThat(r.err()).isEmpty();
                });
    }

    private static void pump(EmbeddedChannel from, EmbeddedChannel to) {
        for (Object m; (m = from.readOutbound()) != null; ) {
            to.writeInbound(m);
        }
    }
}
