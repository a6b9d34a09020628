/**
 * Cap'n Proto's standard unpacked stream framing as Netty handlers: {@link dev.jflared.rpc.framing.CapnpFrameDecoder}
 * turns bytes into validated {@link dev.jflared.rpc.framing.CapnpMessage}s within {@link
 * dev.jflared.rpc.framing.CapnpLimits}, and {@link dev.jflared.rpc.framing.CapnpFrameEncoder} writes {@code
 * org.capnproto.MessageBuilder}s.
 */
package dev.jflared.rpc.framing;
