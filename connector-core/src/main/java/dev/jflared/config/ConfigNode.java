package dev.jflared.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One value of a parsed YAML or JSON document, with where it was written. The config readers walk this tree
 * rather than binding to classes, so that every error can name the file, line, column and key
 * ({@code config.yml:7:17: ha-connections: expected an integer, got "four"}).
 *
 * <p>Maps keep their key order; a key written twice is an error, as it is for cloudflared's YAML decoder.
 */
public final class ConfigNode {

    /** What kind of value a node holds. */
    public enum Kind { MAP, LIST, STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final java.util.Set<String> CORE_BOOLEANS =
            java.util.Set.of("true", "True", "TRUE", "false", "False", "FALSE");
    private static final java.util.Set<String> YAML11_TRUE = java.util.Set.of("y", "Y", "yes", "Yes", "YES", "on",
            "On", "ON");
    private static final java.util.Set<String> YAML11_FALSE = java.util.Set.of("n", "N", "no", "No", "NO", "off",
            "Off", "OFF");
    private static final JsonFactory JSON = new JsonFactory();

    private final Kind kind;
    private final Object value;
    /** A scalar as written in the document (quotes removed); null for maps and lists. */
    private final String text;
    private final String source;
    private final int line;
    private final int column;
    /** The dotted key path from the document root, such as {@code ingress[0].originRequest.connectTimeout}. */
    private final String path;

    private ConfigNode(Kind kind, Object value, String source, int line, int column, String path) {
        this(kind, value, value == null ? null : value.toString(), source, line, column, path);
    }

    private ConfigNode(Kind kind, Object value, String text, String source, int line, int column, String path) {
        this.kind = kind;
        this.value = value;
        this.text = text;
        this.source = source;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /**
     * Parses the first YAML document in {@code text}; an empty document gives a {@link Kind#NULL} node.
     *
     * @param source the name used in messages, usually the file name
     * @throws ConfigException on a syntax error or a duplicate key
     */
    public static ConfigNode parseYaml(String source, String text) {
        return parse(YAML, source, text);
    }

    /**
     * Parses a JSON document.
     *
     * @param source the name used in messages
     * @throws ConfigException on a syntax error or a duplicate key
     */
    public static ConfigNode parseJson(String source, String text) {
        return parse(JSON, source, text);
    }

    private static ConfigNode parse(JsonFactory factory, String source, String text) {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new ConfigNode(Kind.NULL, null, source, 1, 1, "");
            }
            return read(parser, source, "");
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String at = where == null ? source : source + ":" + where.getLineNr() + ":" + where.getColumnNr();
            throw new ConfigException(at + ": " + withoutQuotedInput(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parser's message without the lines that quote the document (SnakeYAML adds the offending line and a
     * caret): a config file can hold a token, which must not reach a message. The cause is dropped for the
     * same reason.
     */
    private static String withoutQuotedInput(String message) {
        StringBuilder out = new StringBuilder();
        for (String line : String.valueOf(message).split("\n")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            out.append(out.length() == 0 ? "" : "; ").append(line.trim());
        }
        return out.toString();
    }

    private static ConfigNode read(JsonParser parser, String source, String path) throws IOException {
        JsonLocation where = parser.currentTokenLocation();
        int line = where.getLineNr();
        int column = where.getColumnNr();
        switch (parser.currentToken()) {
            case START_OBJECT: {
                Map<String, ConfigNode> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonLocation keyAt = parser.currentTokenLocation();
                    parser.nextToken();
                    ConfigNode child = read(parser, source, path.isEmpty() ? key : path + "." + key);
                    if (entries.putIfAbsent(key, child) != null) {
                        throw new ConfigException(source + ":" + keyAt.getLineNr() + ":" + keyAt.getColumnNr()
                                + ": mapping key \"" + key + "\" already defined at line "
                                + entries.get(key).line);
                    }
                }
                return new ConfigNode(Kind.MAP, Collections.unmodifiableMap(entries), source, line, column, path);
            }
            case START_ARRAY: {
                List<ConfigNode> elements = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(read(parser, source, path + "[" + elements.size() + "]"));
                }
                return new ConfigNode(Kind.LIST, List.copyOf(elements), source, line, column, path);
            }
            case VALUE_STRING:
                return new ConfigNode(Kind.STRING, parser.getText(), source, line, column, path);
            case VALUE_NUMBER_INT:
                return new ConfigNode(Kind.INTEGER, parser.getBigIntegerValue(), parser.getText(), source, line,
                        column, path);
            case VALUE_NUMBER_FLOAT:
                return new ConfigNode(Kind.DECIMAL, parser.getDecimalValue(), parser.getText(), source, line,
                        column, path);
            case VALUE_TRUE:
            case VALUE_FALSE: {
                // Jackson reads YAML 1.1 booleans (yes, on, ...); cloudflared's YAML 1.2 decoder reads them as
                // strings, except into a boolean field (see asBoolean).
                String written = parser.getText();
                if (!CORE_BOOLEANS.contains(written)) {
                    return new ConfigNode(Kind.STRING, written, source, line, column, path);
                }
                return new ConfigNode(Kind.BOOLEAN, parser.getBooleanValue(), written, source, line, column, path);
            }
            case VALUE_NULL:
                return new ConfigNode(Kind.NULL, null, source, line, column, path);
            default:
                return new ConfigNode(Kind.STRING, parser.getText(), source, line, column, path);
        }
    }

