/**
 * Two-party Cap'n Proto RPC over one Netty channel, as cloudflared and Cloudflare's edge speak it.
 *
 * <ul>
 *   <li>{@link dev.jflared.rpc.RpcConnection}: one RPC session on a stream, in the client role
 *       ({@link dev.jflared.rpc.RpcConnection#client}) or offering a bootstrap capability
 *       ({@link dev.jflared.rpc.RpcConnection#server}).</li>
 *   <li>{@link dev.jflared.rpc.RemoteCapability}: the peer's bootstrap capability; calls return futures.</li>
 *   <li>{@link dev.jflared.rpc.CapabilityServer} and {@link dev.jflared.rpc.RpcMethodHandler}: what we serve,
 *       by interface id and method id.</li>
 *   <li>{@link dev.jflared.rpc.RpcException}: a failed call or connection, with rpc.capnp's exception type.</li>
 * </ul>
 *
 * Wire messages live in {@code dev.jflared.rpc.message}, framing in {@code dev.jflared.rpc.framing}; the
 * package-private classes here (question, answer, export and import tables) are internal.
 */
package dev.jflared.rpc;
