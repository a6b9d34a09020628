package dev.jflared.rpc.framing;

import java.nio.ByteBuffer;

/**
 * Walks every pointer of a received message once, before anything reads it, and rejects what the runtime would
 * trip over: a pointer outside its segment, a far pointer to a missing segment or a bad landing pad, nesting deeper
 * than {@link CapnpLimits#nestingLimit()}, or a pointer graph whose visits exceed {@link
 * CapnpLimits#traversalLimitInWords()} (cycles and lists of empty structs included). After this, reading the message
 * with the runtime stays inside its segments; only type mismatches remain possible.
 *
 * <p>Pointer layout from Cap'n Proto's encoding spec: the low two bits are the kind (0 struct, 1 list, 2 far,
 * 3 other); struct and list pointers carry a signed 30-bit word offset from the end of the pointer.
 */
final class CapnpMessageValidator {

    private static final int STRUCT = 0;
    private static final int LIST = 1;
    private static final int FAR = 2;
    private static final int OTHER = 3;
    private static final int INLINE_COMPOSITE = 7;
    private static final int POINTER_LIST = 6;
    private static final int[] BITS_PER_ELEMENT = {0, 1, 8, 16, 32, 64, 64};

    private final ByteBuffer[] segments;
    private long budget;
    private boolean capabilities;

    private CapnpMessageValidator(ByteBuffer[] segments, long traversalLimitInWords) {
        this.segments = segments;
        this.budget = traversalLimitInWords;
    }

    /**
     * Throws {@link CapnpFramingException} naming the first problem found; returns whether the message holds a
     * capability pointer anywhere (the runtime cannot copy those).
     */
    static boolean validate(ByteBuffer[] segments, CapnpLimits limits) {
        if (segments[0].capacity() < 8) {
            throw new CapnpFramingException("first segment is empty: a message needs a root pointer");
        }
        CapnpMessageValidator validator = new CapnpMessageValidator(segments, limits.traversalLimitInWords());
        validator.pointer(0, 0, limits.nestingLimit());
        return validator.capabilities;
    }

    private void pointer(int segment, int index, int depth) {
        long ref = word(segment, index);
        if (ref == 0) {
            return;
        }
        int kind = (int) (ref & 3);
        if (kind == FAR) {
            far(ref, depth);
        } else if (kind == OTHER) {
            other(ref);
        } else {
            object(segment, index + 1 + offset(ref), ref, depth);
        }
    }

    private void far(long ref, int depth) {
        boolean twoWordPad = (ref & 4) != 0;
        int padOffset = (int) ((ref >>> 3) & 0x1FFF_FFFF);
        int padSegment = (int) (ref >>> 32);
        checkSegment(padSegment);
        checkBounds(padSegment, padOffset, twoWordPad ? 2 : 1, "far pointer landing pad");
        long pad = word(padSegment, padOffset);
        if (!twoWordPad) {
            if ((pad & 3) == FAR) {
                throw new CapnpFramingException("far pointer landing pad is itself a far pointer");
            }
            if ((pad & 3) == OTHER) {
                other(pad);
                return;
            }
            object(padSegment, padOffset + 1 + offset(pad), pad, depth);
            return;
        }
        if ((pad & 3) != FAR || (pad & 4) != 0) {
            throw new CapnpFramingException("double-far landing pad does not start with a single far pointer");
        }
        long tag = word(padSegment, padOffset + 1);
        int contentSegment = (int) (pad >>> 32);
        checkSegment(contentSegment);
        if ((tag & 3) == FAR || (tag & 3) == OTHER) {
            throw new CapnpFramingException("double-far landing pad tag is not a struct or list pointer");
        }
        object(contentSegment, (int) ((pad >>> 3) & 0x1FFF_FFFF), tag, depth);
    }

    private void object(int segment, int start, long ref, int depth) {
        if (depth <= 0) {
            throw new CapnpFramingException("message is nested deeper than the nesting limit (or has a cycle)");
        }
        if ((ref & 3) == STRUCT) {
            int dataWords = (int) ((ref >>> 32) & 0xFFFF);
            int pointerCount = (int) ((ref >>> 48) & 0xFFFF);
            checkBounds(segment, start, (long) dataWords + pointerCount, "struct");
            charge((long) dataWords + pointerCount);
            for (int i = 0; i < pointerCount; i++) {
                pointer(segment, start + dataWords + i, depth - 1);
            }
        } else {
            list(segment, start, ref, depth);
        }
    }

    private void list(int segment, int start, long ref, int depth) {
        int elementSize = (int) ((ref >>> 32) & 7);
        long count = ref >>> 35;
        if (elementSize == INLINE_COMPOSITE) {
            checkBounds(segment, start, count + 1, "struct list");
            long tag = word(segment, start);
            if ((tag & 3) != STRUCT) {
                throw new CapnpFramingException("struct list tag is not a struct pointer");
            }
            long elements = (tag >>> 2) & 0x3FFF_FFFF;
            int dataWords = (int) ((tag >>> 32) & 0xFFFF);
            int pointerCount = (int) ((tag >>> 48) & 0xFFFF);
            long wordsPerElement = (long) dataWords + pointerCount;
            if (wordsPerElement * elements > count) {
                throw new CapnpFramingException("struct list of " + elements + " elements of " + wordsPerElement
                        + " words overruns its " + count + " words");
            }
            // An element costs at least one word, so lists of empty structs cannot amplify reads.
            charge(Math.max(count + 1, elements));
            for (long e = 0; e < elements; e++) {
                int elementStart = (int) (start + 1 + e * wordsPerElement + dataWords);
                for (int i = 0; i < pointerCount; i++) {
                    pointer(segment, elementStart + i, depth - 1);
                }
            }
            return;
        }
        long words = (count * BITS_PER_ELEMENT[elementSize] + 63) / 64;
        checkBounds(segment, start, words, "list");
        charge(Math.max(words, elementSize == 0 ? count : 0));
        if (elementSize == POINTER_LIST) {
            for (int i = 0; i < count; i++) {
                pointer(segment, start + i, depth - 1);
            }
        }
    }

    private void other(long ref) {
        if ((ref & 0xFFFF_FFFCL) != 0) {
            throw new CapnpFramingException("unknown kind of 'other' pointer: 0x" + Long.toHexString(ref));
        }
        capabilities = true;
    }

    private static int offset(long ref) {
        return ((int) ref) >> 2;
    }

    private void charge(long words) {
        budget -= words;
        if (budget < 0) {
            throw new CapnpFramingException("reading the message exceeds the traversal limit");
        }
    }

    private void checkSegment(int segment) {
        if (segment < 0 || segment >= segments.length) {
            throw new CapnpFramingException("far pointer to segment " + Integer.toUnsignedString(segment)
                    + " of a message with " + segments.length + " segments");
        }
    }

    private void checkBounds(int segment, long start, long words, String what) {
        long segmentWords = segments[segment].capacity() / 8;
        if (start < 0 || start + words > segmentWords) {
            throw new CapnpFramingException(what + " at word " + start + " of " + words + " words lies outside segment "
                    + segment + " of " + segmentWords + " words");
        }
    }

    private long word(int segment, int index) {
        return segments[segment].getLong(index * 8);
    }
}
