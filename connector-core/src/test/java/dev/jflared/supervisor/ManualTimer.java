package dev.jflared.supervisor;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A {@link Timer} whose time moves only when a test calls {@link #advance}; tasks run on the caller's thread. */
final class ManualTimer implements Timer {

    private final List<Task> tasks = new ArrayList<>();
    private long nowNanos;

    @Override
    public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task scheduled = new Task(task, nowNanos + unit.toNanos(delay));
        tasks.add(scheduled);
        return scheduled;
    }

    /** Moves time forward by {@code duration} and runs every task that has come due, in deadline order. */
    void advance(Duration duration) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            nowNanos += duration.toNanos();
            for (Task task : List.copyOf(tasks)) {
                if (task.deadline <= nowNanos) {
                    tasks.remove(task);
                    if (!task.cancelled) {
                        due.add(task);
                    }
                }
            }
        }
        due.sort((a, b) -> Long.compare(a.deadline, b.deadline));
        for (Task task : due) {
            try {
                task.task.run(task);
            } catch (Exception e) {
                throw new IllegalStateException("timer task failed", e);
            }
        }
    }

    @Override
    public synchronized Set<Timeout> stop() {
        tasks.clear();
        return Set.of();
    }

    private final class Task implements Timeout {
        final TimerTask task;
        final long deadline;
        volatile boolean cancelled;

        Task(TimerTask task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public Timer timer() {
            return ManualTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            synchronized (ManualTimer.this) {
                return deadline <= nowNanos;
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            cancelled = true;
            return true;
        }
    }
}
