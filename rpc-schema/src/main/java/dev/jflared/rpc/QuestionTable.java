package dev.jflared.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.capnproto.AnyPointer;

/** Our outstanding questions by id. Event-loop confined. */
final class QuestionTable {

    private final IdAllocator ids = new IdAllocator();
    private final Map<Integer, Question> byId = new HashMap<>();

    Question allocate(RemoteCapability bootstrapOf, CompletableFuture<AnyPointer.Reader> result, String description) {
        return add(new Question(ids.allocate(), bootstrapOf, result, description));
    }

    Question allocatePing(CompletableFuture<Duration> pong) {
        return add(Question.ping(ids.allocate(), pong));
    }

    private Question add(Question question) {
        byId.put(question.id, question);
        return question;
    }

    Question get(int id) {
        return byId.get(id);
    }

    /** Frees the id for reuse: the Return has arrived and the Finish is sent (or neither will ever happen). */
    void free(Question question) {
        if (byId.remove(question.id, question)) {
            ids.release(question.id);
        }
    }

    /** Removes and returns every question; used when the connection ends. */
    List<Question> drain() {
        List<Question> all = new ArrayList<>(byId.values());
        byId.clear();
        return all;
    }

    int size() {
        return byId.size();
    }
}
