package dev.jflared.proxy.internal;

/**
 * The SOCKS5 wire values cloudflared's {@code socks} package uses (RFC 1928; {@code socks/request.go} and
 * {@code socks/auth_handler.go}).
 */
final class Socks5 {

    static final int VERSION = 5;

    // Authentication methods: cloudflared registers "no authentication" only.
    static final int NO_AUTH = 0;
    static final int NO_ACCEPTABLE = 0xFF;

    // Commands: only CONNECT is carried out; BIND and UDP ASSOCIATE are answered COMMAND_NOT_SUPPORTED.
    static final int CONNECT = 1;

    // Address types.
    static final int IPV4 = 1;
    static final int DOMAIN_NAME = 3;
    static final int IPV6 = 4;

    // Replies (RFC 1928 section 6).
    static final int SUCCEEDED = 0;
    static final int RULE_FAILURE = 2;
    static final int NETWORK_UNREACHABLE = 3;
    static final int HOST_UNREACHABLE = 4;
    static final int CONNECTION_REFUSED = 5;
    static final int COMMAND_NOT_SUPPORTED = 7;

    private Socks5() {}
}
