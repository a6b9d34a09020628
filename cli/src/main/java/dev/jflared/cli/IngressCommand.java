package dev.jflared.cli;

import dev.jflared.config.ConfigException;
import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.TunnelFlag;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressParser;
import dev.jflared.ingress.ServiceUrl;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jflared tunnel ingress validate|rule}: cloudflared's {@code ingress} commands, with its output
 * ({@code cmd/cloudflared/tunnel/ingress_subcommands.go}): progress and results on standard output, errors
 * on standard error, exit code 1 on failure.
 */
@Command(
        name = "ingress",
        mixinStandardHelpOptions = true,
        subcommands = {IngressCommand.Validate.class, IngressCommand.Rule.class},
        description = "Validate and test cloudflared tunnel's ingress configuration")
final class IngressCommand implements Callable<Integer> {

    static final String NO_CONFIG_FILE = "No configuration file was found. Please create one, or use the --config "
            + "flag to specify its filepath. You can use the help command to learn more about configuration files";

    @ParentCommand
    private TunnelCommand tunnel;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    private static Ingress validated(java.util.function.Supplier<Ingress> parse) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            throw new CommandFailedException("Validation failed: " + e.getMessage());
        }
    }

    /** {@code ingress validate}: checks the config file's rules and prints {@code OK}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validates the configuration file, ensuring your ingress rules are OK.")
    static final class Validate implements Callable<Integer> {

        @ParentCommand
        private IngressCommand ingress;

        @Option(names = {"--json", "-j"}, paramLabel = "JSON",
                description = "Accepts data in the form of json as an input rather than read from a file "
                        + "($TUNNEL_INGRESS_VALIDATE_JSON)")
        private String json;

        @Override
        public Integer call() {
            TunnelCommand tunnel = ingress.tunnel;
            PrintStream out = tunnel.environment().out();
            String jsonRules = json != null ? json : tunnel.environment().env().get("TUNNEL_INGRESS_VALIDATE_JSON");
            TunnelConfig config = TunnelConfig.EMPTY;
            if (jsonRules != null) {
                out.println("Validating rules from cmdline flag --json");
                validated(() -> IngressParser.parseJsonRules(jsonRules));
            } else {
                config = tunnel.config();
                if (config.source().isEmpty()) {
                    throw new CommandFailedException(NO_CONFIG_FILE);
                }
                out.println("Validating rules from " + config.sourceName());
                TunnelConfig fileConfig = config;
                validated(() -> IngressParser.parse(fileConfig));
            }
            Settings settings = tunnel.settings();
            if (settings.isSet(TunnelFlag.URL)) {
                throw new CommandFailedException(IngressParser.URL_INCOMPATIBLE_WITH_INGRESS);
            }
            if (!config.unusedKeys().isEmpty()) {
                out.println("Warning: unused keys detected in your config file. Here is a list of unused keys:");
                config.unusedKeys().forEach(out::println);
                return 0;
            }
            out.println("OK");
            return 0;
        }
    }

    /** {@code ingress rule URL}: prints which rule a request for URL would match. */
    @Command(name = "rule", mixinStandardHelpOptions = true,
            description = "Check which ingress rule matches a given request URL.")
    static final class Rule implements Callable<Integer> {

        @ParentCommand
        private IngressCommand ingress;

        @Parameters(arity = "0..1", paramLabel = "URL", description = "The request URL to test.")
        private String url;

        @Override
        public Integer call() {
            if (url == null || url.isEmpty()) {
                throw new CommandFailedException("cloudflared tunnel rule expects a single argument, the URL to test");
            }
            ServiceUrl request;
            try {
                request = ServiceUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException(url + " is not a valid URL");
            }
            if (request.host().isEmpty() && request.scheme().isEmpty()) {
                throw new CommandFailedException(url + " doesn't have a hostname, consider adding a scheme");
            }
            TunnelConfig config = ingress.tunnel.config();
            PrintStream out = ingress.tunnel.environment().out();
            out.println("Using rules from " + config.sourceName());
            Ingress rules = validated(() -> IngressParser.parse(config));
            int index = rules.matchIndex(request.host(), request.path());
            out.println("Matched rule #" + index);
            out.println(rules.rules().get(index).multiLineString());
            return 0;
        }
    }
}
