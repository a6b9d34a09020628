package dev.jflared.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

@Timeout(10)
class LoggingSetupTest {

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    LoggingSetupTest() {
        // A context made outside SLF4J's binding gets no MDC adapter; events read the MDC, so give it one.
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void defaultsPrintInfoInCloudflaredFormatAndDropDebug() {
        LoggingSetup.configure(context, LogOptions.defaults(), console);
        Logger logger = context.getLogger("dev.jflared.supervisor.Supervisor");

        logger.atDebug().addKeyValue("connIndex", 0).log("dialling");
        logger.atInfo().addKeyValue("connIndex", 0).addKeyValue("location", "lhr01")
                .log("Registered tunnel connection");

        assertThat(consoleLines()).singleElement().asString()
                .matches(TIME + " INF Registered tunnel connection connIndex=0 location=lhr01");
    }

    @Test
    void transportLoggersFollowTheirOwnLevel() {
        LoggingSetup.configure(context, LogOptions.defaults().withLevel(LogLevel.DEBUG)
                .withTransportLevel(LogLevel.WARN), console);

        context.getLogger("dev.jflared.proxy.OriginProxy").debug("app debug");
        context.getLogger("dev.jflared.quic.QuicEdgeConnection").info("transport info");
        context.getLogger("io.netty.channel.DefaultChannelPipeline").info("netty info");
        context.getLogger("dev.jflared.quic.QuicEdgeConnection").warn("transport warn");
        context.getLogger("dev.jflared.quicker.Other").debug("not a transport logger");

        assertThat(consoleLines()).hasSize(3)
                .anyMatch(l -> l.endsWith("DBG app debug"))
                .anyMatch(l -> l.endsWith("WRN transport warn"))
                .anyMatch(l -> l.endsWith("DBG not a transport logger"));
    }

    @Test
    void fatalThresholdKeepsOnlyFatalEvents() {
        LoggingSetup.configure(context, LogOptions.defaults().withLevel(LogLevel.FATAL), console);
        Logger logger = context.getLogger("dev.jflared.cli.Main");

        logger.warn("a warning");
        logger.error("an error");
        logger.error(LogMarkers.FATAL, "classic fatal");
        logger.atError().addMarker(LogMarkers.FATAL).log("fluent fatal");

        assertThat(consoleLines()).hasSize(2)
                .allMatch(l -> l.matches(TIME + " FTL (classic|fluent) fatal"));
    }

    @Test
    void logFileReceivesJsonLinesWhileTheConsoleStaysHuman() throws IOException {
        Path file = dir.resolve("nested").resolve("jflared.log");
        LoggingSetup.configure(context, LogOptions.defaults().withLogFile(file), console);

        context.getLogger("dev.jflared.edge.EdgeDiscovery").atInfo().addKeyValue("connIndex", 1)
                .addKeyValue("ip", "198.41.200.13").log("Registered tunnel connection");
        context.stop();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode node = JSON.readTree(lines.get(0));
        assertThat(node.get("level").asText()).isEqualTo("info");
        assertThat(node.get("connIndex").asInt()).isEqualTo(1);
        assertThat(node.get("ip").asText()).isEqualTo("198.41.200.13");
        assertThat(node.get("message").asText()).isEqualTo("Registered tunnel connection");
        assertThat(node.get("time").asText()).matches(TIME);
        assertThat(consoleLines()).singleElement().asString().contains(" INF Registered tunnel connection ");
    }

    @Test
    void logFileIsAppendedToAcrossRuns() throws IOException {
        Path file = dir.resolve("append.log");
        LoggingSetup.configure(context, LogOptions.defaults().withLogFile(file), console);
        context.getLogger("a").info("first run");
        LoggingSetup.configure(context, LogOptions.defaults().withLogFile(file), console);
        context.getLogger("a").info("second run");
        context.stop();

        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void logDirectoryWinsOverLogFileAndSaysSo() throws IOException {
        Path file = dir.resolve("ignored.log");
        Path logDir = dir.resolve("logs");
        LoggingSetup.configure(context, LogOptions.defaults().withLogFile(file).withLogDirectory(logDir), console);

        context.getLogger("a").info("to the directory");
        context.stop();

        assertThat(file).doesNotExist();
        List<String> lines = Files.readAllLines(logDir.resolve("cloudflared.log"));
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).get("level").asText()).isEqualTo("error");
        assertThat(JSON.readTree(lines.get(1)).get("message").asText()).isEqualTo("to the directory");
        assertThat(consoleLines().get(0)).contains(" ERR Both --logfile and --log-directory are set");
    }

    @Test
    void unwritableLogFileIsReportedAndTheConsoleKeepsWorking() {
        LoggingSetup.configure(context, LogOptions.defaults().withLogFile(dir), console);

        context.getLogger("a").info("still here");

        assertThat(consoleLines()).hasSize(2);
        assertThat(consoleLines().get(0)).contains(" ERR Cannot write the log file " + dir);
        assertThat(consoleLines().get(1)).endsWith(" INF still here");
    }

    @Test
    void problemsFromFlagsAreLoggedAtError() {
        LogOptions options = new LogOptions(LogLevel.INFO, LogLevel.INFO, LogFormat.DEFAULT, Optional.empty(),
                Optional.empty(), List.of("Unknown log level \"loud\" for --loglevel"));

        LoggingSetup.configure(context, options, console);

        assertThat(consoleLines()).singleElement().asString()
                .matches(TIME + " ERR Unknown log level \"loud\" for --loglevel");
    }

    @Test
    void jsonConsoleOutputParses() throws IOException {
        LoggingSetup.configure(context, LogOptions.defaults().withConsoleFormat(LogFormat.JSON), console);

        context.getLogger("a").atWarn().addKeyValue("connIndex", 3).log("Connection terminated");

        JsonNode node = JSON.readTree(consoleLines().get(0));
        assertThat(node.get("level").asText()).isEqualTo("warn");
        assertThat(node.get("connIndex").asInt()).isEqualTo(3);
        assertThat(node.get("message").asText()).isEqualTo("Connection terminated");
    }

    @Test
    void logbackAutoConfigurationFindsOurDefaults() throws Exception {
        new ContextInitializer(context).autoConfig();

        ch.qos.logback.classic.Logger root = context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("console")).isNotNull();
        assertThat(root.getAppender("console").isStarted()).isTrue();
    }

    private List<String> consoleLines() {
        return console.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
