package dev.jflared.rpc;

import static dev.jflared.rpc.RpcTestSupport.REGISTRATION_SERVER;
import static dev.jflared.rpc.RpcTestSupport.describeAll;
import static dev.jflared.rpc.RpcTestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.Message;
import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the connection does with messages it does not expect: answer them well-formed, or abort cleanly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcConnectionBadInputTest {

    @Test
    void unknownMessageKindIsEchoedAsUnimplemented() {
        EmbeddedChannel channel = serverChannel();
        MessageBuilder unknown = RpcMessages.newMessage();
        RpcMessages.root(unknown).setRawWhich(20);

        channel.writeInbound(frame(unknown));

        assertThat(describeAll(drainOutbound(channel))).containsExactly("unimplemented(not_in_schema tag=20)");
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void resolveAndDisembargoAreEchoedAsUnimplemented() {
        EmbeddedChannel channel = serverChannel();
        MessageBuilder resolve = RpcMessages.newMessage();
        RpcMessages.root(resolve).initResolve().setPromiseId(3).initCap().setSenderHosted(1);
        MessageBuilder disembargo = RpcMessages.newMessage();
        RpcMessages.root(disembargo).initDisembargo().setSenderLoopback(4).initTarget().setImportedCap(0);

        channel.writeInbound(frame(resolve));
        channel.writeInbound(frame(disembargo));
        List<String> written = describeAll(drainOutbound(channel));

        assertThat(written).containsExactly("unimplemented(resolve tag=5)", "unimplemented(disembargo tag=13)");
        channel.finishAndReleaseAll();
    }

    @Test
    void messageHoldingACapabilityPointerIsEchoedByKindOnly() {
        EmbeddedChannel channel = serverChannel();
        long root = 1L << 32 | 1L << 48;
        long provideTag = 10;
        long capability = 3L;

        channel.writeInbound(Unpooled.wrappedBuffer(words(root, provideTag, capability)));

        assertThat(describeAll(drainOutbound(channel))).containsExactly("unimplemented(provide tag=10)");
        channel.finishAndReleaseAll();
    }

    @Test
    void framingViolationAbortsClosesAndFailsOutstandingCalls() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        RemoteCapability capability = rpc.bootstrap();
        drainOutbound(channel);

        channel.writeInbound(Unpooled.buffer().writeIntLE(-1));
        List<String> written = describeAll(drainOutbound(channel));

        assertThat(written).singleElement().asString().startsWith("abort \"rpc: segment count 4294967296");
        assertThat(channel.isOpen()).isFalse();
        assertThat(capability.whenResolved()).isCompletedExceptionally();
        assertThat(rpc.closeFuture()).isCompleted();
        channel.finishAndReleaseAll();
    }

    @Test
    void returnForAQuestionNeverAskedAborts() {
        EmbeddedChannel channel = serverChannel();
        MessageBuilder ret = RpcMessages.exceptionReturn(77, false, RpcException.Type.FAILED, "x");

        channel.writeInbound(frame(ret));

        assertThat(describeAll(drainOutbound(channel)))
                .containsExactly("abort \"rpc: return for unknown question 77\" type=0");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void callWhoseTargetIsNotAStructAborts() {
        EmbeddedChannel channel = serverChannel();
        long root = 1L << 32 | 1L << 48;
        long callTag = 2;
        long callPointer = 3L << 32 | 3L << 48;
        long byteList = 1L | 2L << 32;

        channel.writeInbound(Unpooled.wrappedBuffer(
                words(root, callTag, callPointer, 0, 0, 0, byteList, 0, 0)));

        assertThat(describeAll(drainOutbound(channel))).singleElement().asString()
                .startsWith("abort \"rpc: malformed message:");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void callOnUnknownExportOrUnfinishedAnswerGetsAnExceptionReturn() {
        EmbeddedChannel channel = serverChannel();

        channel.writeInbound(frame(call(1, 5, -1)));
        channel.writeInbound(frame(call(2, -1, 9)));

        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "return a=1 releaseParamCaps=false exception=\"rpc: call on unknown export 5\" type=0",
                "return a=2 releaseParamCaps=false exception=\"rpc: pipelined call on question 9, which holds no"
                        + " capability\" type=0");
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void bootstrapOfAClientOnlyConnectionIsRefused() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection.client(channel);

        channel.writeInbound(frame(RpcMessages.bootstrap(0)));

        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "return a=0 releaseParamCaps=false exception=\"rpc: this vat offers no bootstrap capability\" type=0");
        channel.finishAndReleaseAll();
    }

    @Test
    void peerAbortEndsTheConnectionWithoutAnswering() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        RemoteCapability capability = rpc.bootstrap();
        drainOutbound(channel);

        channel.writeInbound(frame(RpcMessages.abort(RpcException.Type.FAILED, "rpc: shutdown")));

        assertThatThrownBy(() -> capability.whenResolved().join()).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.type()).isEqualTo(RpcException.Type.DISCONNECTED);
                    assertThat(e.reason()).contains("rpc: shutdown");
                });
        assertThat(drainOutbound(channel)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(rpc.closeFuture()).isCompleted();
        channel.finishAndReleaseAll();
    }

    @Test
    void callEchoedAsUnimplementedFailsThatCallOnly() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        RemoteCapability capability = rpc.bootstrap();
        CompletableFuture<AnyPointer.Reader> call = capability.call(REGISTRATION_SERVER, 0, p -> { });
        List<byte[]> sent = goldenFramesOf(channel);

        MessageBuilder echo = RpcMessages.newMessage();
        RpcMessages.root(echo).setUnimplemented(
                RpcTestSupport.decodeAll(sent.get(1)).get(0).getRoot(Message.factory));
        channel.writeInbound(frame(echo));

        assertThatThrownBy(call::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.UNIMPLEMENTED));
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void finishBeforeTheHandlerCompletesIsAnsweredCanceled() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection.server(channel, CapabilityServer.builder().method(REGISTRATION_SERVER, 0, c -> work).build());

        channel.writeInbound(frame(RpcMessages.bootstrap(0)));
        channel.writeInbound(frame(call(1, -1, 0)));
        channel.writeInbound(frame(RpcMessages.finish(1, true)));

        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "return a=0 releaseParamCaps=false results=cap(0) caps=[senderHosted(0)]",
                "return a=1 releaseParamCaps=false canceled");
        channel.finishAndReleaseAll();
    }

    @Test
    void releasedExportCannotBeCalled() {
        EmbeddedChannel channel = serverChannel();

        channel.writeInbound(frame(RpcMessages.bootstrap(0)));
        channel.writeInbound(frame(RpcMessages.finish(0, false)));
        channel.writeInbound(frame(RpcMessages.release(0, 1)));
        channel.writeInbound(frame(RpcMessages.release(0, 1)));
        channel.writeInbound(frame(call(1, 0, -1)));

        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "return a=0 releaseParamCaps=false results=cap(0) caps=[senderHosted(0)]",
                "return a=1 releaseParamCaps=false exception=\"rpc: call on unknown export 0\" type=0");
        channel.finishAndReleaseAll();
    }

    @Test
    void handlerCancelledWhenThePeerFinishesEarly() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection.server(channel, CapabilityServer.builder().method(REGISTRATION_SERVER, 0, c -> work).build());

        channel.writeInbound(frame(RpcMessages.bootstrap(0)));
        channel.writeInbound(frame(call(1, -1, 0)));
        channel.writeInbound(frame(RpcMessages.finish(1, true)));

        assertThatThrownBy(work::join).isInstanceOf(CancellationException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void mutatedCloudflaredStreamsNeverEscapeOrLeak() {
        Random random = new Random(0x5eed);
        byte[] toServer = Golden.bytes("quic/raw/quic-conn1/control.cfd2edge.bin");
        byte[] rpc1 = Golden.bytes("quic/raw/quic-conn1/rpc1.edge2cfd.bin");
        byte[] toClient = Golden.bytes("quic/raw/quic-conn1/control.edge2cfd.bin");

        for (int i = 0; i < 2000; i++) {
            byte[] serverInput = mutate(i % 2 == 0 ? toServer : Arrays.copyOfRange(rpc1, 6, rpc1.length),
                    random);
            EmbeddedChannel server = new EmbeddedChannel();
            RpcConnection.server(server, i % 2 == 0 ? TunnelRpcShapes.registrationServer()
                    : TunnelRpcShapes.cloudflaredServer());
            server.writeInbound(Unpooled.wrappedBuffer(serverInput));
            drainOutbound(server);
            server.finishAndReleaseAll();

            EmbeddedChannel client = new EmbeddedChannel();
            RpcConnection rpc = RpcConnection.client(client);
            CompletableFuture<AnyPointer.Reader> registered =
                    rpc.bootstrap().call(REGISTRATION_SERVER, 0, TunnelRpcShapes::registerConnectionParams);
            client.writeInbound(Unpooled.wrappedBuffer(mutate(toClient, random)));
            rpc.shutdown();
            drainOutbound(client);
            client.finishAndReleaseAll();

            assertThat(registered).isDone();
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int position = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[position] = (byte) random.nextInt(256);
                case 1 -> bytes[position] ^= (byte) (1 << random.nextInt(8));
                default -> bytes[position] = (byte) (random.nextBoolean() ? 0 : 0xFF);
            }
        }
        if (random.nextInt(10) == 0) {
            return Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static EmbeddedChannel serverChannel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection.server(channel, TunnelRpcShapes.registrationServer());
        return channel;
    }

    /** A call to RegistrationServer.registerConnection on an export ({@code importedCap >= 0}) or an answer. */
    private static MessageBuilder call(int questionId, int importedCap, int promisedAnswer) {
        MessageBuilder message = new MessageBuilder();
        Call.Builder call = RpcMessages.root(message).initCall();
        call.setQuestionId(questionId).setInterfaceId(REGISTRATION_SERVER).setMethodId(0).setSendResultsToCaller();
        if (importedCap >= 0) {
            call.initTarget().setImportedCap(importedCap);
        } else {
            call.initTarget().initPromisedAnswer().setQuestionId(promisedAnswer);
        }
        call.initParams().initCapTable(0);
        return message;
    }

    private static ByteBuf frame(MessageBuilder message) {
        ByteBuf out = Unpooled.buffer();
        CapnpFrameEncoder.writeFrame(message.getSegmentsForOutput(), out);
        return out;
    }

    /** One single-segment frame holding {@code words}. */
    private static byte[] words(long... words) {
        ByteBuffer out = ByteBuffer.allocate(8 + 8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0).putInt(words.length);
        for (long word : words) {
            out.putLong(word);
        }
        return out.array();
    }

    private static List<byte[]> goldenFramesOf(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        List<byte[]> frames = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            int words = ByteBuffer.wrap(bytes, offset + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            frames.add(Arrays.copyOfRange(bytes, offset, offset + 8 + words * 8));
            offset += 8 + words * 8;
        }
        return frames;
    }
}
