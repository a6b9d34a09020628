package dev.jflared.rpc;

import java.util.ArrayDeque;

/**
 * Question and export ids: a freed id is reused before a new one is taken, most recently freed first. This is the
 * order of zombiezen capnproto2 v2.18's {@code idgen} (cloudflared's RPC library), which is why cloudflared's second
 * and later calls on the control stream all use question 1 after questions 0 and 1 were finished (golden
 * {@code control.cfd2edge}). Event-loop confined.
 */
final class IdAllocator {

    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int next;

    int allocate() {
        Integer reused = free.pollLast();
        if (reused != null) {
            return reused;
        }
        if (next == -1) {
            throw new IllegalStateException("all 2^32 ids are in use");
        }
        return next++;
    }

    void release(int id) {
        free.addLast(id);
    }
}
