package dev.jflared.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds masked client frames and reads unmasked server frames, for tests that speak websocket by hand. */
final class WebSocketFrames {

    static final int TEXT = 1;
    static final int BINARY = 2;

    private WebSocketFrames() {}

    static byte[] client(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        out.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    static byte[] client(int opcode, String text) {
        return client(opcode, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An unmasked server frame as it should appear on the wire (payloads under 126 bytes). */
    static String server(int opcode, String text) {
        byte[] payload = text.getBytes(StandardCharsets.ISO_8859_1);
        return new String(new byte[] {(byte) (0x80 | opcode), (byte) payload.length}, StandardCharsets.ISO_8859_1)
                + text;
    }

    /**
     * The payloads of the complete unmasked server frames in {@code wire} (bytes as ISO-8859-1 characters), joined;
     * a frame cut off at the end is left out.
     */
    static byte[] serverPayloads(String wire) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        int index = 0;
        while (index + 2 <= bytes.length) {
            int length = bytes[index + 1] & 0x7F;
            int header = 2;
            if (length == 126) {
                if (index + 4 > bytes.length) {
                    break;
                }
                length = (bytes[index + 2] & 0xFF) << 8 | bytes[index + 3] & 0xFF;
                header = 4;
            }
            if (index + header + length > bytes.length) {
                break;
            }
            payloads.write(bytes, index + header, length);
            index += header + length;
        }
        return payloads.toByteArray();
    }
}
