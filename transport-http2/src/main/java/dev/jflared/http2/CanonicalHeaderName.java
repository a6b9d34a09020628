package dev.jflared.http2;

/**
 * Go's canonical form of a header name ({@code textproto.CanonicalMIMEHeaderKey}): the first letter and every
 * letter after a hyphen upper case, the rest lower case ({@code content-type} becomes {@code Content-Type}). Go
 * applies it to every header that crosses cloudflared, which is why the golden captures show
 * {@code Sec-Websocket-Accept} where the origin wrote {@code Sec-WebSocket-Accept}. A name holding a byte that is
 * not a token character is left as it is, as Go does.
 */
final class CanonicalHeaderName {

    private CanonicalHeaderName() {}

    static String of(CharSequence name) {
        int length = name.length();
        char[] out = new char[length];
        boolean upper = true;
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (!isTokenChar(c)) {
                return name.toString();
            }
            if (upper && c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            } else if (!upper && c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            out[i] = c;
            upper = c == '-';
        }
        return new String(out);
    }

    // RFC 7230 tchar, as Go's validHeaderFieldByte.
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
