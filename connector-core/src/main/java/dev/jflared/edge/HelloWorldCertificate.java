package dev.jflared.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The certificate and key that cloudflared's built-in {@code hello_world} origin serves TLS with
 * ({@code tlsconfig/hello_ca.go}): self-signed, P-384, for {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 * Both are public test material printed in cloudflared's source; they protect nothing.
 *
 * <p>The key ships as cloudflared has it, a SEC 1 {@code EC PRIVATE KEY} block; {@link #privateKey()} wraps it in
 * PKCS#8 so the JDK (and Netty's {@code SslContextBuilder}) can use it without BouncyCastle.
 */
public final class HelloWorldCertificate {

    static final String CERTIFICATE_RESOURCE = "hello-world-cert.pem";
    static final String KEY_RESOURCE = "hello-world-key.pem";

    // DER of the AlgorithmIdentifier's first half: the id-ecPublicKey object identifier (1.2.840.10045.2.1).
    private static final byte[] EC_PUBLIC_KEY_OID =
            {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private HelloWorldCertificate() {}

    /** The self-signed certificate. */
    public static X509Certificate certificate() {
        try {
            return PemCertificates.parse(resource(CERTIFICATE_RESOURCE)).get(0);
        } catch (CertificateException e) {
            throw new IllegalStateException("bundled " + CERTIFICATE_RESOURCE + " is broken", e);
        }
    }

    /** The certificate's private key. */
    public static PrivateKey privateKey() {
        String pem = resource(KEY_RESOURCE);
        // The EC PARAMETERS block is exactly the DER of the curve's object identifier (secp384r1).
        byte[] curve = block(pem, "EC PARAMETERS");
        byte[] sec1 = block(pem, "EC PRIVATE KEY");
        byte[] algorithm = derSequence(concat(EC_PUBLIC_KEY_OID, curve));
        byte[] version = {0x02, 0x01, 0x00};
        byte[] pkcs8 = derSequence(concat(version, algorithm, derTagged(0x04, sec1)));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("bundled " + KEY_RESOURCE + " is broken", e);
        }
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("bundled " + KEY_RESOURCE + " has no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).strip());
    }

    private static byte[] derSequence(byte[] content) {
        return derTagged(0x30, content);
    }

    private static byte[] derTagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String resource(String name) {
        try (InputStream in = HelloWorldCertificate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
