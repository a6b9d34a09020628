package dev.jflared.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny authoritative DNS server on loopback for discovery tests: over UDP like a system resolver, or over TLS
 * like the DNS-over-TLS fallback. It answers SRV, A and AAAA questions from records the test adds, NXDOMAIN for
 * anything else, and counts the questions it was asked.
 */
final class TestDnsServer implements AutoCloseable {

    private final Map<String, List<Function<String, DefaultDnsRawRecord>>> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();
    private Channel channel;

    /** Starts a server answering over UDP. */
    static TestDnsServer startUdp(EventLoopGroup group) throws InterruptedException {
        TestDnsServer server = new TestDnsServer();
        server.channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                server.new Answerer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        return server;
    }

    /** Starts a server answering over TLS (DNS-over-TLS framing) with {@code tls}. */
    static TestDnsServer startTls(EventLoopGroup group, SslContext tls) throws InterruptedException {
        TestDnsServer server = new TestDnsServer();
        server.channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new TcpDnsQueryDecoder(),
                                new TcpDnsResponseEncoder(), server.new Answerer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    TestDnsServer srv(String name, int priority, int weight, int port, String target) {
        return add(name, DnsRecordType.SRV, owner -> {
            ByteBuf data = Unpooled.buffer();
            data.writeShort(priority).writeShort(weight).writeShort(port);
            writeName(data, target);
            return new DefaultDnsRawRecord(owner, DnsRecordType.SRV, 60, data);
        });
    }

    TestDnsServer a(String name, String ip) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
        return add(name, DnsRecordType.A, owner -> new DefaultDnsRawRecord(owner, DnsRecordType.A, 60,
                Unpooled.wrappedBuffer(bytes)));
    }

    TestDnsServer aaaa(String name, String ip) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
        return add(name, DnsRecordType.AAAA, owner -> new DefaultDnsRawRecord(owner, DnsRecordType.AAAA, 60,
                Unpooled.wrappedBuffer(bytes)));
    }

    /** How many times {@code name} was asked for with {@code type}. */
    int questions(String name, DnsRecordType type) {
        AtomicInteger count = questions.get(key(name, type));
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private TestDnsServer add(String name, DnsRecordType type, Function<String, DefaultDnsRawRecord> record) {
        records.computeIfAbsent(key(name, type), k -> new ArrayList<>()).add(record);
        return this;
    }

    private static String key(String name, DnsRecordType type) {
        String normalized = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return normalized.toLowerCase(Locale.ROOT) + "/" + type.name();
    }

    private static void writeName(ByteBuf out, String name) {
        for (String label : name.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.writeByte(bytes.length).writeBytes(bytes);
        }
        out.writeByte(0);
    }

    /** Answers one query; SimpleChannelInboundHandler releases the query. */
    @ChannelHandler.Sharable
    private final class Answerer extends SimpleChannelInboundHandler<DnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String key = key(question.name(), question.type());
            questions.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            DnsResponse response = query instanceof DatagramDnsQuery
                    ? new DatagramDnsResponse(((DatagramDnsQuery) query).recipient(),
                            ((DatagramDnsQuery) query).sender(), query.id())
                    : new DefaultDnsResponse(query.id());
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            List<Function<String, DefaultDnsRawRecord>> answers = records.get(key);
            if (answers == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                answers.forEach(answer -> response.addRecord(DnsSection.ANSWER, answer.apply(question.name())));
            }
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client that rejects our certificate ends its connection; that is what some tests want.
            ctx.close();
        }
    }
}
