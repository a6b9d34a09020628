package dev.jflared.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where the CONNECT of a {@link SocksHandshake} goes: cloudflared's two {@code socks.Dialer}s.
 * <ul>
 *   <li>{@link #network}: the {@code socks-proxy} service ({@code StreamNetHandler}). The destination the client
 *       names is resolved if it is a name, checked against the rule's {@code ipRules}, then dialled.</li>
 *   <li>{@link #connected}: a stream service ({@code tcp://}, {@code ssh://}, bastion, ...) with
 *       {@code proxyType: socks} ({@code socks.StreamHandler} over cloudflared's {@code ConnDialer}). The rule's
 *       origin was dialled before the stream was accepted, and every CONNECT gets that connection, whatever
 *       destination the client names; no {@code ipRules} apply.</li>
 * </ul>
 * Event-loop confined, except for name resolution, which blocks and so runs off the loop.
 */
interface SocksDialer {

    /**
     * Connects to {@code destination}. The future fails with a {@link Refusal} carrying the reply to send.
     * Event-loop only.
     */
    Future<Channel> dial(Destination destination);

    /** The handshake ended without relaying: lets go of what the dialer holds. Nothing, unless said otherwise. */
    default void abandon() {
    }

    /** Dials the destination the client names, as the {@code socks-proxy} service does. */
    static SocksDialer network(StreamOrigin streams, OriginRequestConfig config, EventLoop loop) {
        return new Network(streams, config, loop);
    }

    /** Answers every CONNECT with {@code origin}, already connected; {@link #abandon()} closes it. */
    static SocksDialer connected(Channel origin) {
        return new Connected(origin);
    }

    /**
     * The destination of a CONNECT.
     *
     * @param name the domain name the client sent; empty when it sent an address
     * @param address the address; {@code null} while only a name is known
     * @param port the port
     */
    record Destination(String name, InetAddress address, int port) {

        public Destination {
            requireNonNull(name, "name");
        }

        Destination resolved(InetAddress resolvedAddress) {
            return new Destination(name, resolvedAddress, port);
        }
    }

    /** A CONNECT that cannot be carried out, with the SOCKS reply for it. Stackless: it is an answer, not a bug. */
    final class Refusal extends Exception {

        private final int reply;
        private final transient Destination echoed;

        /** {@code echoed} is the destination the reply names, {@code null} for 0.0.0.0:0. */
        Refusal(int reply, Destination echoed, String message) {
            super(message, null, false, false);
            this.reply = reply;
            this.echoed = echoed;
        }

        int reply() {
            return reply;
        }

        Destination echoed() {
            return echoed;
        }
    }

    /** cloudflared's {@code NetDialer} behind its access policy ({@code StandardRequestHandler.handleConnect}). */
    final class Network implements SocksDialer {

        private final StreamOrigin streams;
        private final OriginRequestConfig config;
        private final EventLoop loop;

        Network(StreamOrigin streams, OriginRequestConfig config, EventLoop loop) {
            this.streams = streams;
            this.config = config;
            this.loop = loop;
        }

        @Override
        public Future<Channel> dial(Destination destination) {
            Promise<Channel> result = loop.newPromise();
            if (destination.address() != null) {
                checkThenDial(destination, result);
                return result;
            }
            GlobalEventExecutor.INSTANCE.execute(() -> {
                try {
                    InetAddress address = InetAddress.getByName(destination.name());
                    loop.execute(() -> checkThenDial(destination.resolved(address), result));
                } catch (UnknownHostException e) {
                    // cloudflared answers a name it cannot resolve as a rule failure: it could not check the rules.
                    result.tryFailure(new Refusal(Socks5.RULE_FAILURE, destination,
                            "unable to resolve host to confirm access: " + destination.name()));
                }
            });
            return result;
        }

        private void checkThenDial(Destination destination, Promise<Channel> result) {
            if (!IpRules.allows(config.ipRules(), destination.address(), destination.port())) {
                result.tryFailure(new Refusal(Socks5.RULE_FAILURE, destination,
                        "connect to " + destination.address().getHostAddress() + ":" + destination.port()
                                + " denied by ipRules"));
                return;
            }
            streams.dial(loop, destination.address().getHostAddress(), destination.port(), config).addListener(f -> {
                if (f.isSuccess()) {
                    result.trySuccess((Channel) f.getNow());
                } else {
                    result.tryFailure(new Refusal(dialFailure(f.cause()), null, String.valueOf(f.cause())));
                }
            });
        }

        // cloudflared tells the failures apart by the words of the error.
        private static int dialFailure(Throwable cause) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused")) {
                return Socks5.CONNECTION_REFUSED;
            }
            return message.contains("network is unreachable") ? Socks5.NETWORK_UNREACHABLE : Socks5.HOST_UNREACHABLE;
        }
    }

    /** cloudflared's {@code ConnDialer}: the connection made before the handshake, whatever is asked. */
    final class Connected implements SocksDialer {

        private final Channel origin;

        Connected(Channel origin) {
            this.origin = origin;
        }

        @Override
        public Future<Channel> dial(Destination destination) {
            return origin.eventLoop().newSucceededFuture(origin);
        }

        @Override
        public void abandon() {
            origin.close();
        }
    }
}
