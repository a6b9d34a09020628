package dev.jflared.transport;

import static dev.jflared.transport.GoldenRpc.drain;
import static dev.jflared.transport.GoldenRpc.frames;
import static dev.jflared.transport.GoldenRpc.golden;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.RpcException;
import dev.jflared.rpc.message.Call;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.message.MessageTarget;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import dev.jflared.testing.Golden;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.capnproto.MessageBuilder;
import org.capnproto.MessageReader;
import org.capnproto.Serialize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registers against the edge's captured answers and checks that what we write decodes to what cloudflared wrote
 * in the same capture (golden {@code quic/raw/quic-conn1/control.*} and {@code quic-rejected/}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlStreamTest {

    private static final String QUIC = "quic/raw/quic-conn1/";
    private static final String SPLIT = "quic/decoded/split/";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final MetricRegistry registry = new MetricRegistry();
    private final ConnectionMetrics connectionMetrics =
            ConnectionMetrics.of(CloudflaredMetrics.register(registry, "test", "now"), 0);

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void registersUpdatesLocalConfigurationAndUnregistersLikeCloudflared() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        String localConfig = UpdateLocalConfigurationParams.read(
                standalone(SPLIT + "control.cfd2edge.m04.content.bin").getRoot(
                        UpdateLocalConfigurationParams.FACTORY)).config();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.of(localConfig), null);
        List<byte[]> answers = frames(QUIC + "control.edge2cfd.bin", 0);
        List<Message.Reader> written = new ArrayList<>();

        CompletableFuture<ControlStream> registered = ControlStream.register(RpcConnection.client(channel),
                GoldenRpc.request(0, registration(goldenParams), services, channel.eventLoop()),
                InetAddress.getByName("127.0.0.1"));
        written.addAll(drain(channel));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(0)));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(1)));
        ControlStream control = registered.getNow(null);
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(2)));
        written.addAll(drain(channel));
        CompletableFuture<Void> unregistered = control.unregister(Duration.ofSeconds(5));
        written.addAll(drain(channel));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(3)));
        written.addAll(drain(channel));

        assertThat(control.details().locationName()).isEqualTo("REF");
        assertThat(control.details().tunnelIsRemotelyManaged()).isFalse();
        assertThat(unregistered).isCompleted();
        assertThat(describe(written)).containsExactlyElementsOf(describe(golden(QUIC + "control.cfd2edge.bin", 0)));
        assertThat(RegisterConnectionParams.read(written.get(1).call().params().content()))
                .isEqualTo(goldenParams);
        assertThat(UpdateLocalConfigurationParams.read(written.get(4).call().params().content()).config())
                .isEqualTo(localConfig);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAnsweredLocalConfigurationPushIsCounted() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.of("{}"), null);
        List<byte[]> answers = frames(QUIC + "control.edge2cfd.bin", 0);

        ControlStream.register(RpcConnection.client(channel), GoldenRpc.request(0, registration(goldenParams),
                services, channel.eventLoop(), connectionMetrics), InetAddress.getByName("127.0.0.1"));
        drain(channel);
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(0)));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(1)));
        String beforeTheAnswer = registry.scrape();
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(2)));
        drain(channel);

        assertThat(beforeTheAnswer).contains("\ncloudflared_config_local_config_pushes 0\n");
        assertThat(registry.scrape()).contains("\ncloudflared_config_local_config_pushes 1\n",
                "\ncloudflared_config_local_config_pushes_errors 0\n",
                "\ncloudflared_rpc_client_operations{handler=\"registration\",method=\"register_connection\"} 1\n",
                "\ncloudflared_rpc_client_operations{handler=\"registration\",method=\"update_local_configuration\"} 1\n",
                "\ncloudflared_rpc_client_latency_secs_count{handler=\"registration\",method=\"register_connection\"} 1\n")
                .doesNotContain("cloudflared_rpc_client_failures{");
    }

    @Test
    void aLocalConfigurationPushThatGetsNoAnswerIsCountedAsAnError() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.of("{}"), null);
        List<byte[]> answers = frames(QUIC + "control.edge2cfd.bin", 0);

        ControlStream.register(RpcConnection.client(channel), GoldenRpc.request(0, registration(goldenParams),
                services, channel.eventLoop(), connectionMetrics), InetAddress.getByName("127.0.0.1"));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(0)));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(1)));
        channel.close();
        channel.runPendingTasks();

        assertThat(registry.scrape()).contains("\ncloudflared_config_local_config_pushes 1\n",
                "\ncloudflared_config_local_config_pushes_errors 1\n",
                "\ncloudflared_rpc_client_failures{handler=\"registration\",method=\"update_local_configuration\"} 1\n");
    }

    @Test
    void registrationParamsCarryTheGoldenValues() throws Exception {
        RegisterConnectionParams params = goldenRegisterParams();

        assertThat(params.auth().accountTag()).isEqualTo(GoldenRpc.ACCOUNT_TAG);
        assertThat(params.auth().tunnelSecret()).isEqualTo(GoldenRpc.SECRET);
        assertThat(params.tunnelId()).isEqualTo(GoldenRpc.TUNNEL_ID);
        assertThat(params.connIndex()).isZero();
        assertThat(params.options().client().version()).isEqualTo("DEV");
        assertThat(params.options().client().arch()).isEqualTo("linux_amd64");
        assertThat(params.options().client().features())
                .containsExactlyInAnyOrderElementsOf(RegistrationInfo.DEFAULT_FEATURES);
        assertThat(params.options().originLocalIp()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(params.options().compressionQuality()).isZero();
        assertThat(params.options().replaceExisting()).isFalse();
    }

    @Test
    void registerConnectionParamsAreByteForByteCloudflaredsForTheSameClientId() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.empty(), null);

        ControlStream.register(RpcConnection.client(channel),
                GoldenRpc.request(0, registration(goldenParams), services, channel.eventLoop()),
                InetAddress.getByName("127.0.0.1"));
        List<Message.Reader> written = drain(channel);

        MessageBuilder ours = new MessageBuilder();
        ours.setRoot(RegisterConnectionParams.FACTORY,
                written.get(1).call().params().content().getAs(RegisterConnectionParams.FACTORY));
        assertThat(toBytes(ours)).isEqualTo(Golden.bytes(SPLIT + "control.cfd2edge.m01.content.bin"));
    }

    @Test
    void noLocalConfigurationIsSentForOtherConnectionsOrWithoutOne() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.of("{}"), null);
        List<byte[]> answers = frames(QUIC + "control.edge2cfd.bin", 0);

        CompletableFuture<ControlStream> registered = ControlStream.register(RpcConnection.client(channel),
                GoldenRpc.request(1, registration(goldenParams), services, channel.eventLoop()),
                InetAddress.getByName("127.0.0.1"));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(0)));
        channel.writeInbound(Unpooled.wrappedBuffer(answers.get(1)));
        List<Message.Reader> written = drain(channel);

        assertThat(registered).isCompleted();
        assertThat(written).noneMatch(m -> m.which() == Message.Which.CALL
                && m.call().methodId() == TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION);
    }

    @Test
    void rejectedRegistrationFailsWithTheEdgesCause() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.of("{}"), null);

        CompletableFuture<ControlStream> registered = ControlStream.register(RpcConnection.client(channel),
                GoldenRpc.request(0, registration(goldenParams), services, channel.eventLoop()),
                InetAddress.getByName("127.0.0.1"));
        List<Message.Reader> written = new ArrayList<>(drain(channel));
        for (byte[] answer : frames("quic-rejected/raw/quic-conn1/control.edge2cfd.bin", 0)) {
            channel.writeInbound(Unpooled.wrappedBuffer(answer));
        }
        written.addAll(drain(channel));

        assertThat(registered).isCompletedExceptionally();
        Throwable cause = catchCause(registered);
        assertThat(cause).isInstanceOf(RegistrationRejectedException.class)
                .hasMessage("Unauthorized: refedge rejected registration (mismatched tunnel secret)");
        assertThat(((RegistrationRejectedException) cause).retryAfter()).isZero();
        assertThat(((RegistrationRejectedException) cause).shouldRetry()).isFalse();
        // cloudflared exited while writing its fourth message (the capture ends inside "finish q=1"); its deferred
        // Close() sends release and abort, as we do.
        assertThat(describe(written).subList(0, 3)).containsExactlyElementsOf(
                describe(golden("quic-rejected/raw/quic-conn1/control.cfd2edge.bin", 0)));
        assertThat(describe(written).subList(3, written.size())).containsExactly("finish q=1", "release id=0 count=1",
                "abort rpc: shutdown type=0");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void registrationFailsWhenTheControlStreamCloses() throws Exception {
        RegisterConnectionParams goldenParams = goldenRegisterParams();
        GoldenRpc.RecordingServices services = new GoldenRpc.RecordingServices(Optional.empty(), null);

        CompletableFuture<ControlStream> registered = ControlStream.register(RpcConnection.client(channel),
                GoldenRpc.request(0, registration(goldenParams), services, channel.eventLoop()),
                InetAddress.getByName("127.0.0.1"));
        channel.close();
        channel.runPendingTasks();

        assertThat(catchCause(registered)).isInstanceOf(RpcException.class);
    }

    private static Throwable catchCause(CompletableFuture<?> future) {
        try {
            future.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** The registration cloudflared made in the capture, with its client id and feature order. */
    private static RegistrationInfo registration(RegisterConnectionParams goldenParams) {
        ClientInfo client = goldenParams.options().client();
        return new RegistrationInfo(GoldenRpc.credentials(), client.clientId(), client.features(), "DEV",
                "linux_amd64", false, 0);
    }

    private static RegisterConnectionParams goldenRegisterParams() throws Exception {
        return RegisterConnectionParams.read(standalone(SPLIT + "control.cfd2edge.m01.content.bin")
                .getRoot(RegisterConnectionParams.FACTORY));
    }

    private static MessageReader standalone(String relative) throws Exception {
        return Serialize.read(ByteBuffer.wrap(Golden.bytes(relative)));
    }

    private static byte[] toBytes(MessageBuilder message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Serialize.write(Channels.newChannel(out), message);
        return out.toByteArray();
    }

    /** One line per message: kind, ids, target, interface and method; uuids and params aside. */
    static List<String> describe(List<Message.Reader> messages) {
        return messages.stream().map(ControlStreamTest::describe).toList();
    }

    private static String describe(Message.Reader message) {
        return switch (message.which()) {
            case BOOTSTRAP -> "bootstrap q=" + message.bootstrap().questionId();
            case CALL -> {
                Call.Reader call = message.call();
                yield "call q=" + call.questionId() + " target=" + target(call.target()) + " iface=0x"
                        + Long.toHexString(call.interfaceId()) + " method=" + call.methodId();
            }
            case FINISH -> "finish q=" + message.finish().questionId();
            case RELEASE -> "release id=" + message.release().id() + " count=" + message.release().referenceCount();
            case ABORT -> "abort " + message.abort().reason() + " type=" + message.abort().type();
            case RETURN -> "return a=" + message.return_().answerId();
            default -> message.which().toString();
        };
    }

    private static String target(MessageTarget.Reader target) {
        return target.which() == MessageTarget.IMPORTED_CAP ? "importedCap(" + target.importedCap() + ")"
                : "promisedAnswer(" + target.promisedAnswer().questionId() + ")";
    }
}
