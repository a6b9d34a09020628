package dev.jflared.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The admin endpoints under {@value #PREFIX} on the eyeball port, answered by the edge itself:
 * <ul>
 *   <li>{@code GET /_edge/healthz}: {@code {"active":N}}</li>
 *   <li>{@code GET /_edge/connections}: the active connections as a JSON array</li>
 *   <li>{@code POST /_edge/config?version=N} with the configuration JSON as body: pushes it to every active
 *       connection and answers one {@code {connIndex, protocol, lastAppliedVersion, err}} per connection</li>
 * </ul>
 */
final class AdminEndpoints {

    static final String PREFIX = "/_edge/";

    /** An answer: status and a JSON body. */
    record Answer(HttpResponseStatus status, String json) {}

    private final EdgeState state;

    AdminEndpoints(EdgeState state) {
        this.state = state;
    }

    CompletableFuture<Answer> handle(HttpMethod method, String uri, String body) {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        String path = query.path();
        if (path.equals(PREFIX + "healthz") && method.equals(HttpMethod.GET)) {
            ObjectNode health = EdgeEvent.mapper().createObjectNode();
            health.put("active", state.activeConnections().size());
            return ok(health.toString());
        }
        if (path.equals(PREFIX + "connections") && method.equals(HttpMethod.GET)) {
            ArrayNode connections = EdgeEvent.mapper().createArrayNode();
            for (ConnectionInfo info : state.activeConnections()) {
                ObjectNode node = connections.addObject();
                node.put("connIndex", info.connIndex());
                node.put("protocol", info.protocol().flagValue());
                node.put("clientId", info.clientId().toString());
                node.put("connectionUuid", info.connectionUuid().toString());
                node.put("location", info.location());
                node.put("remote", HostPort.format(info.remoteAddress()));
            }
            return ok(connections.toString());
        }
        if (path.equals(PREFIX + "config") && method.equals(HttpMethod.POST)) {
            return pushConfig(query, body);
        }
        return CompletableFuture.completedFuture(error(HttpResponseStatus.NOT_FOUND,
                "no admin endpoint " + method + " " + path + "; try GET " + PREFIX + "healthz, GET " + PREFIX
                        + "connections or POST " + PREFIX + "config?version=N"));
    }

    private CompletableFuture<Answer> pushConfig(QueryStringDecoder query, String body) {
        List<String> versions = query.parameters().getOrDefault("version", List.of());
        int version;
        try {
            version = Integer.parseInt(versions.isEmpty() ? "" : versions.get(0));
        } catch (NumberFormatException e) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.BAD_REQUEST,
                    "version: expected an integer query parameter, got " + versions));
        }
        return state.pushConfig(version, body, "admin").thenApply(results -> {
            ArrayNode answers = EdgeEvent.mapper().createArrayNode();
            for (ConfigPushResult result : results) {
                ObjectNode node = answers.addObject();
                node.put("connIndex", result.connIndex());
                node.put("protocol", result.protocol().flagValue());
                node.put("lastAppliedVersion", result.lastAppliedVersion());
                node.put("err", result.err());
            }
            return new Answer(HttpResponseStatus.OK, answers.toString());
        });
    }

    private static CompletableFuture<Answer> ok(String json) {
        return CompletableFuture.completedFuture(new Answer(HttpResponseStatus.OK, json));
    }

    private static Answer error(HttpResponseStatus status, String message) {
        ObjectNode node = EdgeEvent.mapper().createObjectNode();
        node.put("error", message);
        return new Answer(status, node.toString());
    }
}
