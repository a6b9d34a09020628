/**
 * Where a tunnel stream meets its origin: the transport-neutral request/response contract and the
 * {@link dev.jflared.proxy.OriginProxy} that serves it from the ingress rules.
 *
 * <h2>The contract</h2>
 * A transport decodes each edge stream into a {@link dev.jflared.proxy.TunnelRequest} and implements a
 * {@link dev.jflared.proxy.TunnelResponder}; bodies in both directions are flows of {@code ByteBuf}s with
 * backpressure: a {@link dev.jflared.proxy.BodySource} delivers only when asked ({@code request()}, like
 * {@code Channel.read()} with auto-read off) and a {@link dev.jflared.proxy.BodySink} is written only while
 * {@code isWritable()}, with a listener told when it drains. {@link dev.jflared.proxy.BodyPump} connects one to the
 * other; every streaming path in the proxy uses it.
 *
 * <h2>Implementing a transport over a Netty stream channel</h2>
 * <ol>
 *   <li>Install the framing decoder (HTTP/2 frames, or the QUIC data-stream preamble and {@code ConnectRequest})
 *       with auto-read off; decode the head into a {@code TunnelRequest} whose {@code eventLoop()} is the stream
 *       channel's loop.</li>
 *   <li>Make the body a {@link dev.jflared.proxy.ChannelBodySource#install ChannelBodySource} added after the
 *       decoder: the decoder passes DATA payloads on as {@code ByteBuf}s and fires a
 *       {@link dev.jflared.proxy.BodyEnd} (with the trailers, if any) at end of stream; FIN with half-closure on
 *       ends it too.</li>
 *   <li>Implement {@code respond(head)} by writing the response head (HTTP/2 HEADERS with
 *       {@code cf-cloudflared-response-meta} from {@link dev.jflared.proxy.ResponseHead#source()}; a QUIC
 *       {@code ConnectResponse}) and returning a {@link dev.jflared.proxy.ChannelBodySink#install ChannelBodySink}
 *       whose encoder turns {@code HttpContent}/{@code LastHttpContent} (framing {@code HTTP}) or raw bytes
 *       (framing {@code RAW}, ending with a FIN) into the wire frames. {@code fail(cause)} answers 502 the way the
 *       transport must.</li>
 *   <li>Call {@link dev.jflared.proxy.OriginProxy#proxy}; nothing else is needed: the proxy reads the body only
 *       while the origin can take it, and writes the response only while the stream is writable.</li>
 * </ol>
 *
 * <h2>Threads and memory</h2>
 * Everything for one request runs on the edge stream's event loop, origin connections included (pooled per loop).
 * Each buffer has one owner at a time; the javadoc of every method that moves one says so.
 */
package dev.jflared.proxy;
