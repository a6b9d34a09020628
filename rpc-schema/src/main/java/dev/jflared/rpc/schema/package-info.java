/**
 * Typed views of cloudflared's Cap'n Proto schemas ({@code src/main/capnp/tunnelrpc.capnp} and
 * {@code quic_metadata_protocol.capnp}), hand-written over {@code org.capnproto:runtime}.
 *
 * <h2>Two layers</h2>
 * Every struct has a low-level {@code Reader} and {@code Builder} (nested, in the shape the Cap'n Proto
 * Java code generator produces) and, where it helps, an immutable value: a record with
 * {@code read(...)} and {@code write(...)}. Values copy everything they need out of the message, so they
 * outlive it; readers and builders are views into the message's segments.
 *
 * <pre>{@code
 * ConnectRequest request = ConnectRequest.read(Serialize.read(buffer));
 * MessageBuilder answer = ConnectResponse.ok(List.of(new Metadata("HttpStatus", "200"))).toMessage();
 * }</pre>
 *
 * <h2>Method parameters and results</h2>
 * An RPC call carries its parameters, and a return its results, as an {@code AnyPointer} (the payload
 * content). The {@code *Params} and {@code *Results} types read from and write to that pointer; the
 * interface ids and method ordinals are in {@link dev.jflared.rpc.schema.TunnelRpcIds}.
 *
 * <h2>Errors</h2>
 * A message that breaks the schema's rules (an unknown enum value, a UUID that is not 16 bytes, a union
 * member that does not exist) fails with {@link org.capnproto.DecodeException}, the runtime's own
 * exception for malformed input.
 *
 * <h2>Secrets</h2>
 * {@link dev.jflared.rpc.schema.TunnelAuth} never shows its tunnel secret in {@code toString()}.
 */
package dev.jflared.rpc.schema;
