package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyPump;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Bytes both ways between the eyeball's stream and an origin channel (a websocket after its 101, a tcp stream):
 * two {@link BodyPump}s, each reading only while the other side is writable. A clean end in one direction
 * half-closes that direction; a failure in either aborts both. The origin channel closes when both are done.
 */
final class StreamRelay {

    private StreamRelay() {}

    /**
     * Starts relaying {@code eyeball} into {@code toOrigin} and {@code fromOrigin} into {@code toEyeball};
     * the future completes when both directions are over. Event-loop only.
     */
    static Future<Void> start(Channel origin, BodySource eyeball, BodySink toOrigin, BodySource fromOrigin,
                              BodySink toEyeball) {
        origin.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Promise<Void> done = origin.eventLoop().newPromise();
        BodyPump up = new BodyPump(eyeball, toOrigin, origin.eventLoop());
        BodyPump down = new BodyPump(fromOrigin, toEyeball, origin.eventLoop());
        Runnable closeWhenBoth = () -> {
            if (up.done().isDone() && down.done().isDone()) {
                origin.close();
                done.trySuccess(null);
            }
        };
        up.done().addListener(f -> {
            if (!f.isSuccess()) {
                down.abort(f.cause());
            }
            closeWhenBoth.run();
        });
        down.done().addListener(f -> {
            if (!f.isSuccess()) {
                up.abort(f.cause());
            }
            closeWhenBoth.run();
        });
        up.start();
        down.start();
        return done;
    }
}
