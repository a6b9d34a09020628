package dev.jflared.cli;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.EdgeTransports;
import java.util.function.Supplier;

/**
 * What {@code tunnel run} takes from the process besides the environment: the edge transports (found with
 * {@link java.util.ServiceLoader}) and the stop signals. Tests pass in-memory transports and a trigger.
 */
record RunSupport(Supplier<EdgeTransports> transports, StopSignals signals) {

    RunSupport {
        requireNonNull(transports, "transports");
        requireNonNull(signals, "signals");
    }

    static RunSupport system() {
        return new RunSupport(() -> EdgeTransports.load(RunSupport.class.getClassLoader()), StopSignals.system());
    }
}
