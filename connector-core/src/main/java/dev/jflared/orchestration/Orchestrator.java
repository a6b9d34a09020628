package dev.jflared.orchestration;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.ConfigException;
import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressParser;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.RemoteConfig;
import dev.jflared.metrics.ConfigSource;
import dev.jflared.metrics.OrchestrationMetrics;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the tunnel's current configuration and replaces it when the edge pushes a newer one, as cloudflared's
 * {@code orchestration/orchestrator.go} does.
 *
 * <pre>{@code
 * Orchestrator orchestrator = Orchestrator.builder()
 *         .ingress(IngressParser.fromConfigAndFlags(config, settings))
 *         .warpRouting(config.warpRouting())
 *         .configurationFlags(Map.of("protocol", "quic"))
 *         .metrics(metrics.orchestration())
 *         .build();
 * OriginProxy proxy = OriginProxy.builder().ingress(orchestrator::currentIngress).build();
 * }</pre>
 *
 * <h2>Versions</h2>
 * The configuration read at start-up has version {@value #LOCAL_VERSION}, below any the edge sends (they start at
 * 0), so the first remote configuration always replaces the local one. {@link #updateConfiguration} applies only a
 * version newer than the current one; an older or equal one is answered with the current version and no error.
 *
 * <h2>Errors</h2>
 * A configuration that is not JSON, or whose rules cloudflared would refuse, is not applied: the answer carries
 * the version still in force and the reason in {@code err}, and the previous snapshot keeps serving.
 *
 * <h2>Threads</h2>
 * Thread-safe. Readers ({@link #current()}, {@link #currentIngress()}, {@link #versionedConfigJson()}) read one
 * volatile reference and never wait; updates are serialized among themselves.
 */
public final class Orchestrator implements ConfigSource {

    /** The version of the configuration read at start-up: below every version the edge numbers. */
    public static final int LOCAL_VERSION = -1;

    private static final Logger logger = LoggerFactory.getLogger(Orchestrator.class);

    private final AtomicReference<ConfigSnapshot> current;
    private final Map<String, String> configurationFlags;
    private final OrchestrationMetrics metrics;
    private final Object updateLock = new Object();

    private Orchestrator(Builder builder) {
        OriginRequestConfig defaults = builder.originRequestDefaults != null ? builder.originRequestDefaults
                : builder.ingress.catchAll().originRequest();
        this.current = new AtomicReference<>(
                new ConfigSnapshot(LOCAL_VERSION, builder.ingress, builder.warpRouting, defaults));
        this.configurationFlags = Collections.unmodifiableMap(new TreeMap<>(builder.configurationFlags));
        this.metrics = builder.metrics;
    }

    /** A builder; {@link Builder#ingress} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration in force now. */
    public ConfigSnapshot current() {
        return current.get();
    }

    /** The ingress in force now; what {@link dev.jflared.proxy.OriginProxy} reads once per request. */
    public Ingress currentIngress() {
        return current.get().ingress();
    }

    /**
     * Applies a configuration pushed by the edge ({@code {"ingress":[...],"warp-routing":{...},
     * "originRequest":{...}}}) if {@code version} is newer than the current one; see the class doc. Never throws
     * for a bad configuration: the reason is in the answer's {@code err}.
     */
    public UpdateConfigurationResponse updateConfiguration(int version, String configJson) {
        requireNonNull(configJson, "configJson");
        synchronized (updateLock) {
            ConfigSnapshot old = current.get();
            if (old.version() >= version) {
                logger.atDebug().addKeyValue("current_version", old.version()).addKeyValue("received_version", version)
                        .log("Current version is equal or newer than received version");
                return new UpdateConfigurationResponse(old.version(), "");
            }
            String syntaxError = ConfigJson.syntaxError(configJson).orElse(null);
            if (syntaxError != null) {
                logger.atError().addKeyValue("error", syntaxError).addKeyValue("version", version)
                        .addKeyValue("config", configJson).log("Failed to deserialize new configuration");
                return new UpdateConfigurationResponse(old.version(), syntaxError);
            }
            ConfigSnapshot next;
            try {
                next = parse(version, configJson);
            } catch (ConfigException e) {
                logger.atError().setCause(e).addKeyValue("version", version).addKeyValue("config", configJson)
                        .log("Failed to update ingress");
                return new UpdateConfigurationResponse(old.version(), e.getMessage());
            }
            current.set(next);
            logger.atInfo().addKeyValue("config", configJson).addKeyValue("version", version)
                    .log("Updated to new configuration");
            if (metrics != null) {
                metrics.configVersion(version);
            }
            return new UpdateConfigurationResponse(version, "");
        }
    }

    /**
     * Replaces the ingress rules given by the embedding API ({@code Tunnel.updateIngress}), through the same
     * atomic swap a configuration pushed by the edge goes through: requests already started keep the snapshot
     * they matched against, new ones see {@code ingress}. The version in force is kept, so that the edge's next
     * push, numbered above it, still applies; {@code warp-routing} and the {@code originRequest} defaults are kept.
     *
     * @return the version in force, unchanged
     */
    public int updateIngress(Ingress ingress) {
        requireNonNull(ingress, "ingress");
        synchronized (updateLock) {
            ConfigSnapshot old = current.get();
            current.set(new ConfigSnapshot(old.version(), ingress, old.warpRouting(),
                    old.originRequestDefaults()));
            logger.atInfo().addKeyValue("rules", ingress.rules().size()).addKeyValue("version", old.version())
                    .log("Updated to new ingress rules");
            return old.version();
        }
    }

    private static ConfigSnapshot parse(int version, String configJson) {
        RemoteConfig remote = IngressParser.parseRemoteConfig(configJson);
        // Without rules the parser answers with a catch-all resolved against the top-level originRequest alone:
        // that rule's settings are the defaults /config reports.
        String defaultsOnly = ConfigJson.member(configJson, "originRequest")
                .map(block -> "{\"originRequest\":" + block + "}").orElse("{}");
        OriginRequestConfig defaults = IngressParser.parseRemoteConfig(defaultsOnly).ingress().catchAll()
                .originRequest();
        return new ConfigSnapshot(version, remote.ingress(), remote.warpRouting(), defaults);
    }

    /**
     * The current configuration as connection 0 of a locally managed tunnel sends it to the edge with
     * {@code updateLocalConfiguration}: {@code {"__configuration_flags":{...},"ingress":[...],"warp-routing":{}}}
     * (golden {@code control.cfd2edge} m04).
     */
    public String localConfigurationJson() {
        return ConfigJson.localConfig(current.get(), configurationFlags);
    }

    /** {@inheritDoc} Rendered from the current snapshot; never waits for an update in progress. */
    @Override
    public String versionedConfigJson() {
        return ConfigJson.versioned(current.get());
    }

    /** Builds an {@link Orchestrator}. Not thread-safe. */
    public static final class Builder {

        private Ingress ingress;
        private WarpRoutingConfig warpRouting = WarpRoutingConfig.DEFAULTS;
        private OriginRequestConfig originRequestDefaults;
        private final Map<String, String> configurationFlags = new LinkedHashMap<>();
        private OrchestrationMetrics metrics;

        private Builder() {}

        /** The ingress read at start-up. Required. */
        public Builder ingress(Ingress ingress) {
            this.ingress = requireNonNull(ingress, "ingress");
            return this;
        }

        /** The {@code warp-routing} block read at start-up. Default {@link WarpRoutingConfig#DEFAULTS}. */
        public Builder warpRouting(WarpRoutingConfig warpRouting) {
            this.warpRouting = requireNonNull(warpRouting, "warpRouting");
            return this;
        }

        /**
         * The top-level {@code originRequest} with defaults resolved, as {@code /config} reports it. Default: the
         * settings of the ingress's catch-all rule.
         */
        public Builder originRequestDefaults(OriginRequestConfig defaults) {
            this.originRequestDefaults = requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * The flags this connector was started with that cloudflared reports in {@code __configuration_flags}
         * (see {@link ConfigurationFlags}). Default none.
         */
        public Builder configurationFlags(Map<String, String> flags) {
            flags.forEach((name, value) -> configurationFlags.put(requireNonNull(name, "name"),
                    requireNonNull(value, "value")));
            return this;
        }

        /** Where the applied version is reported ({@code cloudflared_orchestration_config_version}). Default none. */
        public Builder metrics(OrchestrationMetrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics");
            return this;
        }

        /** The orchestrator, holding the start-up configuration as version {@value #LOCAL_VERSION}. */
        public Orchestrator build() {
            if (ingress == null) {
                throw new IllegalStateException("ingress(...) must be set before build()");
            }
            return new Orchestrator(this);
        }
    }
}
