package dev.jflared.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Which channel class an origin connection uses so that it can register on the edge stream's own loop: epoll
 * channels on an epoll loop, NIO ones on a NIO loop.
 */
final class OriginChannels {

    private OriginChannels() {}

    static Class<? extends Channel> socket(EventLoop loop) {
        if (isEpoll(loop)) {
            return EpollSocketChannel.class;
        }
        if (isNio(loop)) {
            return NioSocketChannel.class;
        }
        throw new IllegalStateException("origin connections need an epoll or NIO event loop, not " + loop);
    }

    /** Unix domain sockets: native epoll on an epoll loop, the JDK's (16+) on a NIO loop. */
    static Class<? extends Channel> domainSocket(EventLoop loop) {
        if (isEpoll(loop)) {
            return EpollDomainSocketChannel.class;
        }
        if (isNio(loop)) {
            return NioDomainSocketChannel.class;
        }
        throw new IllegalStateException("unix socket origins need an epoll or NIO event loop, not " + loop);
    }

    static SocketAddress domainAddress(EventLoop loop, String path) {
        return isEpoll(loop) ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }

    static boolean isEpoll(EventLoop loop) {
        return loop instanceof IoEventLoop io && Epoll.isAvailable() && io.isIoType(EpollIoHandler.class);
    }

    private static boolean isNio(EventLoop loop) {
        return loop instanceof IoEventLoop io && io.isIoType(NioIoHandler.class);
    }
}
