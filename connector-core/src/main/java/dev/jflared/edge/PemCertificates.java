package dev.jflared.edge;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the {@code CERTIFICATE} blocks of PEM text. Text outside the blocks (cloudflared's bundle keeps
 * {@code Issuer:} lines there) is ignored, as Go's {@code pem.Decode} does; other block types are skipped.
 */
final class PemCertificates {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private PemCertificates() {}

    /**
     * Returns every certificate in {@code pem}, in order; an empty list when there is no certificate block.
     *
     * @throws CertificateException when a block is not valid base64 or not a DER X.509 certificate
     */
    static List<X509Certificate> parse(String pem) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = pem.indexOf(BEGIN, from);
            if (begin < 0) {
                return certificates;
            }
            int end = pem.indexOf(END, begin);
            if (end < 0) {
                throw new CertificateException("certificate block " + (certificates.size() + 1) + " has no " + END);
            }
            certificates.add(decode(factory, pem.substring(begin + BEGIN.length(), end), certificates.size() + 1));
            from = end + END.length();
        }
    }

    private static X509Certificate decode(CertificateFactory factory, String base64, int blockNumber)
            throws CertificateException {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("certificate block " + blockNumber + " is not valid base64", e);
        }
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new CertificateException("certificate block " + blockNumber + " is not an X.509 certificate: "
                    + e.getMessage(), e);
        }
    }
}
