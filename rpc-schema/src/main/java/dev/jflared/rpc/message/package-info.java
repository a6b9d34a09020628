/**
 * Typed readers and builders for the messages of Cap'n Proto's two-party RPC protocol ({@code rpc.capnp},
 * file id {@code 0xb312981b2552a250}).
 *
 * <p>Each class mirrors one struct the way generated code would: a {@code STRUCT_SIZE}, a {@code factory}, a
 * {@code Reader} and a {@code Builder} over {@code org.capnproto}'s runtime. Sizes, offsets and defaults come
 * from {@code capnp compile -ocapnp /usr/include/capnp/rpc.capnp}; offsets are in units of the field's own width,
 * as the runtime expects. Only the fields a level-1 two-party implementation needs are exposed.
 */
package dev.jflared.rpc.message;
