package dev.jflared.cli.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * logback's configuration when nothing else configured it: INFO in cloudflared's console format on stderr
 * ({@link LogOptions#defaults()}). Found by logback through {@code META-INF/services}; ranked after logback's own
 * search for {@code logback.xml} (which an embedder may still ship) and before its DEBUG-to-stdout fallback.
 */
@ConfiguratorRank(ConfiguratorRank.FALLBACK + 5)
public final class DefaultLoggingConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LoggingSetup.configure(context, LogOptions.defaults(), LoggingSetup.stderr());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
