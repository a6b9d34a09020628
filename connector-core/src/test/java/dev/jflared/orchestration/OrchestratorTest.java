package dev.jflared.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressParser;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OrchestratorTest {

    /** The configuration the golden capture's edge pushed (rpc1.edge2cfd, version 7). */
    private static final String PUSHED = "{\"ingress\":[{\"path\":\"^/teapot\",\"service\":\"http_status:418\"},"
            + "{\"service\":\"http://127.0.0.1:8091\"}],\"warp-routing\":{\"enabled\":false}}";

    private static final Map<String, String> GOLDEN_FLAGS = Map.of("url", "http://127.0.0.1:8091",
            "metrics", "127.0.0.1:20249", "no-autoupdate", "true", "protocol", "quic", "ha-connections", "1",
            "grace-period", "1s");

    private final MetricRegistry registry = new MetricRegistry();
    private final CloudflaredMetrics metrics = CloudflaredMetrics.register(registry, "test", "now");

    private Orchestrator goldenOrchestrator() {
        Settings settings = Settings.of(GOLDEN_FLAGS, Map.of(), TunnelConfig.EMPTY);
        return Orchestrator.builder()
                .ingress(IngressParser.fromConfigAndFlags(TunnelConfig.EMPTY, settings))
                .configurationFlags(ConfigurationFlags.from(settings))
                .metrics(metrics.orchestration())
                .build();
    }

    @Test
    void startsAtTheLocalVersion() {
        Orchestrator orchestrator = goldenOrchestrator();

        assertThat(orchestrator.current().version()).isEqualTo(Orchestrator.LOCAL_VERSION);
        assertThat(orchestrator.currentIngress().rules()).hasSize(1);
    }

    @Test
    void newerVersionIsAppliedAndReported() {
        Orchestrator orchestrator = goldenOrchestrator();

        UpdateConfigurationResponse response = orchestrator.updateConfiguration(7, PUSHED);

        assertThat(response).isEqualTo(new UpdateConfigurationResponse(7, ""));
        assertThat(orchestrator.current().version()).isEqualTo(7);
        Ingress ingress = orchestrator.currentIngress();
        assertThat(ingress.match("example.com", "/teapot").service().describe()).isEqualTo("http_status:418");
        assertThat(registry.scrape()).contains("cloudflared_orchestration_config_version 7");
    }

    @Test
    void olderOrEqualVersionIsNotAppliedAndAnswersTheCurrentVersionWithoutError() {
        Orchestrator orchestrator = goldenOrchestrator();
        orchestrator.updateConfiguration(7, PUSHED);
        ConfigSnapshot applied = orchestrator.current();

        UpdateConfigurationResponse equal = orchestrator.updateConfiguration(7, "{\"ingress\":[]}");
        UpdateConfigurationResponse older = orchestrator.updateConfiguration(3, "{\"ingress\":[]}");

        assertThat(equal).isEqualTo(new UpdateConfigurationResponse(7, ""));
        assertThat(older).isEqualTo(new UpdateConfigurationResponse(7, ""));
        assertThat(orchestrator.current()).isSameAs(applied);
    }

    @Test
    void versionZeroReplacesTheLocalConfiguration() {
        Orchestrator orchestrator = goldenOrchestrator();

        UpdateConfigurationResponse response = orchestrator.updateConfiguration(0, PUSHED);

        assertThat(response.latestAppliedVersion()).isZero();
        assertThat(response.err()).isEmpty();
    }

    @Test
    void invalidRulesKeepTheOldSnapshotAndReportTheReason() {
        Orchestrator orchestrator = goldenOrchestrator();
        ConfigSnapshot before = orchestrator.current();

        UpdateConfigurationResponse response = orchestrator.updateConfiguration(8,
                "{\"ingress\":[{\"hostname\":\"a.example.com\",\"service\":\"http://localhost\"}]}");

        assertThat(response.latestAppliedVersion()).isEqualTo(Orchestrator.LOCAL_VERSION);
        assertThat(response.err()).contains("The last ingress rule must match all URLs");
        assertThat(orchestrator.current()).isSameAs(before);
        assertThat(registry.scrape()).doesNotContain("cloudflared_orchestration_config_version 8");
    }

    @Test
    void malformedJsonKeepsTheOldSnapshotAndReportsTheReason() {
        Orchestrator orchestrator = goldenOrchestrator();
        orchestrator.updateConfiguration(7, PUSHED);
        ConfigSnapshot before = orchestrator.current();

        UpdateConfigurationResponse response = orchestrator.updateConfiguration(9, "{\"ingress\":[");

        assertThat(response.latestAppliedVersion()).isEqualTo(7);
        assertThat(response.err()).isNotEmpty();
        assertThat(orchestrator.current()).isSameAs(before);
    }

    @Test
    void localConfigurationHasCloudflaredsShape() {
        Orchestrator orchestrator = goldenOrchestrator();

        String json = orchestrator.localConfigurationJson();

        // control.cfd2edge m04 of the golden QUIC capture, byte for byte.
        assertThat(json).isEqualTo("{\"__configuration_flags\":{\"metrics\":\"127.0.0.1:20249\","
                + "\"no-autoupdate\":\"true\",\"protocol\":\"quic\"},\"ingress\":[{\"service\":"
                + "\"http://127.0.0.1:8091\",\"originRequest\":{}}],\"warp-routing\":{}}");
    }

    @Test
    void localConfigurationListsRuleHostPathAndChangedOriginSettingsOnly() {
        TunnelConfig config = TunnelConfig.EMPTY;
        Ingress ingress = IngressParser.parseJsonRules("{\"originRequest\":{\"connectTimeout\":10},\"ingress\":["
                + "{\"hostname\":\"app.example.com\",\"path\":\"^/api\",\"service\":\"http://localhost:8080\","
                + "\"originRequest\":{\"noTLSVerify\":true}},{\"service\":\"http_status:404\"}]}");
        Orchestrator orchestrator = Orchestrator.builder().ingress(ingress).build();

        String json = orchestrator.localConfigurationJson();

        assertThat(config.ingress()).isEmpty();
        assertThat(json).isEqualTo("{\"ingress\":[{\"hostname\":\"app.example.com\",\"path\":\"^/api\","
                + "\"service\":\"http://localhost:8080\",\"originRequest\":{\"connectTimeout\":10,"
                + "\"noTLSVerify\":true}},{\"service\":\"http_status:404\",\"originRequest\":{\"connectTimeout\":10}}],"
                + "\"warp-routing\":{}}");
    }

    @Test
    void versionedConfigServesTheCurrentVersionRulesAndDefaults() {
        Orchestrator orchestrator = goldenOrchestrator();
        orchestrator.updateConfiguration(7, "{\"originRequest\":{\"connectTimeout\":5},\"ingress\":["
                + "{\"path\":\"^/teapot\",\"service\":\"http_status:418\"},{\"service\":\"http://127.0.0.1:8091\"}]}");

        String json = orchestrator.versionedConfigJson();

        assertThat(json).startsWith("{\"version\":7,\"config\":{\"ingress\":[{\"hostname\":\"\",\"path\":\"^/teapot\","
                + "\"service\":\"http_status:418\",\"originRequest\":{\"connectTimeout\":5,\"tlsTimeout\":10,");
        assertThat(json).contains("{\"hostname\":\"\",\"path\":null,\"service\":\"http://127.0.0.1:8091\"");
        assertThat(json).contains("\"warp-routing\":{},\"originRequest\":{\"connectTimeout\":5,\"tlsTimeout\":10,"
                + "\"tcpKeepAlive\":30,\"noHappyEyeballs\":false,\"keepAliveTimeout\":90,\"keepAliveConnections\":100,");
        assertThat(json).endsWith("\"http2Origin\":false}}}");
    }

    @Test
    void versionedConfigOfTheLocalConfigurationHasVersionMinusOne() {
        Orchestrator orchestrator = goldenOrchestrator();

        assertThat(orchestrator.versionedConfigJson()).startsWith("{\"version\":-1,\"config\":{\"ingress\":[");
    }
}
