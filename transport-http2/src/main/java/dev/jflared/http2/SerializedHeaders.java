package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Base64;
import java.util.Map;

/**
 * The value of {@code cf-cloudflared-response-headers}: every user header as {@code base64(name):base64(value)},
 * pairs joined by {@code ;}, base64 being the standard alphabet without padding (cloudflared
 * {@code connection/header.go}: SerializeHeaders, DeserializeHeaders, RawStdEncoding). One pair per value; no
 * header gives the empty string.
 *
 * <p>Serializing lets header values that HTTP/2 would refuse (an HTTP/1 origin's odd bytes) reach the edge
 * unchanged. Header bytes are taken as ISO-8859-1, so every byte of a value survives the trip.
 */
final class SerializedHeaders {

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private SerializedHeaders() {}

    /** Serializes {@code headers} in their order, names as given. */
    static String serialize(Iterable<Map.Entry<String, String>> headers) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> header : headers) {
            if (!out.isEmpty()) {
                out.append(';');
            }
            out.append(ENCODER.encodeToString(header.getKey().getBytes(ISO_8859_1)))
                    .append(':')
                    .append(ENCODER.encodeToString(header.getValue().getBytes(ISO_8859_1)));
        }
        return out.toString();
    }

    /**
     * Parses a serialized value; empty pairs are skipped, as cloudflared does.
     *
     * @throws IllegalArgumentException naming the pair that is not {@code name:value} in base64
     */
    static HttpHeaders deserialize(String serialized) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (String pair : serialized.split(";", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon < 0 || pair.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("serialized header is not name:value: \"" + pair + "\"");
            }
            headers.add(decode(pair.substring(0, colon), pair), decode(pair.substring(colon + 1), pair));
        }
        return headers;
    }

    private static String decode(String part, String pair) {
        try {
            return new String(DECODER.decode(part), ISO_8859_1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serialized header is not base64 without padding: \"" + pair + "\"", e);
        }
    }
}
