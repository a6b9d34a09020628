package dev.jflared.cli.logging;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/** Markers with a meaning in our log format. */
public final class LogMarkers {

    /**
     * Marks an ERROR event as fatal: it prints as {@code FTL} / {@code "level":"fatal"} and passes a
     * {@code --loglevel fatal} threshold. Only the CLI logs fatal events, right before it exits; libraries never
     * do, since they never end the process.
     */
    public static final Marker FATAL = MarkerFactory.getMarker("FATAL");

    private LogMarkers() {}
}
