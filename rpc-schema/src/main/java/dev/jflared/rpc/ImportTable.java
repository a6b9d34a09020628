package dev.jflared.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Capabilities the peer hosts that we hold, by import id, with how many references we have received; on shutdown
 * each is released with its full count ({@code release(id, referenceCount)}, as cloudflared does). Event-loop
 * confined.
 */
final class ImportTable {

    private final Map<Integer, Integer> references = new LinkedHashMap<>();

    void add(int importId) {
        references.merge(importId, 1, Integer::sum);
    }

    /** Removes and returns every import with its reference count. */
    Map<Integer, Integer> drain() {
        Map<Integer, Integer> all = new LinkedHashMap<>(references);
        references.clear();
        return all;
    }

    int size() {
        return references.size();
    }
}
