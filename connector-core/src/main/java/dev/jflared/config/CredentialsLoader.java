package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads tunnel credentials in each form cloudflared accepts.
 *
 * <ul>
 *   <li>a credentials file: JSON {@code {"AccountTag", "TunnelSecret" (standard base64), "TunnelID",
 *       "Endpoint"?}}, field names matched without regard to case as Go's JSON decoder does
 *       ({@code credentials/credentials.go});
 *   <li>{@code --credentials-contents} / {@code $TUNNEL_CRED_CONTENTS}: the same JSON as a string;
 *   <li>a token ({@code --token} / {@code $TUNNEL_TOKEN}): standard, padded base64 of
 *       {@code {"a": account, "s": secret (base64), "t": tunnel id, "e"?: endpoint}}
 *       ({@code connection.TunnelToken}, decoded with Go's {@code base64.StdEncoding});
 *   <li>a tunnel id alone: the file {@code <id>.json} next to the origin certificate, else in the config
 *       search directories (cloudflared {@code cmd/cloudflared/tunnel/credential_finder.go}).
 * </ul>
 *
 * <p>Every failure is a {@link CredentialsException} that names the file or flag and what is wrong, and
 * never quotes the secret, the token or the JSON it came in.
 */
public final class CredentialsLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STD_BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
    private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String ORIGIN_CERT_FILE = "cert.pem";

    private CredentialsLoader() {}

    /**
     * Finds the credentials {@code tunnel run} uses, in cloudflared's order ({@code runCommand},
     * {@code findCredentials}): {@code --token} / {@code $TUNNEL_TOKEN}; else {@code --token-file}; else the
     * tunnel named on the command line or by {@code tunnel:} in the config file, with
     * {@code --credentials-contents}, else {@code --credentials-file}, else {@code <id>.json} found by
     * {@link #findCredentialsFile}.
     *
     * @param tunnelArgument the tunnel given as {@code tunnel run}'s argument, if any
     * @throws CredentialsException when none of these yields valid credentials, or they are for another tunnel
     */
    public static TunnelCredentials resolve(Settings settings, Optional<String> tunnelArgument, ConfigLoader loader) {
        Optional<String> token = settings.get(TunnelFlag.TOKEN).filter(t -> !t.isEmpty());
        if (token.isEmpty()) {
            token = settings.get(TunnelFlag.TOKEN_FILE).filter(f -> !f.isEmpty()).map(f -> readTokenFile(loader, f));
        }
        if (token.isPresent()) {
            return fromToken(token.get());
        }
        String reference = tunnelArgument.filter(t -> !t.isEmpty())
                .or(() -> settings.file().tunnel().filter(t -> !t.isEmpty()))
                .orElseThrow(() -> new CredentialsException("\"cloudflared tunnel run\" requires the ID or name of "
                        + "the tunnel to run as the last command line argument or in the configuration file."));
        UUID id = parseTunnelId(reference).orElseThrow(() -> new CredentialsException(reference
                + " is not a tunnel UUID; jflared cannot look a tunnel up by name (that needs the Cloudflare API), "
                + "so give the tunnel's UUID"));
        Optional<String> contents = settings.get(TunnelFlag.CREDENTIALS_CONTENTS).filter(c -> !c.isEmpty());
        if (contents.isPresent()) {
            return fromJson(contents.get(), "--credentials-contents", Optional.of(id));
        }
        Path file = settings.get(TunnelFlag.CREDENTIALS_FILE).filter(f -> !f.isEmpty()).map(loader::expandHome)
                .orElseGet(() -> findCredentialsFile(id, settings.get(TunnelFlag.ORIGIN_CERT), loader));
        return fromFile(file, Optional.of(id));
    }

    private static String readTokenFile(ConfigLoader loader, String name) {
        try {
            return Files.readString(loader.expandHome(name), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CredentialsException("Failed to read token file: " + name + ": " + e.getClass().getSimpleName());
        }
    }

    /** Reads a credentials file on its own; see {@link #fromFile(Path, Optional)}. */
    public static TunnelCredentials fromFile(Path file) {
        return fromFile(file, Optional.empty());
    }

    /**
     * Reads a credentials file.
     *
     * @param knownTunnelId the tunnel id already known, as for {@link #fromJson}
     * @throws CredentialsException when it is missing, unreadable, not JSON or lacks a field
     */
    public static TunnelCredentials fromFile(Path file, Optional<UUID> knownTunnelId) {
        requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CredentialsException("Tunnel credentials file '" + file + "' doesn't exist or is not a file");
        } catch (IOException e) {
            throw new CredentialsException("couldn't read tunnel credentials from " + file + ": " + e, e);
        }
        if (file.toString().endsWith(".pem") && !text.trim().startsWith("{")) {
            throw new CredentialsException("The tunnel credentials file should be .json but you gave a .pem. "
                    + "The tunnel credentials file was originally created by `cloudflared tunnel create`. You may "
                    + "have accidentally used the filepath to cert.pem, which is generated by `cloudflared tunnel "
                    + "login`.");
        }
        return fromJson(text, "tunnel credentials file " + file, knownTunnelId);
    }

    /** Reads {@code --credentials-contents}: the credentials file's JSON given as a string. */
    public static TunnelCredentials fromContents(String json) {
        return fromJson(requireNonNull(json, "json"), "--credentials-contents", Optional.empty());
    }

    /**
     * Reads credentials JSON.
     *
     * @param source names the file or flag in messages
     * @param knownTunnelId the tunnel id already known (from {@code tunnel:} or the command line): a file
     *     without {@code TunnelID} takes it, as cloudflared allows for files made before TUN-3581, and a file
     *     whose id differs is refused
     */
    public static TunnelCredentials fromJson(String json, String source, Optional<UUID> knownTunnelId) {
        Map<String, JsonNode> fields = parseObject(json, source);
        String account = requiredText(fields, "AccountTag", source);
        byte[] secret = decodeStdBase64(requiredText(fields, "TunnelSecret", source),
                () -> source + ": TunnelSecret is not valid standard base64");
        Optional<UUID> fileId = optionalText(fields, "TunnelID", source)
                .map(id -> parseUuid(id, () -> source + ": TunnelID is not a valid UUID"));
        if (fileId.isPresent() && knownTunnelId.isPresent() && !fileId.get().equals(knownTunnelId.get())) {
            throw new CredentialsException(source + " is for tunnel " + fileId.get() + ", but the configuration "
                    + "names tunnel " + knownTunnelId.get() + "; use the credentials file of that tunnel");
        }
        UUID id = fileId.or(() -> knownTunnelId)
                .orElseThrow(() -> new CredentialsException(source + ": TunnelID is missing"));
        return new TunnelCredentials(account, secret, id, optionalText(fields, "Endpoint", source));
    }

    /**
     * Reads a tunnel token.
     *
     * @throws CredentialsException {@code Provided Tunnel token is not valid: <reason>}; the reason never
     *     quotes the token
     */
    public static TunnelCredentials fromToken(String token) {
        requireNonNull(token, "token");
        String prefix = "Provided Tunnel token is not valid: ";
        byte[] decoded = decodeStdBase64(token.trim(), () -> prefix + "it is not standard base64");
        String source = prefix + "the decoded token";
        Map<String, JsonNode> fields = parseObject(new String(decoded, StandardCharsets.UTF_8), source);
        String account = requiredText(fields, "a", source);
        byte[] secret = decodeStdBase64(requiredText(fields, "s", source),
                () -> prefix + "its secret is not valid standard base64");
        UUID id = parseUuid(requiredText(fields, "t", source), () -> prefix + "its tunnel id is not a valid UUID");
        return new TunnelCredentials(account, secret, id, optionalText(fields, "e", source));
    }

    /**
     * Finds {@code <tunnelId>.json}: next to the origin certificate first ({@code originCert}, or
     * {@code cert.pem} on the search path), then in each config search directory.
     *
     * @throws CredentialsException listing the places searched when there is no such file
     */
    public static Path findCredentialsFile(UUID tunnelId, Optional<String> originCert, ConfigLoader loader) {
        String fileName = tunnelId + ".json";
        List<Path> tried = new ArrayList<>();
        Optional<Path> cert = originCert.map(loader::expandHome).filter(Files::isRegularFile)
                .or(() -> loader.searchDirectories().stream().map(d -> d.resolve(ORIGIN_CERT_FILE))
                        .filter(Files::isRegularFile).findFirst());
        if (cert.isPresent() && cert.get().toAbsolutePath().getParent() != null) {
            tried.add(cert.get().toAbsolutePath().getParent().resolve(fileName));
        }
        for (Path dir : loader.searchDirectories()) {
            tried.add(dir.resolve(fileName));
        }
        for (Path candidate : tried) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new CredentialsException("tunnel credentials file not found: no " + fileName + " in " + tried);
    }

    /**
     * Parses a tunnel id as Go's {@code uuid.Parse} does: canonical form, 32 hex digits, {@code {...}} or
     * {@code urn:uuid:...}.
     */
    public static Optional<UUID> parseTunnelId(String text) {
        String s = text;
        if (s.length() == 45 && s.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
            s = s.substring(9);
        } else if (s.length() == 38 && s.startsWith("{") && s.endsWith("}")) {
            s = s.substring(1, 37);
        } else if (HEX32.matcher(s).matches()) {
            s = s.substring(0, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16) + "-"
                    + s.substring(16, 20) + "-" + s.substring(20);
        }
        if (!CANONICAL_UUID.matcher(s).matches()) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(s));
    }

    private static UUID parseUuid(String text, java.util.function.Supplier<String> message) {
        return parseTunnelId(text).orElseThrow(() -> new CredentialsException(message.get()));
    }

    // Go's base64.StdEncoding: standard alphabet, padding required, CR and LF ignored.
    private static byte[] decodeStdBase64(String text, java.util.function.Supplier<String> message) {
        String s = text.replace("\r", "").replace("\n", "");
        if (s.length() % 4 != 0 || !STD_BASE64.matcher(s).matches()) {
            throw new CredentialsException(message.get());
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(message.get());
        }
    }

    private static Map<String, JsonNode> parseObject(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input, which holds the secret: report the position only.
            JsonLocation at = e.getLocation();
            throw new CredentialsException(source + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new CredentialsException(source + " is not a JSON object");
        }
        Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            fields.put(field.getKey(), field.getValue());
        }
        return fields;
    }

    // Go's encoding/json prefers an exact key and falls back to a case-insensitive match.
    private static Optional<JsonNode> field(Map<String, JsonNode> fields, String name) {
        JsonNode exact = fields.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return fields.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst();
    }

    private static Optional<String> optionalText(Map<String, JsonNode> fields, String name, String source) {
        Optional<JsonNode> node = field(fields, name).filter(n -> !n.isNull());
        if (node.isPresent() && !node.get().isTextual()) {
            throw new CredentialsException(source + ": " + name + " must be a string");
        }
        return node.map(JsonNode::textValue).filter(s -> !s.isEmpty());
    }

    private static String requiredText(Map<String, JsonNode> fields, String name, String source) {
        return optionalText(fields, name, source)
                .orElseThrow(() -> new CredentialsException(source + ": " + name + " is missing"));
    }
}
