package dev.jflared.it;

import java.io.InputStream;

/**
 * {@code size} bytes of a fixed pseudo-random pattern, generated on demand: large bodies are produced and
 * checksummed without being stored.
 */
final class PatternBytes extends InputStream {

    private final long size;
    private long position;
    private int state = 0x9E3779B9;

    PatternBytes(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        if (position >= size) {
            return -1;
        }
        position++;
        return next();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++) {
            buffer[offset + i] = (byte) next();
        }
        position += n;
        return n;
    }

    private int next() {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state & 0xFF;
    }
}
