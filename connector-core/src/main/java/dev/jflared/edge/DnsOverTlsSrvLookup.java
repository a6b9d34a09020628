package dev.jflared.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One SRV query over DNS-over-TLS (RFC 7858: DNS's TCP framing inside TLS), cloudflared's fallback when the system
 * resolver fails ({@code lookupSRVWithDOT}, {@code edgediscovery/allregions/discovery.go}: {@code 1.1.1.1:853},
 * server name {@code cloudflare-dns.com}, 15 s). The server's certificate is verified, host name included.
 */
final class DnsOverTlsSrvLookup {

    private final InetSocketAddress server;
    private final String serverName;
    private final SslContext sslContext;
    private final Duration timeout;
    private final ChannelFactory<? extends SocketChannel> channelFactory;

    DnsOverTlsSrvLookup(InetSocketAddress server, String serverName, SslContext sslContext, Duration timeout,
            ChannelFactory<? extends SocketChannel> channelFactory) {
        this.server = server;
        this.serverName = serverName;
        this.sslContext = sslContext;
        this.timeout = timeout;
        this.channelFactory = channelFactory;
    }

    /** The server queried. */
    InetSocketAddress server() {
        return server;
    }

    /** Looks up the SRV records of {@code name}, sorted by priority; fails on a DNS error or timeout. */
    Future<List<SrvRecord>> lookup(EventLoop loop, String name) {
        Promise<List<SrvRecord>> promise = loop.newPromise();
        int queryId = ThreadLocalRandom.current().nextInt(1 << 16);
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc(), serverName, server.getPort()));
                        ch.pipeline().addLast("dnsQueryEncoder", new TcpDnsQueryEncoder());
                        ch.pipeline().addLast("dnsResponseDecoder", new TcpDnsResponseDecoder());
                        ch.pipeline().addLast("srvAnswer", new SrvAnswerHandler(name, queryId, promise));
                    }
                });
        ScheduledFuture<?> deadline = loop.schedule(
                () -> promise.tryFailure(new IOException("DNS-over-TLS query to " + server + " timed out after "
                        + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        ChannelFuture connect = bootstrap.connect(server);
        connect.addListener(f -> {
            Channel channel = connect.channel();
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            promise.addListener(done -> channel.close());
            DnsQuery query = new DefaultDnsQuery(queryId, DnsOpCode.QUERY).setRecursionDesired(true);
            query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, DnsRecordType.SRV));
            channel.writeAndFlush(query).addListener(written -> {
                if (!written.isSuccess()) {
                    promise.tryFailure(written.cause());
                }
            });
        });
        promise.addListener(done -> deadline.cancel(false));
        return promise;
    }

    /** Completes the promise from the first response; the decoder's response is released by the superclass. */
    private static final class SrvAnswerHandler extends SimpleChannelInboundHandler<DnsResponse> {
        private final String name;
        private final int queryId;
        private final Promise<List<SrvRecord>> promise;

        SrvAnswerHandler(String name, int queryId, Promise<List<SrvRecord>> promise) {
            this.name = name;
            this.queryId = queryId;
            this.promise = promise;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsResponse response) {
            if (response.id() != queryId) {
                promise.tryFailure(new IOException("DNS-over-TLS answer has id " + response.id() + "; the query's"
                        + " id was " + queryId));
                return;
            }
            if (response.code() != DnsResponseCode.NOERROR) {
                promise.tryFailure(new IOException("DNS-over-TLS answered " + response.code() + " for " + name));
                return;
            }
            List<DnsRecord> answers = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                answers.add(response.recordAt(DnsSection.ANSWER, i));
            }
            try {
                promise.trySuccess(SrvRecord.decodeAll(answers));
            } catch (IllegalArgumentException e) {
                promise.tryFailure(e);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            promise.tryFailure(new ClosedChannelException());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            promise.tryFailure(cause);
            ctx.close();
        }
    }
}