    public Kind kind() {
        return kind;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    /** The key path from the document root ({@code ingress[1].service}); empty for the root. */
    public String path() {
        return path;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** {@code source:line:column}, the prefix of every message about this node. */
    public String location() {
        return source + ":" + line + ":" + column;
    }

    /** The entries of a map node, in document order; empty for a null node. */
    public Map<String, ConfigNode> entries() {
        if (kind == Kind.NULL) {
            return Map.of();
        }
        if (kind != Kind.MAP) {
            throw typeError("a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, ConfigNode> entries = (Map<String, ConfigNode>) value;
        return entries;
    }

    /** The elements of a list node; empty for a null node. */
    public List<ConfigNode> elements() {
        if (kind == Kind.NULL) {
            return List.of();
        }
        if (kind != Kind.LIST) {
            throw typeError("a list");
        }
        @SuppressWarnings("unchecked")
        List<ConfigNode> elements = (List<ConfigNode>) value;
        return elements;
    }

    /** The entry {@code key} of a map node, if present. */
    public Optional<ConfigNode> get(String key) {
        return Optional.ofNullable(entries().get(key));
    }

    /** A string value; only a string node qualifies. */
    public String asString() {
        if (kind != Kind.STRING) {
            throw typeError("a string");
        }
        return (String) value;
    }

    /**
     * The text of any scalar (string, number or boolean), as Go's YAML decoder fills a string field; a map or
     * list is an error.
     */
    public String asScalarText() {
        switch (kind) {
            case STRING:
                return (String) value;
            case INTEGER:
            case DECIMAL:
            case BOOLEAN:
                return text;
            case NULL:
                return "";
            default:
                throw typeError("a string");
        }
    }

    /** An integer in {@code min..max}. */
    public long asLong(long min, long max) {
        if (kind != Kind.INTEGER) {
            throw typeError("an integer");
        }
        BigInteger number = (BigInteger) value;
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("expected an integer in " + min + ".." + max + ", got " + number);
        }
        return number.longValueExact();
    }

    public int asInt(int min, int max) {
        return (int) asLong(min, max);
    }

    /** A boolean: {@code true} or {@code false} (any of Go's YAML spellings). */
    public boolean asBoolean() {
        if (kind != Kind.BOOLEAN) {
            throw typeError("a boolean");
        }
        return (Boolean) value;
    }

    /**
     * A boolean as Go's YAML decoder reads it into a boolean field of a struct ({@code originRequest},
     * {@code warp-routing}): also {@code yes}, {@code on}, {@code y}, {@code no}, {@code off}, {@code n}.
     */
    public boolean asYamlFieldBoolean() {
        if (kind == Kind.STRING && YAML11_TRUE.contains(text)) {
            return true;
        }
        if (kind == Kind.STRING && YAML11_FALSE.contains(text)) {
            return false;
        }
        return asBoolean();
    }

    /**
     * A duration in Go syntax ({@code 30s}, {@code 1m30s}), as cloudflared's YAML config writes them. Negative
     * values are rejected; a bare number is rejected, as cloudflared does.
     */
    public Duration asGoDuration() {
        if (kind != Kind.STRING) {
            throw typeError("a duration such as \"30s\"");
        }
        try {
            return GoDuration.parseNonNegative((String) value);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** A duration as a whole number of seconds, as cloudflared's remote (JSON) configuration writes them. */
    public Duration asSeconds() {
        if (kind != Kind.INTEGER) {
            throw typeError("a whole number of seconds");
        }
        return Duration.ofSeconds(asLong(0, Long.MAX_VALUE / 1_000_000_000L));
    }

    /** A list of strings; a single string counts as a one-element list. */
    public List<String> asStringList() {
        if (kind == Kind.STRING) {
            return List.of((String) value);
        }
        if (kind != Kind.LIST) {
            throw typeError("a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode element : elements()) {
            out.add(element.asString());
        }
        return List.copyOf(out);
    }

    /** A {@link ConfigException} about this node: {@code source:line:column: path: message}. */
    public ConfigException error(String message) {
        return new ConfigException(location() + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private ConfigException typeError(String expected) {
        return error("expected " + expected + ", got " + describe());
    }

    /** How a value is shown in messages: strings quoted, numbers and booleans as written. */
    String describe() {
        switch (kind) {
            case STRING:
                return "\"" + value + "\"";
            case INTEGER:
            case DECIMAL:
            case BOOLEAN:
                return text;
            case MAP:
                return "a mapping";
            case LIST:
                return "a list";
            default:
                return "null";
        }
    }

    @Override
    public String toString() {
        return location() + " " + kind;
    }
}
