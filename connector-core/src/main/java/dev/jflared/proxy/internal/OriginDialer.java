package dev.jflared.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dials a TCP origin by name the way Go's {@code net.Dialer} does for cloudflared.
 *
 * <h2>Happy eyeballs</h2>
 * The resolved addresses are split by family: those of the first address's family are the primaries, the rest
 * the fallbacks. Primaries are tried one after another; {@value #FALLBACK_DELAY_MS} ms later (or at once, if the
 * primaries all failed sooner) the fallbacks start the same way, in parallel. The first connection wins and the
 * other attempt is closed. With {@code noHappyEyeballs} every address is tried in order, one at a time. Each
 * attempt gets the whole {@code connectTimeout} (Go divides it between the addresses instead).
 *
 * <h2>Threads</h2>
 * Names are resolved off the loop (the JDK resolver blocks); attempts run on the loop.
 */
final class OriginDialer {

    /** Go's default {@code net.Dialer.FallbackDelay}. */
    static final long FALLBACK_DELAY_MS = 300;

    private OriginDialer() {}

    static Future<Channel> dial(Bootstrap bootstrap, EventLoop loop, String host, int port, boolean happyEyeballs) {
        Promise<Channel> result = loop.newPromise();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(stripBrackets(host));
        if (literal != null) {
            connectSerial(bootstrap, List.of(new InetSocketAddress(stripBrackets(host), port)), 0, result, null);
            return result;
        }
        GlobalEventExecutor.INSTANCE.execute(() -> {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                loop.execute(() -> race(bootstrap, loop, addresses, port, happyEyeballs, result));
            } catch (Exception e) {
                result.tryFailure(e);
            }
        });
        return result;
    }

    private static void race(Bootstrap bootstrap, EventLoop loop, InetAddress[] addresses, int port,
                             boolean happyEyeballs, Promise<Channel> result) {
        List<InetSocketAddress> primaries = new ArrayList<>();
        List<InetSocketAddress> fallbacks = new ArrayList<>();
        boolean firstIsV4 = addresses[0] instanceof Inet4Address;
        for (InetAddress address : addresses) {
            InetSocketAddress socket = new InetSocketAddress(address, port);
            if ((address instanceof Inet4Address) == firstIsV4 || !happyEyeballs) {
                primaries.add(socket);
            } else {
                fallbacks.add(socket);
            }
        }
        if (fallbacks.isEmpty()) {
            connectSerial(bootstrap, primaries, 0, result, null);
            return;
        }
        Promise<Channel> primary = loop.newPromise();
        Promise<Channel> fallback = loop.newPromise();
        ScheduledFuture<?> delayed = loop.schedule(
                () -> connectSerial(bootstrap, fallbacks, 0, fallback, null), FALLBACK_DELAY_MS, TimeUnit.MILLISECONDS);
        connectSerial(bootstrap, primaries, 0, primary, null);
        primary.addListener(f -> {
            if (f.isSuccess()) {
                delayed.cancel(false);
                win(primary.getNow(), fallback, result);
            } else if (delayed.cancel(false)) {
                connectSerial(bootstrap, fallbacks, 0, fallback, null);
            } else if (fallback.isDone() && !fallback.isSuccess()) {
                result.tryFailure(f.cause());
            }
        });
        fallback.addListener(f -> {
            if (f.isSuccess()) {
                win(fallback.getNow(), primary, result);
            } else if (primary.isDone() && !primary.isSuccess()) {
                result.tryFailure(primary.cause());
            }
        });
    }

    private static void win(Channel channel, Promise<Channel> other, Promise<Channel> result) {
        if (!result.trySuccess(channel)) {
            channel.close();
            return;
        }
        other.addListener(f -> {
            if (f.isSuccess()) {
                ((Channel) f.getNow()).close();
            }
        });
    }

    private static void connectSerial(Bootstrap bootstrap, List<InetSocketAddress> addresses, int index,
                                      Promise<Channel> result, Throwable last) {
        if (index >= addresses.size()) {
            result.tryFailure(last);
            return;
        }
        ChannelFuture attempt = bootstrap.connect(addresses.get(index));
        attempt.addListener(f -> {
            if (f.isSuccess()) {
                if (!result.trySuccess(attempt.channel())) {
                    attempt.channel().close();
                }
            } else {
                connectSerial(bootstrap, addresses, index + 1, result, f.cause());
            }
        });
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
