# Registration and remote-management RPC between the connector and Cloudflare's edge (jflared's copy).
#
# Facts from cloudflared's tunnelrpc/proto/tunnelrpc.capnp (tag 2025.5.0): the file id, node ids,
# names, ordinals and types below must stay identical to it, because the edge dispatches calls by
# interface id and method ordinal and reads structs by ordinal. cloudflared's Go annotations are left
# out. The legacy declarations at the top are unused by jflared; they are kept so that every id and
# ordinal (TunnelServer extends RegistrationServer) matches the edge's schema one for one.
@0xdb8274f9144abc7e;

# ---- Legacy, unused: named-tunnel registration before RegistrationServer ----

struct Authentication @0xc082ef6e0d42ed1d {
  key @0 :Text;
  email @1 :Text;
  originCAKey @2 :Text;
}

struct TunnelRegistration @0xf41a0f001ad49e46 {
  err @0 :Text;
  url @1 :Text;
  logLines @2 :List(Text);
  permanentFailure @3 :Bool;
  tunnelID @4 :Text;
  retryAfterSeconds @5 :UInt16;
  eventDigest @6 :Data;
  connDigest @7 :Data;
}

struct RegistrationOptions @0xc793e50592935b4a {
  clientId @0 :Text;
  version @1 :Text;
  os @2 :Text;
  existingTunnelPolicy @3 :ExistingTunnelPolicy;
  poolName @4 :Text;
  tags @5 :List(Tag);
  connectionId @6 :UInt8;
  originLocalIp @7 :Text;
  isAutoupdated @8 :Bool;
  runFromTerminal @9 :Bool;
  compressionQuality @10 :UInt64;
  uuid @11 :Text;
  numPreviousAttempts @12 :UInt8;
  features @13 :List(Text);
}

enum ExistingTunnelPolicy @0x84cb9536a2cf6d3c {
  ignore @0;
  disconnect @1;
  balance @2;
}

struct ServerInfo @0xf2c68e2547ec3866 {
  locationName @0 :Text;
}

struct AuthenticateResponse @0x82c325a07ad22a65 {
  permanentErr @0 :Text;
  retryableErr @1 :Text;
  jwt @2 :Data;
  hoursUntilRefresh @3 :UInt8;
}

interface TunnelServer @0xea58385c65416035 extends (RegistrationServer) {
  registerTunnel @0 (originCert :Data, hostname :Text, options :RegistrationOptions)
      -> (result :TunnelRegistration);
  getServerInfo @1 () -> (result :ServerInfo);
  unregisterTunnel @2 (gracePeriodNanoSec :Int64) -> ();
  obsoleteDeclarativeTunnelConnect @3 () -> ();
  authenticate @4 (originCert :Data, hostname :Text, options :RegistrationOptions)
      -> (result :AuthenticateResponse);
  reconnectTunnel @5 (jwt :Data, eventDigest :Data, connDigest :Data, hostname :Text,
      options :RegistrationOptions) -> (result :TunnelRegistration);
}

struct Tag @0xcbd96442ae3bb01a {
  name @0 :Text;
  value @1 :Text;
}

# ---- Connection registration (the control stream) ----

# Who is connecting: clientId is the connector's 16 raw UUID bytes, one per process.
struct ClientInfo @0x83ced0145b2f114b {
  clientId @0 :Data;
  features @1 :List(Text);
  version @2 :Text;
  arch @3 :Text;
}

struct ConnectionOptions @0xb4bf9861fe035d04 {
  client @0 :ClientInfo;
  # 4 or 16 raw address bytes.
  originLocalIp @1 :Data;
  replaceExisting @2 :Bool;
  compressionQuality @3 :UInt8;
  # Retries of this connection index so far.
  numPreviousAttempts @4 :UInt8;
}

struct ConnectionResponse @0xdbaa9d03d52b62dc {
  result :union {
    error @0 :ConnectionError;
    connectionDetails @1 :ConnectionDetails;
  }
}

struct ConnectionError @0xf5f383d2785edb86 {
  cause @0 :Text;
  # Nanoseconds to wait before retrying.
  retryAfter @1 :Int64;
  shouldRetry @2 :Bool;
}

struct ConnectionDetails @0xb5f39f082b9ac18a {
  # 16 raw bytes naming this connection at the edge.
  uuid @0 :Data;
  # The colo's airport code.
  locationName @1 :Text;
  tunnelIsRemotelyManaged @2 :Bool;
}

struct TunnelAuth @0x9496331ab9cd463f {
  accountTag @0 :Text;
  tunnelSecret @1 :Data;
}

interface RegistrationServer @0xf71695ec7fe85497 {
  registerConnection @0 (auth :TunnelAuth, tunnelId :Data, connIndex :UInt8, options :ConnectionOptions)
      -> (result :ConnectionResponse);
  unregisterConnection @1 () -> ();
  updateLocalConfiguration @2 (config :Data) -> ();
}

# ---- Edge-initiated calls (QUIC RPC streams) ----

struct RegisterUdpSessionResponse @0xab6d5210c1f26687 {
  err @0 :Text;
  spans @1 :Data;
}

interface SessionManager @0x839445a59fb01686 {
  # closeAfterIdleHint comes from the edge so that the connector never closes a session first.
  registerUdpSession @0 (sessionId :Data, dstIp :Data, dstPort :UInt16, closeAfterIdleHint :Int64,
      traceContext :Text = "") -> (result :RegisterUdpSessionResponse);
  unregisterUdpSession @1 (sessionId :Data, message :Text) -> ();
}

# An err next to latestAppliedVersion means an older configuration is still in use.
struct UpdateConfigurationResponse @0xdb58ff694ba05cf9 {
  latestAppliedVersion @0 :Int32;
  err @1 :Text;
}

interface ConfigurationManager @0xb48edfbdaa25db04 {
  updateConfiguration @0 (version :Int32, config :Data) -> (result :UpdateConfigurationResponse);
}

# The bootstrap capability a connector serves on a QUIC RPC stream.
interface CloudflaredServer @0xf548cef9dea2a4a1 extends (SessionManager, ConfigurationManager) {}
