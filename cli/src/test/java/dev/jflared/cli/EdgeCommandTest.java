package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jflared.config.CredentialsLoader;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.quic.EdgeQuicDialer;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionOptions;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.rpc.schema.TunnelRpcIds;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jflared edge}: JSON lines on standard output, a connector registering, a clean stop. */
@Timeout(60)
class EdgeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void printsListeningThenTheRegistrationOfAConnectorAndStopsCleanly() throws Exception {
        Lines lines = new Lines();
        EdgeCommand command = new EdgeCommand(new PrintStream(lines, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(command)
                .execute("--tls-dir", dir.toString(), "--listen", "127.0.0.1:0", "--eyeball", "127.0.0.1:0",
                        "--location", "CLI"));

        JsonNode listening = lines.take();
        assertThat(listening.get("event").asText()).isEqualTo("listening");
        assertThat(listening.get("ca").asText()).isEqualTo(dir.resolve("ca.pem").toString());
        assertThat(listening.get("credentialsFile").asText()).isEqualTo(dir.resolve("credentials.json").toString());
        TunnelCredentials credentials = CredentialsLoader.fromFile(dir.resolve("credentials.json"));
        assertThat(listening.get("tunnelId").asText()).isEqualTo(credentials.tunnelId().toString());
        String[] edge = listening.get("edge").get(0).asText().split(":");

        ConnectionResponse response = register(new InetSocketAddress(edge[0], Integer.parseInt(edge[1])),
                EdgeTrust.fromCaCertFile(dir.resolve("ca.pem")), credentials);

        assertThat(response).isInstanceOfSatisfying(ConnectionDetails.class,
                details -> assertThat(details.locationName()).isEqualTo("CLI"));
        JsonNode register = lines.takeType("register");
        assertThat(register.get("result").asText()).isEqualTo("ok");
        assertThat(register.get("connIndex").asInt()).isEqualTo(0);
        assertThat(register.get("location").asText()).isEqualTo("CLI");
        command.stop();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void malformedListenAddressFailsNamingTheFlag(@TempDir Path home) {
        CliRun run = CliRun.run(home, Map.of(), "edge", "--tls-dir", dir.toString(), "--listen", "nowhere");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--listen: expected HOST:PORT, got \"nowhere\"");
    }

    private static ConnectionResponse register(InetSocketAddress edge, EdgeTrust trust, TunnelCredentials credentials)
            throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EdgeQuicDialer dialer = EdgeQuicDialer.builder()
                    .eventLoopGroup(group)
                    .trust(trust)
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            stream.close();
                        }
                    })
                    .build();
            QuicChannel quic = dialer.dial(edge).get(10, TimeUnit.SECONDS);
            QuicStreamChannel control = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInboundHandlerAdapter()).get(5, TimeUnit.SECONDS);
            RpcConnection rpc = RpcConnection.client(control);
            RegisterConnectionParams params = new RegisterConnectionParams(
                    new TunnelAuth(credentials.accountTag(), credentials.tunnelSecret()), credentials.tunnelId(), 0,
                    new ConnectionOptions(new ClientInfo(UUID.randomUUID(), List.of("support_quic_eof"), "test",
                            "linux_amd64"), InetAddress.getLoopbackAddress(), false, 0, 0));
            ConnectionResponse response = rpc.bootstrap()
                    .call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, params::write)
                    .thenApply(RegisterConnectionResults::read)
                    .get(10, TimeUnit.SECONDS);
            rpc.shutdown().get(5, TimeUnit.SECONDS);
            quic.close().sync();
            return response;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Standard output split into JSON lines as they are printed. */
    private static final class Lines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        JsonNode take() throws Exception {
            String next = lines.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("a JSON line within 10 s").isNotNull();
            return JSON.readTree(next);
        }

        JsonNode takeType(String type) throws Exception {
            while (true) {
                JsonNode next = take();
                if (next.get("event").asText().equals(type)) {
                    return next;
                }
            }
        }
    }
}
