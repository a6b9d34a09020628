package dev.jflared.cli;

/** Lets tests in sub-packages run the command line the way {@code MainTest} does. */
public final class MainAccess {

    private MainAccess() {}

    public static int run(String... args) {
        return Main.run(args);
    }
}
