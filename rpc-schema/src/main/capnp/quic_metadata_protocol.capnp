# The messages at the start of a QUIC data stream (jflared's copy).
#
# Facts from cloudflared's tunnelrpc/proto/quic_metadata_protocol.capnp (tag 2025.5.0): the file id,
# node ids, names, ordinals and types below must stay identical to it, because the edge encodes and
# decodes these structs by ordinal. cloudflared's Go annotations are left out; nothing else differs.
@0xb29021ef7421cc32;

# Sent by the edge after the data stream preamble: what to connect to and the request's metadata.
struct ConnectRequest @0xc47116a1045e4061 {
  dest @0 :Text;
  type @1 :ConnectionType;
  metadata @2 :List(Metadata);
}

enum ConnectionType @0xc52e1bac26d379c8 {
  http @0;
  websocket @1;
  tcp @2;
}

# One key/value pair; HTTP headers travel as "HttpHeader:<Name>" keys, one entry per value.
struct Metadata @0xe1446b97bfd1cd37 {
  key @0 :Text;
  val @1 :Text;
}

# Sent by the connector after the same preamble; a non-empty error means the origin was not reached.
struct ConnectResponse @0xb1032ec91cef8727 {
  error @0 :Text;
  metadata @1 :List(Metadata);
}
