package dev.jflared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class CredentialsLoaderTest {

    private static final UUID ID = UUID.fromString("6ff42ae2-765d-4adf-8112-31c55c1551ef");
    private static final byte[] SECRET = "super-secret-tunnel-bytes-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET);

    @TempDir
    Path home;

    private static String fileJson(String secret, String id) {
        return "{\"AccountTag\":\"acct\",\"TunnelSecret\":\"" + secret + "\",\"TunnelID\":\"" + id + "\"}";
    }

    private static String token(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String urlSafe(String token) {
        return token.substring(0, 8) + "-_" + token.substring(10);
    }

    @Test
    void credentialsFileIsRead() throws IOException {
        Path file = Files.writeString(home.resolve(ID + ".json"), "{\"AccountTag\":\"acct\",\"TunnelSecret\":\""
                + SECRET_B64 + "\",\"TunnelID\":\"" + ID + "\",\"Endpoint\":\"fed\"}");

        TunnelCredentials credentials = CredentialsLoader.fromFile(file);

        assertThat(credentials.accountTag()).isEqualTo("acct");
        assertThat(credentials.tunnelSecret()).isEqualTo(SECRET);
        assertThat(credentials.tunnelId()).isEqualTo(ID);
        assertThat(credentials.endpoint()).contains("fed");
    }

    @Test
    void fieldNamesMatchWithoutRegardToCaseAsInGo() {
        TunnelCredentials credentials = CredentialsLoader.fromContents(
                "{\"accounttag\":\"acct\",\"tunnelsecret\":\"" + SECRET_B64 + "\",\"tunnelid\":\"" + ID + "\"}");

        assertThat(credentials.tunnelId()).isEqualTo(ID);
    }

    @Test
    void tokenIsDecoded() {
        TunnelCredentials credentials = CredentialsLoader.fromToken(
                token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\",\"t\":\"" + ID + "\"}"));

        assertThat(credentials).isEqualTo(new TunnelCredentials("acct", SECRET, ID, Optional.empty()));
    }

    @Test
    void fileWithoutTunnelIdTakesTheKnownOne() {
        TunnelCredentials credentials = CredentialsLoader.fromJson(
                "{\"AccountTag\":\"acct\",\"TunnelSecret\":\"" + SECRET_B64 + "\"}", "f", Optional.of(ID));

        assertThat(credentials.tunnelId()).isEqualTo(ID);
    }

    static Stream<Arguments> badCredentials() {
        String other = "11111111-2222-3333-4444-555555555555";
        return Stream.of(
                Arguments.of("not json", "{\"AccountTag\": " + SECRET_B64, "f is not valid JSON (line 1, column"),
                Arguments.of("not an object", "[1]", "f is not a JSON object"),
                Arguments.of("missing account", "{\"TunnelSecret\":\"" + SECRET_B64 + "\"}", "f: AccountTag is missing"),
                Arguments.of("missing secret", "{\"AccountTag\":\"a\"}", "f: TunnelSecret is missing"),
                Arguments.of("url-safe base64", fileJson(SECRET_B64.replace('+', '-') + "-_", ID.toString()),
                        "f: TunnelSecret is not valid standard base64"),
                Arguments.of("unpadded base64", fileJson("YWJj" + "ZA", ID.toString()),
                        "f: TunnelSecret is not valid standard base64"),
                Arguments.of("bad uuid", fileJson(SECRET_B64, "1-2-3-4-5"), "f: TunnelID is not a valid UUID"),
                Arguments.of("missing id", "{\"AccountTag\":\"a\",\"TunnelSecret\":\"" + SECRET_B64 + "\"}",
                        "f: TunnelID is missing"),
                Arguments.of("id mismatch", fileJson(SECRET_B64, other),
                        "f is for tunnel " + other + ", but the configuration names tunnel " + ID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void badCredentialsAreRefusedWithoutShowingTheSecret(String name, String json, String message) {
        Optional<UUID> known = name.equals("id mismatch") ? Optional.of(ID) : Optional.empty();

        Throwable thrown = catchThrowable(() -> CredentialsLoader.fromJson(json, "f", known));

        assertThat(thrown).isInstanceOf(CredentialsException.class).hasMessageStartingWith(message);
        assertThat(thrown.getMessage()).doesNotContain(SECRET_B64).doesNotContain("super-secret");
    }

    static Stream<Arguments> badTokens() {
        return Stream.of(
                Arguments.of("not base64", "%%%" + SECRET_B64, "it is not standard base64"),
                Arguments.of("url-safe alphabet", urlSafe(token("{\"a\":\"x\",\"s\":\"" + SECRET_B64 + "\"}")),
                        "it is not standard base64"),
                Arguments.of("broken json", token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\""),
                        "the decoded token is not valid JSON"),
                Arguments.of("missing id", token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\"}"),
                        "the decoded token: t is missing"),
                Arguments.of("bad id", token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\",\"t\":\"nope\"}"),
                        "its tunnel id is not a valid UUID"),
                Arguments.of("bad secret", token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "!\",\"t\":\"" + ID + "\"}"),
                        "its secret is not valid standard base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokenIsRefusedWithoutEchoingIt(String name, String token, String reason) {
        Throwable thrown = catchThrowable(() -> CredentialsLoader.fromToken(token));

        assertThat(thrown).isInstanceOf(CredentialsException.class)
                .hasMessageStartingWith("Provided Tunnel token is not valid: " + reason);
        assertThat(thrown.getMessage()).doesNotContain(token).doesNotContain(SECRET_B64)
                .doesNotContain("super-secret");
        assertThat(String.valueOf(thrown.getCause())).doesNotContain(SECRET_B64);
    }

    @Test
    void missingFileIsNamed() {
        Path file = home.resolve("nope.json");

        assertThatThrownBy(() -> CredentialsLoader.fromFile(file)).isInstanceOf(CredentialsException.class)
                .hasMessage("Tunnel credentials file '" + file + "' doesn't exist or is not a file");
    }

    @Test
    void pemGivenAsCredentialsFileIsExplained() throws IOException {
        Path file = Files.writeString(home.resolve("cert.pem"), "-----BEGIN ARGO TUNNEL TOKEN-----\n");

        assertThatThrownBy(() -> CredentialsLoader.fromFile(file))
                .hasMessageStartingWith("The tunnel credentials file should be .json but you gave a .pem.");
    }

    @Test
    void toStringRedactsTheSecret() {
        TunnelCredentials credentials = new TunnelCredentials("acct", SECRET, ID, Optional.empty());

        assertThat(credentials.toString()).contains("<redacted>").doesNotContain("super-secret")
                .doesNotContain(SECRET_B64);
    }

    @Test
    void secretIsCopiedInAndOut() {
        byte[] secret = SECRET.clone();
        TunnelCredentials credentials = new TunnelCredentials("acct", secret, ID, Optional.empty());

        secret[0] = 0;
        credentials.tunnelSecret()[1] = 0;

        assertThat(credentials.tunnelSecret()).isEqualTo(SECRET);
    }

    @Test
    void credentialsFileIsFoundNextToTheOriginCertThenOnTheSearchPath() throws IOException {
        ConfigLoader loader = new ConfigLoader(home, List.of("~/.cloudflared", "~/.cloudflare-warp"));
        Files.createDirectories(home.resolve(".cloudflare-warp"));
        Path second = Files.writeString(home.resolve(".cloudflare-warp/" + ID + ".json"), "{}");
        assertThat(CredentialsLoader.findCredentialsFile(ID, Optional.empty(), loader)).isEqualTo(second);

        Files.createDirectories(home.resolve("certs"));
        Files.writeString(home.resolve("certs/cert.pem"), "pem");
        Path nextToCert = Files.writeString(home.resolve("certs/" + ID + ".json"), "{}");
        assertThat(CredentialsLoader.findCredentialsFile(ID, Optional.of("~/certs/cert.pem"), loader))
                .isEqualTo(nextToCert);
    }

    @Test
    void missingCredentialsFileListsWhereItLooked() {
        ConfigLoader loader = new ConfigLoader(home, List.of("~/.cloudflared"));

        assertThatThrownBy(() -> CredentialsLoader.findCredentialsFile(ID, Optional.empty(), loader))
                .isInstanceOf(CredentialsException.class)
                .hasMessage("tunnel credentials file not found: no " + ID + ".json in ["
                        + home.resolve(".cloudflared/" + ID + ".json") + "]");
    }

    static Stream<Arguments> tunnelIds() {
        return Stream.of(
                Arguments.of("6ff42ae2-765d-4adf-8112-31c55c1551ef", true),
                Arguments.of("6FF42AE2-765D-4ADF-8112-31C55C1551EF", true),
                Arguments.of("6ff42ae2765d4adf811231c55c1551ef", true),
                Arguments.of("{6ff42ae2-765d-4adf-8112-31c55c1551ef}", true),
                Arguments.of("urn:uuid:6ff42ae2-765d-4adf-8112-31c55c1551ef", true),
                Arguments.of("1-1-1-1-1", false),
                Arguments.of("my-tunnel", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tunnelIds")
    void tunnelIdsAreParsedAsGoParsesThem(String text, boolean valid) {
        assertThat(CredentialsLoader.parseTunnelId(text).isPresent()).isEqualTo(valid);
        if (valid) {
            assertThat(CredentialsLoader.parseTunnelId(text)).contains(ID);
        }
    }

    private Settings settings(java.util.Map<String, String> cli, String yaml) {
        TunnelConfig file = yaml.isEmpty() ? TunnelConfig.EMPTY : ConfigLoader.parse(home.resolve("config.yml"), yaml);
        return Settings.of(cli, java.util.Map.of(), file);
    }

    @Test
    void resolveUsesTheTokenFirst() {
        String token = token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\",\"t\":\"" + ID + "\"}");
        ConfigLoader loader = new ConfigLoader(home, List.of());

        TunnelCredentials credentials = CredentialsLoader.resolve(
                settings(java.util.Map.of("token", token), "tunnel: 11111111-2222-3333-4444-555555555555\n"),
                Optional.empty(), loader);

        assertThat(credentials.tunnelId()).isEqualTo(ID);
    }

    @Test
    void resolveReadsTheTokenFile() throws IOException {
        Path tokenFile = Files.writeString(home.resolve("token"),
                token("{\"a\":\"acct\",\"s\":\"" + SECRET_B64 + "\",\"t\":\"" + ID + "\"}") + "\n");

        TunnelCredentials credentials = CredentialsLoader.resolve(
                settings(java.util.Map.of("token-file", tokenFile.toString()), ""), Optional.empty(),
                new ConfigLoader(home, List.of()));

        assertThat(credentials.accountTag()).isEqualTo("acct");
    }

    @Test
    void resolveFindsTheFileOfTheConfiguredTunnel() throws IOException {
        Files.createDirectories(home.resolve(".cloudflared"));
        Files.writeString(home.resolve(".cloudflared/" + ID + ".json"),
                "{\"AccountTag\":\"acct\",\"TunnelSecret\":\"" + SECRET_B64 + "\"}");

        TunnelCredentials credentials = CredentialsLoader.resolve(settings(java.util.Map.of(), "tunnel: " + ID + "\n"),
                Optional.empty(), new ConfigLoader(home, List.of("~/.cloudflared")));

        assertThat(credentials.tunnelId()).isEqualTo(ID);
    }

    @Test
    void resolvePrefersCredentialsContentsAndChecksTheTunnelId() {
        String other = "11111111-2222-3333-4444-555555555555";
        Settings settings = settings(java.util.Map.of("credentials-contents", fileJson(SECRET_B64, other)), "");

        Throwable thrown = catchThrowable(() -> CredentialsLoader.resolve(settings, Optional.of(ID.toString()),
                new ConfigLoader(home, List.of())));

        assertThat(thrown).isInstanceOf(CredentialsException.class)
                .hasMessage("--credentials-contents is for tunnel " + other + ", but the configuration names tunnel "
                        + ID + "; use the credentials file of that tunnel");
        assertThat(thrown.getMessage()).doesNotContain(SECRET_B64);
    }

    @Test
    void resolveNeedsATunnel() {
        assertThatThrownBy(() -> CredentialsLoader.resolve(settings(java.util.Map.of(), ""), Optional.empty(),
                new ConfigLoader(home, List.of())))
                .hasMessage("\"cloudflared tunnel run\" requires the ID or name of the tunnel to run as the last "
                        + "command line argument or in the configuration file.");
        assertThatThrownBy(() -> CredentialsLoader.resolve(settings(java.util.Map.of(), ""), Optional.of("my-tunnel"),
                new ConfigLoader(home, List.of())))
                .hasMessageStartingWith("my-tunnel is not a tunnel UUID");
    }

    @Test
    void secretsInTheConfigFileAreNotEchoedInErrors() {
        Throwable wrongType = catchThrowable(() -> ConfigLoader.parse(home.resolve("c.yml"), "token: 12345678\n"));
        Throwable syntax = catchThrowable(() -> ConfigLoader.parse(home.resolve("c.yml"),
                "token: \"" + SECRET_B64 + "\nurl: [\n"));

        assertThat(wrongType).isInstanceOf(ConfigException.class).hasMessageEndingWith("token: expected a string, "
                + "got <redacted>").hasMessageNotContaining("12345678");
        assertThat(syntax).isInstanceOf(ConfigException.class).hasMessageNotContaining(SECRET_B64).hasNoCause();
    }
}
