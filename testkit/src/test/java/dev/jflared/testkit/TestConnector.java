package dev.jflared.testkit;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RemoteCapability;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionOptions;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.rpc.schema.UpdateConfigurationResults;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays a connector against a {@link LocalEdge} with the typed RPC messages: one QUIC connection, its control
 * stream, and the streams the edge opens ({@link ConnectorDataStream} for requests; RPC streams are served with a
 * {@code ConfigurationManager} that applies every version).
 *
 * <p>transport-quic's {@code EdgeQuicDialer} cannot be used here: transport-quic's tests depend on this module,
 * and Maven refuses the cycle. The settings below are the few a connector needs (ALPN, SNI, trust, streams).
 */
final class TestConnector implements AutoCloseable {

    static final UUID CLIENT_ID = UUID.fromString("d806ca58-c81b-42ec-9d21-ed63cd415b6d");
    static final List<String> FEATURES = List.of("allow_remote_config", "serialized_headers",
            "support_datagram_v2", "support_quic_eof", "management_logs");

    final QuicChannel quic;
    final BlockingQueue<ConnectorDataStream> requests;
    final BlockingQueue<UpdateConfigurationParams> configurations;
    private final RemoteCapability registration;
    private final RpcConnection control;

    private TestConnector(QuicChannel quic, BlockingQueue<ConnectorDataStream> requests,
            BlockingQueue<UpdateConfigurationParams> configurations) throws Exception {
        this.quic = quic;
        this.requests = requests;
        this.configurations = configurations;
        QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                .get(5, TimeUnit.SECONDS);
        this.control = RpcConnection.client(stream);
        this.registration = control.bootstrap();
    }

    static TestConnector connect(EventLoopGroup group, LocalEdge edge) throws Exception {
        return connect(group, edge, edge.connectorAddresses().get(0));
    }

    static TestConnector connect(EventLoopGroup group, LocalEdge edge, InetSocketAddress address) throws Exception {
        QuicSslContext ssl = QuicSslContextBuilder.forClient()
                .trustManager(edge.caFile().toFile())
                .applicationProtocols("argotunnel")
                .build();
        Channel udp = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder()
                        .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "quic.cftunnel.com", address.getPort()))
                        .maxIdleTimeout(30, TimeUnit.SECONDS)
                        .initialMaxData(30L << 20)
                        .initialMaxStreamDataBidirectionalLocal(6L << 20)
                        .initialMaxStreamDataBidirectionalRemote(6L << 20)
                        .initialMaxStreamsBidirectional(1000)
                        .datagram(16, 16)
                        .build())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        BlockingQueue<ConnectorDataStream> requests = new LinkedBlockingQueue<>();
        BlockingQueue<UpdateConfigurationParams> configurations = new LinkedBlockingQueue<>();
        CapabilityServer cloudflared = CapabilityServer.builder()
                .method(TunnelRpcIds.CONFIGURATION_MANAGER, TunnelRpcIds.UPDATE_CONFIGURATION, call -> {
                    UpdateConfigurationParams params = UpdateConfigurationParams.read(call.params());
                    configurations.add(params);
                    UpdateConfigurationResults.write(new UpdateConfigurationResponse(params.version(), ""),
                            call.results());
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                })
                .build();
        QuicChannel quic;
        try {
            quic = QuicChannel.newBootstrap(udp)
                    .handler(new ChannelInboundHandlerAdapter())
                    .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .streamOption(ChannelOption.AUTO_READ, false)
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            stream.pipeline().addLast(new ConnectorDataStream.Classifier(requests, cloudflared));
                        }
                    })
                    .remoteAddress(address)
                    .connect()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            udp.close().sync();
            throw e;
        }
        quic.closeFuture().addListener(f -> udp.close());
        return new TestConnector(quic, requests, configurations);
    }

    ConnectionResponse register(TunnelCredentials credentials, int connIndex) throws Exception {
        ConnectionOptions options = new ConnectionOptions(new ClientInfo(CLIENT_ID, FEATURES, "DEV", "linux_amd64"),
                InetAddress.getLoopbackAddress(), false, 0, 0);
        RegisterConnectionParams params = new RegisterConnectionParams(
                new TunnelAuth(credentials.accountTag(), credentials.tunnelSecret()), credentials.tunnelId(),
                connIndex, options);
        return registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, params::write)
                .thenApply(RegisterConnectionResults::read)
                .get(10, TimeUnit.SECONDS);
    }

    void updateLocalConfiguration(String json) throws Exception {
        registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION,
                new UpdateLocalConfigurationParams(json)::write).get(10, TimeUnit.SECONDS);
    }

    /** One keep-alive ping on the control stream, as jflared's QUIC connections send every second. */
    Duration ping() throws Exception {
        return control.ping(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    }

    void unregister() throws Exception {
        registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UNREGISTER_CONNECTION, p -> { })
                .get(10, TimeUnit.SECONDS);
    }

    /** The next request stream the edge opened, waiting at most 10 s. */
    ConnectorDataStream takeRequest() throws InterruptedException {
        ConnectorDataStream request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the edge opened no request stream within 10 s");
        }
        return request;
    }

    @Override
    public void close() throws Exception {
        control.shutdown();
        quic.close().sync();
    }
}
