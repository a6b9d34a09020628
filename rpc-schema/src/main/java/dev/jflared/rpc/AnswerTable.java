package dev.jflared.rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The peer's questions that we have not seen a {@code Finish} for, by id. Event-loop confined. */
final class AnswerTable {

    private final Map<Integer, Answer> byId = new HashMap<>();

    /** A new answer, or null when the peer reuses an id that is still in use (a protocol error). */
    Answer create(int id) {
        if (byId.containsKey(id)) {
            return null;
        }
        Answer answer = new Answer(id);
        byId.put(id, answer);
        return answer;
    }

    Answer get(int id) {
        return byId.get(id);
    }

    Answer remove(int id) {
        return byId.remove(id);
    }

    List<Answer> drain() {
        List<Answer> all = new ArrayList<>(byId.values());
        byId.clear();
        return all;
    }

    int size() {
        return byId.size();
    }
}
