package dev.jflared.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How {@code tunnel run} learns that it should stop: SIGINT and SIGTERM in the real process, a trigger of the test's
 * in tests.
 */
@FunctionalInterface
interface StopSignals {

    /**
     * Arranges for {@code handler} to be called with the signal's name as Go prints it ({@code interrupt},
     * {@code terminated}) when the process is asked to stop.
     */
    void install(Consumer<String> handler);

    /**
     * SIGINT and SIGTERM through {@code sun.misc.Signal}, which replaces the JVM's own handling (shutdown hooks)
     * for them. The first one goes to the handler; a second one ends the process at once with the shell's code for
     * death by that signal (130, 143), as cloudflared does: it stops listening after the first signal, so the
     * second one kills it.
     */
    static StopSignals system() {
        return handler -> {
            AtomicBoolean received = new AtomicBoolean();
            for (String name : new String[] {"INT", "TERM"}) {
                try {
                    Signal.handle(new Signal(name), signal -> {
                        if (received.compareAndSet(false, true)) {
                            handler.accept(goName(signal.getName()));
                        } else {
                            Runtime.getRuntime().halt(128 + signal.getNumber());
                        }
                    });
                } catch (IllegalArgumentException e) {
                    // The JVM keeps the signal (-Xrs, or an agent owns it): it then ends the process its own way.
                    LoggerFactory.getLogger(StopSignals.class).atWarn().setCause(e).addKeyValue("signal", name)
                            .log("Cannot handle the signal; it will stop the process without a graceful shutdown");
                }
            }
        };
    }

    private static String goName(String name) {
        return name.equals("INT") ? "interrupt" : "terminated";
    }
}
