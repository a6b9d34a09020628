package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads cloudflared config files.
 *
 * <h2>Where the file is found</h2>
 * {@code --config FILE} when given; otherwise the first of {@code config.yml}, {@code config.yaml} in
 * {@code ~/.cloudflared}, {@code ~/.cloudflare-warp}, {@code ~/cloudflare-warp}, {@code /etc/cloudflared},
 * {@code /usr/local/etc/cloudflared}, directory by directory (cloudflared {@code config/configuration.go}).
 * A named file that does not exist counts as no file, as it does for cloudflared. The home directory and the
 * search path are constructor arguments so tests can point them at a temporary directory.
 *
 * <h2>Errors</h2>
 * A YAML syntax error or a value of the wrong type is a {@link ConfigException} naming file, line, column and
 * key. An unknown key is logged as a warning naming the key and file, and loading goes on.
 */
public final class ConfigLoader {

    /** The file names tried in each directory, in order. */
    public static final List<String> FILE_NAMES = List.of("config.yml", "config.yaml");

    /** cloudflared's search directories on Unix, in order; {@code ~} is the user's home. */
    public static final List<String> DEFAULT_SEARCH_DIRECTORIES = List.of(
            "~/.cloudflared", "~/.cloudflare-warp", "~/cloudflare-warp", "/etc/cloudflared",
            "/usr/local/etc/cloudflared");

    private static final Logger logger = LoggerFactory.getLogger(ConfigLoader.class);

    private static final List<String> STRUCTURED_KEYS = List.of("tunnel", "ingress", "originRequest", "warp-routing");

    private final Path home;
    private final List<String> searchDirectories;

    /**
     * @param home what {@code ~} expands to
     * @param searchDirectories the directories searched, in order; may start with {@code ~/}
     */
    public ConfigLoader(Path home, List<String> searchDirectories) {
        this.home = requireNonNull(home, "home");
        this.searchDirectories = List.copyOf(searchDirectories);
    }

    /** The loader cloudflared's users expect: their home directory and the default search path. */
    public static ConfigLoader forCurrentUser() {
        return new ConfigLoader(Path.of(System.getProperty("user.home")), DEFAULT_SEARCH_DIRECTORIES);
    }

    /** The search directories with {@code ~} expanded, in order. */
    public List<Path> searchDirectories() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : searchDirectories) {
            dirs.add(expandHome(dir));
        }
        return List.copyOf(dirs);
    }

    /** Expands a leading {@code ~} (alone or followed by {@code /}) to the home directory. */
    public Path expandHome(String path) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }

    /** The first config file on the search path, if any (cloudflared {@code FindDefaultConfigPath}). */
    public Optional<Path> findDefaultConfig() {
        for (Path dir : searchDirectories()) {
            for (String name : FILE_NAMES) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Loads {@code explicit} when given, else the first file on the search path; {@link TunnelConfig#EMPTY}
     * when there is none or the named file does not exist.
     *
     * @throws ConfigException when the file cannot be read, is not valid YAML or has a value of the wrong type
     */
    public TunnelConfig load(Optional<Path> explicit) {
        Optional<Path> path = explicit.map(p -> expandHome(p.toString())).or(this::findDefaultConfig);
        if (path.isEmpty()) {
            return TunnelConfig.EMPTY;
        }
        try {
            return loadFile(path.get());
        } catch (NoSuchFileException e) {
            logger.debug("Configuration file {} does not exist; going on without one", path.get());
            return TunnelConfig.EMPTY;
        }
    }

    private static TunnelConfig loadFile(Path path) throws NoSuchFileException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e, e);
        }
        return parse(path, text);
    }

    /**
     * Reads config file {@code text} as if it came from {@code path} (which is used in messages only).
     *
     * @throws ConfigException on a syntax error or a value of the wrong type
     */
    public static TunnelConfig parse(Path path, String text) {
        ConfigNode root = ConfigNode.parseYaml(path.toString(), text);
        if (root.isNull()) {
            logger.error("Configuration file {} was empty", path);
            return new TunnelConfig(Optional.of(path), Optional.empty(), List.of(), OriginRequestOverrides.NONE,
                    WarpRoutingConfig.DEFAULTS, Map.of(), Map.of(), List.of());
        }
        if (root.kind() != ConfigNode.Kind.MAP) {
            throw root.error("expected a mapping of settings at the top level, got " + root.describe());
        }
        List<String> unused = new ArrayList<>();
        ConfigReader reader = new ConfigReader(ConfigReader.Durations.GO_STRING, unused::add);
        Map<String, ConfigNode> entries = root.entries();
        Optional<String> tunnel = Optional.ofNullable(entries.get("tunnel"))
                .filter(n -> !n.isNull()).map(ConfigNode::asScalarText);
        List<UnvalidatedIngressRule> ingress =
                entries.containsKey("ingress") ? reader.readIngress(entries.get("ingress")) : List.of();
        OriginRequestOverrides originRequest = reader.readOriginRequest(entries.get("originRequest"));
        WarpRoutingConfig warpRouting = reader.readWarpRouting(entries.get("warp-routing"));
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, ConfigNode> raw = new LinkedHashMap<>();
        entries.forEach((key, node) -> {
            if (STRUCTURED_KEYS.contains(key)) {
                return;
            }
            raw.put(key, node);
            Optional<TunnelFlag<?>> flag = TunnelFlag.byName(key);
            if (flag.isEmpty()) {
                logger.warn("Unknown key {} in config file {} at line {}; ignoring it", key, path, node.line());
            } else if (!node.isNull()) {
                settings.put(key, flag.get().fromNode(node));
            }
        });
        for (String line : unused) {
            logger.warn("Unused key in config file {}: {}", path, line);
        }
        return new TunnelConfig(Optional.of(path), tunnel, ingress, originRequest, warpRouting, settings, raw,
                unused);
    }
}
