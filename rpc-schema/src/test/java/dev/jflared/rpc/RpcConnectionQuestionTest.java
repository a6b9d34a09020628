package dev.jflared.rpc;

import static dev.jflared.rpc.RpcTestSupport.REGISTRATION_SERVER;
import static dev.jflared.rpc.RpcTestSupport.describeAll;
import static dev.jflared.rpc.RpcTestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Question ids, timeouts and send failures of the client side, on a channel whose clock the test drives. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcConnectionQuestionTest {

    @Test
    void timedOutCallIsFinishedAndItsIdIsReusedOnlyAfterTheLateReturn() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        RpcConnection rpc = RpcConnection.client(channel);
        RemoteCapability capability = rpc.bootstrap();
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 0)));
        drainOutbound(channel);

        CompletableFuture<AnyPointer.Reader> slow =
                capability.call(REGISTRATION_SERVER, 0, p -> { }, Duration.ofSeconds(5));
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        CompletableFuture<AnyPointer.Reader> whileOutstanding = capability.call(REGISTRATION_SERVER, 1, p -> { });
        channel.writeInbound(frame(RpcMessages.canceledReturn(0, false)));
        CompletableFuture<AnyPointer.Reader> afterReturn = capability.call(REGISTRATION_SERVER, 2, p -> { });

        assertThatThrownBy(slow::join).cause().isInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("method 0").hasMessageContaining("PT5S");
        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "call q=0 target=importedCap(0) iface=0xf71695ec7fe85497 method=0 params=null caps=[] sendResultsTo=0",
                "finish q=0 releaseResultCaps=true",
                "call q=1 target=importedCap(0) iface=0xf71695ec7fe85497 method=1 params=null caps=[] sendResultsTo=0",
                "call q=0 target=importedCap(0) iface=0xf71695ec7fe85497 method=2 params=null caps=[] sendResultsTo=0");
        assertThat(whileOutstanding).isNotDone();
        assertThat(afterReturn).isNotDone();
        channel.finishAndReleaseAll();
    }

    @Test
    void callTooLargeToSendFailsAloneAndFreesItsId() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcOptions options = RpcOptions.DEFAULT.withLimits(new CapnpLimits(4, 1024, 1 << 20, 64));
        RpcConnection rpc = RpcConnection.client(channel, options);
        RemoteCapability capability = rpc.bootstrap();
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 0)));
        drainOutbound(channel);

        CompletableFuture<AnyPointer.Reader> tooLarge = capability.call(REGISTRATION_SERVER, 2,
                p -> p.initAs(TunnelRpcShapes.ONE_POINTER).setData(0, new byte[4096]));
        CompletableFuture<AnyPointer.Reader> next = capability.call(REGISTRATION_SERVER, 1, p -> { });

        assertThatThrownBy(tooLarge::join).cause().isInstanceOf(RpcException.class)
                .hasMessageContaining("could not send").hasMessageContaining("exceeds the limit of 1024");
        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "call q=0 target=importedCap(0) iface=0xf71695ec7fe85497 method=1 params=null caps=[] sendResultsTo=0");
        assertThat(next).isNotDone();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void callsAfterShutdownFailAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        RemoteCapability capability = rpc.bootstrap();

        rpc.shutdown();
        CompletableFuture<AnyPointer.Reader> late = capability.call(REGISTRATION_SERVER, 0, p -> { });

        assertThatThrownBy(late::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.DISCONNECTED));
        assertThat(describeAll(drainOutbound(channel)))
                .containsExactly("bootstrap q=0", "abort \"rpc: shutdown\" type=0");
        assertThat(rpc.bootstrap().whenResolved()).isCompletedExceptionally();
        channel.finishAndReleaseAll();
    }

    private static ByteBuf frame(MessageBuilder message) {
        ByteBuf out = Unpooled.buffer();
        CapnpFrameEncoder.writeFrame(message.getSegmentsForOutput(), out);
        return out;
    }
}
