package dev.jflared.rpc;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Capabilities we host for the peer, by export id, with the reference count the peer holds (rpc.capnp,
 * {@code ExportId}): each time we send an export in a capability table its count goes up by one; the peer's
 * {@code Release} (or a {@code Finish} with {@code releaseResultCaps}) brings it down, and at zero the id is freed.
 * Event-loop confined.
 */
final class ExportTable {

    private final IdAllocator ids = new IdAllocator();
    private final Map<Integer, Export> byId = new HashMap<>();
    private final Map<CapabilityServer, Export> byServer = new IdentityHashMap<>();

    private static final class Export {
        final int id;
        final CapabilityServer server;
        long references;

        Export(int id, CapabilityServer server) {
            this.id = id;
            this.server = server;
        }
    }

    /** Exports {@code server} once more and returns its id (the same id while the peer holds a reference). */
    int export(CapabilityServer server) {
        Export export = byServer.get(server);
        if (export == null) {
            export = new Export(ids.allocate(), server);
            byId.put(export.id, export);
            byServer.put(server, export);
        }
        export.references++;
        return export.id;
    }

    /** The server behind an export id, or null. */
    CapabilityServer get(int id) {
        Export export = byId.get(id);
        return export == null ? null : export.server;
    }

    /** Drops {@code count} references (unsigned); false when the id is not exported. */
    boolean release(int id, int count) {
        Export export = byId.get(id);
        if (export == null) {
            return false;
        }
        export.references -= Integer.toUnsignedLong(count);
        if (export.references <= 0) {
            byId.remove(id);
            byServer.remove(export.server);
            ids.release(id);
        }
        return true;
    }

    void clear() {
        byId.clear();
        byServer.clear();
    }

    int size() {
        return byId.size();
    }
}
