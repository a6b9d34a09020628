/**
 * Adapters that serve a {@link dev.jflared.Tunnel} with a server framework's own handlers, in-process:
 * {@link dev.jflared.embed.JdkHttpHandlerOrigin} for a JDK {@code com.sun.net.httpserver.HttpHandler} and
 * {@link dev.jflared.embed.NettyHandlerOrigin} for a Netty HTTP server pipeline. Both implement
 * {@link dev.jflared.proxy.InProcessOrigin}: give one to {@code Tunnel.builder().handler(...)}.
 */
package dev.jflared.embed;
