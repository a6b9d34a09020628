package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jflared.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The stand-in edge's event log of a capture ({@code <capture>/logs/refedge.events.jsonl}), whose shapes LocalEdge's
 * {@link EdgeEvent}s follow.
 */
final class GoldenEvents {

    /** Fields that differ per run ({@code ts}, the connection's address and uuid) or per edge. */
    private static final Set<String> PER_RUN = Set.of("ts", "conn", "remote", "connectionUuid", "trigger");

    private GoldenEvents() {}

    /**
     * Every field of LocalEdge's {@code event} that is not per-run has the value the stand-in edge logged in its first
     * event of that type in {@code log} (e.g. {@code quic/logs/refedge.events.jsonl}); {@code compared} must be among
     * those fields, so the comparison cannot pass empty.
     */
    static void assertSameFields(EdgeEvent event, String log, String... compared) {
        JsonNode golden = first(log, event.type());
        JsonNode fields = event.fields();
        List<String> names = new ArrayList<>();
        fields.fieldNames().forEachRemaining(name -> {
            if (!PER_RUN.contains(name)) {
                names.add(name);
                assertThat(fields.get(name)).as(event.type() + "." + name).isEqualTo(golden.get(name));
            }
        });
        assertThat(names).contains(compared);
    }

    private static JsonNode first(String log, String type) {
        try {
            for (String line : Files.readAllLines(Golden.path(log))) {
                JsonNode event = EdgeEvent.mapper().readTree(line);
                if (event.get("event").asText().equals(type)) {
                    return event;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the stand-in edge logged no " + type + " event in " + log);
    }
}
