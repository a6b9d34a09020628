package dev.jflared.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes DER as PEM text: 64-column base64 between BEGIN and END lines. */
final class Pem {

    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {}

    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + ENCODER.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
