package dev.jflared.rpc.schema;

/**
 * Interface ids and method ordinals that a Cap'n Proto {@code Call} names, and the ids of the schema
 * files and of the implicit {@code $Params}/{@code $Results} structs.
 *
 * <p>Source: cloudflared's {@code tunnelrpc/proto/tunnelrpc.capnp} (tag 2025.5.0), mirrored in our
 * {@code src/main/capnp/tunnelrpc.capnp}; the implicit struct ids are what {@code capnp compile} derives
 * from the interface ids and method names and match cloudflared's generated {@code tunnelrpc.capnp.go}.
 * {@code TunnelRpcSchemaTest} checks all of them against the {@code capnp} tool.
 */
public final class TunnelRpcIds {

    /** File id of {@code tunnelrpc.capnp}. */
    public static final long TUNNELRPC_FILE = 0xdb8274f9144abc7eL;
    /** File id of {@code quic_metadata_protocol.capnp}. */
    public static final long QUIC_METADATA_PROTOCOL_FILE = 0xb29021ef7421cc32L;

    /** Served by the edge on the control stream; the connector is the client. */
    public static final long REGISTRATION_SERVER = 0xf71695ec7fe85497L;
    public static final short REGISTER_CONNECTION = 0;
    public static final short UNREGISTER_CONNECTION = 1;
    public static final short UPDATE_LOCAL_CONFIGURATION = 2;

    /** Served by the connector on QUIC RPC streams, reached through {@link #CLOUDFLARED_SERVER}. */
    public static final long SESSION_MANAGER = 0x839445a59fb01686L;
    public static final short REGISTER_UDP_SESSION = 0;
    public static final short UNREGISTER_UDP_SESSION = 1;

    /** Served by the connector on QUIC RPC streams, reached through {@link #CLOUDFLARED_SERVER}. */
    public static final long CONFIGURATION_MANAGER = 0xb48edfbdaa25db04L;
    public static final short UPDATE_CONFIGURATION = 0;

    /**
     * The connector's bootstrap capability on a QUIC RPC stream; it has no methods of its own and extends
     * {@link #SESSION_MANAGER} and {@link #CONFIGURATION_MANAGER}: calls name those interface ids.
     */
    public static final long CLOUDFLARED_SERVER = 0xf548cef9dea2a4a1L;

    /** Legacy; extends {@link #REGISTRATION_SERVER}. Nothing calls it any more. */
    public static final long TUNNEL_SERVER = 0xea58385c65416035L;

    public static final long REGISTER_CONNECTION_PARAMS = 0xe6646dec8feaa6eeL;
    public static final long REGISTER_CONNECTION_RESULTS = 0xea50d822450d1f17L;
    public static final long UNREGISTER_CONNECTION_PARAMS = 0xf9cb7f4431a307d0L;
    public static final long UNREGISTER_CONNECTION_RESULTS = 0xb046e578094b1eadL;
    public static final long UPDATE_LOCAL_CONFIGURATION_PARAMS = 0xc5d6e311876a3604L;
    public static final long UPDATE_LOCAL_CONFIGURATION_RESULTS = 0xe5ceae5d6897d7beL;
    public static final long REGISTER_UDP_SESSION_PARAMS = 0x904e297b87fbeceaL;
    public static final long REGISTER_UDP_SESSION_RESULTS = 0x8635c6b4f45bf5cdL;
    public static final long UNREGISTER_UDP_SESSION_PARAMS = 0x96b74375ce9b0ef6L;
    public static final long UNREGISTER_UDP_SESSION_RESULTS = 0xf24ec4ab5891b676L;
    public static final long UPDATE_CONFIGURATION_PARAMS = 0xb177ca2526a3ca76L;
    public static final long UPDATE_CONFIGURATION_RESULTS = 0x958096448eb3373eL;

    private TunnelRpcIds() {}
}
