package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code jflared tunnel ingress validate|rule}: output, streams and exit codes as cloudflared's. */
@Timeout(30)
class IngressCommandTest {

    private static final String RULES = "tunnel: 6ff42ae2-765d-4adf-8112-31c55c1551ef\n"
            + "ingress:\n"
            + "  - hostname: app.example.com\n    path: ^/api\n    service: http://localhost:8080\n"
            + "  - hostname: \"*.example.com\"\n    service: ssh://localhost\n"
            + "  - hostname: static.example.org\n    service: unix:/run/web.sock\n"
            + "  - service: http_status:404\n";

    @TempDir
    Path home;

    private Path write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private CliRun run(String... args) {
        return CliRun.run(home, Map.of(), args);
    }

    @Test
    void validRulesPrintOk() throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = run("tunnel", "--config", config.toString(), "ingress", "validate");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Validating rules from " + config + "\nOK\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void configOnTheSearchPathIsUsedWithoutConfigFlag() throws IOException {
        Path config = write(".cloudflared/config.yaml", RULES);

        CliRun run = run("tunnel", "ingress", "validate");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Validating rules from " + config + "\nOK\n");
    }

    static Stream<Arguments> invalidRules() {
        return Stream.of(
                Arguments.of("ingress:\n  - hostname: a.example.com\n    service: http://localhost\n",
                        "Validation failed: The last ingress rule must match all URLs (i.e. it should not have a "
                                + "hostname or path filter)"),
                Arguments.of("ingress:\n  - service: http://localhost:8000/static/\n",
                        "Validation failed: http://localhost:8000/static/ is an invalid address, ingress rules "
                                + "don't support proxying to a different path on the origin service. The path will be "
                                + "the same as the eyeball request's path"),
                Arguments.of("tunnel: x\n", "Validation failed: The config file doesn't contain any ingress rules"),
                Arguments.of("ingress:\n  - hostname: a.com\n    path: (?=x)\n    service: http://x\n"
                                + "  - service: http_status:404\n",
                        "Validation failed: Rule #1 has an invalid regex: error parsing regexp: invalid or "
                                + "unsupported Perl syntax: `(?=`"));
    }

    @ParameterizedTest
    @MethodSource("invalidRules")
    void invalidRulesFailWithValidationFailedOnStandardError(String yaml, String message) throws IOException {
        Path config = write("config.yml", yaml);

        CliRun run = run("tunnel", "--config", config.toString(), "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Validating rules from " + config + "\n");
        assertThat(run.err()).isEqualTo(message + "\n");
    }

    @Test
    void wrongTypeInTheFileNamesFileLineAndKey() throws IOException {
        Path config = write("config.yml", RULES + "ha-connections: four\n");

        CliRun run = run("tunnel", "--config", config.toString(), "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(config + ":11:17: ha-connections: expected an integer, got \"four\"\n");
    }

    @Test
    void missingConfigIsReported() {
        CliRun run = run("tunnel", "--config", home.resolve("missing.yml").toString(), "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(IngressCommand.NO_CONFIG_FILE + "\n");
    }

    @Test
    void urlFlagWithIngressRulesIsRefused() throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = run("tunnel", "--config", config.toString(), "--url", "http://localhost:1", "ingress",
                "validate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin "
                + "ingress rules\n");
    }

    @Test
    void urlFromTheEnvironmentIsRefusedToo() throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = CliRun.run(home, Map.of("TUNNEL_URL", "http://localhost:1"), "tunnel", "--config",
                config.toString(), "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void unusedKeysAreListedInsteadOfOk() throws IOException {
        Path config = write("config.yml", "ingress:\n  - servce: http://x\n    service: http_status:404\n");

        CliRun run = run("tunnel", "--config", config.toString(), "ingress", "validate");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Validating rules from " + config + "\n"
                + "Warning: unused keys detected in your config file. Here is a list of unused keys:\n"
                + config + ":2:13: unknown key ingress[0].servce\n");
    }

    @Test
    void jsonRulesAreValidated() {
        CliRun ok = run("tunnel", "ingress", "validate", "--json",
                "{\"ingress\":[{\"hostname\":\"a.com\",\"service\":\"http://x\"},{\"service\":\"http_status:404\"}]}");
        CliRun bad = run("tunnel", "ingress", "validate", "-j", "{\"ingress\":[]}");

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEqualTo("Validating rules from cmdline flag --json\nOK\n");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("Validation failed: The config file doesn't contain any ingress rules\n");
    }

    static Stream<Arguments> urls() {
        return Stream.of(
                Arguments.of("https://app.example.com/api/v1", "Matched rule #0\n\thostname: app.example.com\n"
                        + "\tpath: ^/api\n\tservice: http://localhost:8080\n"),
                Arguments.of("https://app.example.com/", "Matched rule #1\n\thostname: *.example.com\n"
                        + "\tservice: ssh://localhost:22\n"),
                Arguments.of("ssh://a.b.example.com:2222", "Matched rule #1\n\thostname: *.example.com\n"
                        + "\tservice: ssh://localhost:22\n"),
                Arguments.of("http://STATIC.example.org", "Matched rule #2\n\thostname: static.example.org\n"
                        + "\tservice: unix:/run/web.sock\n"),
                Arguments.of("https://example.com", "Matched rule #3\n\tservice: http_status:404\n"));
    }

    @ParameterizedTest
    @MethodSource("urls")
    void ruleCommandPrintsTheMatchedRule(String url, String expected) throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = run("tunnel", "--config", config.toString(), "ingress", "rule", url);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Using rules from " + config + "\n" + expected);
        assertThat(run.err()).isEmpty();
    }

    static Stream<Arguments> badUrls() {
        return Stream.of(
                Arguments.of(new String[] {}, "cloudflared tunnel rule expects a single argument, the URL to test"),
                Arguments.of(new String[] {"example.com/path"},
                        "example.com/path doesn't have a hostname, consider adding a scheme"),
                Arguments.of(new String[] {"http://local host/"}, "http://local host/ is not a valid URL"));
    }

    @ParameterizedTest
    @MethodSource("badUrls")
    void ruleCommandRefusesBadUrls(String[] url, String message) throws IOException {
        Path config = write("config.yml", RULES);
        String[] args = Stream.concat(Stream.of("tunnel", "--config", config.toString(), "ingress", "rule"),
                Stream.of(url)).toArray(String[]::new);

        CliRun run = run(args);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(message + "\n");
    }

    @Test
    void ruleCommandWithoutConfigFailsAsCloudflaredDoes() {
        CliRun run = run("tunnel", "ingress", "rule", "https://example.com");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Using rules from \n");
        assertThat(run.err()).isEqualTo("Validation failed: The config file doesn't contain any ingress rules\n");
    }

    @Test
    void tunnelFlagsAreAcceptedBeforeTheSubcommand() throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = run("tunnel", "--config", config.toString(), "--loglevel", "debug", "--no-autoupdate",
                "--edge", "127.0.0.1:7844", "--edge", "127.0.0.2:7844", "ingress", "validate");

        assertThat(run.exitCode()).isZero();
    }

    @Test
    void flagWithAValueOfTheWrongTypeIsRefused() throws IOException {
        Path config = write("config.yml", RULES);

        CliRun run = run("tunnel", "--config", config.toString(), "--retries=many", "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).endsWith("--retries: invalid value \"many\" for int flag retries\n");
    }

    @Test
    void unknownFlagIsAUsageError() {
        CliRun run = run("tunnel", "--no-such-flag", "ingress", "validate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--no-such-flag");
    }
}
