package dev.jflared.rpc;

import static dev.jflared.rpc.RpcTestSupport.CONFIGURATION_MANAGER;
import static dev.jflared.rpc.RpcTestSupport.REGISTRATION_SERVER;
import static dev.jflared.rpc.RpcTestSupport.RPC_STREAM_SIGNATURE_LENGTH;
import static dev.jflared.rpc.RpcTestSupport.describeAll;
import static dev.jflared.rpc.RpcTestSupport.drainOutbound;
import static dev.jflared.rpc.RpcTestSupport.goldenFrames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capnproto.AnyPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays cloudflared's captured RPC streams against our connection in each role and checks that what we write has
 * the shape of what the other side wrote in the capture.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcConnectionReplayTest {

    @ParameterizedTest
    @ValueSource(strings = {"quic/raw/quic-conn1", "http2/raw/http2-conn1"})
    void serverAnswersCloudflaredsControlStreamLikeTheEdge(String dir) {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.server(channel, TunnelRpcShapes.registrationServer());

        for (byte[] frame : goldenFrames(dir + "/control.cfd2edge.bin", 0)) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        List<CapnpMessage> written = drainOutbound(channel);

        assertThat(describeAll(written)).containsExactlyElementsOf(RpcMessageGoldenTest.CONTROL_EDGE2CFD);
        assertThat(rpc.closeFuture()).isCompleted();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"quic/raw/quic-conn1", "http2/raw/http2-conn1"})
    void clientWritesCloudflaredsControlStreamWhenTheEdgeAnswersAsCaptured(String dir) {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        List<byte[]> answers = goldenFrames(dir + "/control.edge2cfd.bin", 0);
        List<CapnpMessage> written = new ArrayList<>();

        RemoteCapability registration = rpc.bootstrap();
        CompletableFuture<AnyPointer.Reader> registered =
                registration.call(REGISTRATION_SERVER, 0, TunnelRpcShapes::registerConnectionParams);
        written.addAll(drainOutbound(channel));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(0)));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(1)));
        String location = TunnelRpcShapes.locationName(registered.join());
        CompletableFuture<AnyPointer.Reader> configured =
                registration.call(REGISTRATION_SERVER, 2, TunnelRpcShapes::updateLocalConfigurationParams);
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(2)));
        CompletableFuture<AnyPointer.Reader> unregistered =
                registration.call(REGISTRATION_SERVER, 1, TunnelRpcShapes::emptyParams);
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(3)));
        rpc.shutdown();
        written.addAll(drainOutbound(channel));

        assertThat(location).isEqualTo("REF");
        assertThat(configured).isCompleted();
        assertThat(unregistered).isCompleted();
        assertThat(describeAll(written)).containsExactlyElementsOf(RpcMessageGoldenTest.CONTROL_CFD2EDGE);
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void serverAnswersTheEdgesConfigurationPushLikeCloudflared() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection.server(channel, TunnelRpcShapes.cloudflaredServer());

        for (byte[] frame : goldenFrames("quic/raw/quic-conn1/rpc1.edge2cfd.bin", RPC_STREAM_SIGNATURE_LENGTH)) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
        }
        List<CapnpMessage> written = drainOutbound(channel);

        assertThat(describeAll(written)).containsExactlyElementsOf(RpcMessageGoldenTest.RPC1_CFD2EDGE);
        assertThat(TunnelRpcShapes.latestAppliedVersion(
                written.get(1).getRoot(Message.factory).return_().results().content()))
                .isEqualTo(7);
        channel.finishAndReleaseAll();
    }

    @Test
    void clientPushesConfigurationLikeTheEdge() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        List<byte[]> answers = goldenFrames("quic/raw/quic-conn1/rpc1.cfd2edge.bin", 0);

        CompletableFuture<AnyPointer.Reader> updated = rpc.bootstrap()
                .call(CONFIGURATION_MANAGER, 0, TunnelRpcShapes::updateConfigurationParams);
        List<CapnpMessage> written = new ArrayList<>(drainOutbound(channel));
        for (byte[] answer : answers) {
            channel.writeInbound(Unpooled.wrappedBuffer(answer));
        }
        rpc.shutdown();
        written.addAll(drainOutbound(channel));

        assertThat(TunnelRpcShapes.latestAppliedVersion(updated.join())).isEqualTo(7);
        assertThat(describeAll(written)).containsExactlyElementsOf(RpcMessageGoldenTest.RPC1_EDGE2CFD);
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectedRegistrationReachesTheCallerAsResults() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        List<byte[]> answers = goldenFrames("quic-rejected/raw/quic-conn1/control.edge2cfd.bin", 0);

        CompletableFuture<AnyPointer.Reader> registered = rpc.bootstrap()
                .call(REGISTRATION_SERVER, 0, TunnelRpcShapes::registerConnectionParams);
        for (byte[] answer : answers) {
            channel.writeInbound(Unpooled.wrappedBuffer(answer));
        }
        RawStruct.Reader response = registered.join().getAs(TunnelRpcShapes.ONE_POINTER)
                .getStruct(0, TunnelRpcShapes.CONNECTION_RESPONSE);
        List<CapnpMessage> written = drainOutbound(channel);

        assertThat(response.getShort(0)).as("union tag: error").isZero();
        assertThat(response.getStruct(0, RawStruct.factory(1, 1)).getText(0)).startsWith("Unauthorized:");
        assertThat(describeAll(written)).containsExactlyElementsOf(RpcMessageGoldenTest.CONTROL_CFD2EDGE.subList(0, 4));
        channel.finishAndReleaseAll();
    }
}
