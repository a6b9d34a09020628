package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Something that happened at a {@link LocalEdge}, as one JSON object: {@code {"event":"register","connIndex":0,...}}.
 * The event names and fields follow the stand-in edge that recorded {@code shared/golden}: {@code listening},
 * {@code accept}, {@code register}, {@code local_config}, {@code unregister}, {@code config_update},
 * {@code disconnect}; LocalEdge adds {@code trailers} ({@code host}, {@code path}, {@code trailers} as an object
 * with lower-case names) when a response ends with trailers. Every event has {@code event} and {@code ts};
 * connection events have {@code protocol} and, once registered, {@code connIndex}.
 *
 * @param type the {@code event} field
 * @param json the whole event as one line of JSON
 */
public record EdgeEvent(String type, String json) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public EdgeEvent {
        requireNonNull(type, "type");
        requireNonNull(json, "json");
    }

    /** The event as a tree, for reading its fields. */
    public JsonNode fields() {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an EdgeEvent holds invalid JSON: " + json, e);
        }
    }

    @Override
    public String toString() {
        return json;
    }

    /** A new event object whose first fields are {@code event} and {@code ts}. */
    static ObjectNode start(String type) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event", type);
        node.put("ts", Instant.now().toString());
        return node;
    }

    static EdgeEvent of(ObjectNode node) {
        return new EdgeEvent(node.get("event").asText(), node.toString());
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
