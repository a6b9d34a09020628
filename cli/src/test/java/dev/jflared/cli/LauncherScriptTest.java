package dev.jflared.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/jflared} against a tiny jar built here (the real jar is only packaged after the tests), to
 * show that arguments, {@code JAVA_OPTS} and the exit code pass through and that symlinks find the checkout.
 */
@Timeout(60)
class LauncherScriptTest {

    private static final String ECHO_MAIN = "public class Echo {\n"
            + "  public static void main(String[] args) {\n"
            + "    System.out.println(\"greeting=\" + System.getProperty(\"greeting\"));\n"
            + "    for (String arg : args) { System.out.println(\"[\" + arg + \"]\"); }\n"
            + "    System.exit(3);\n"
            + "  }\n"
            + "}\n";

    @TempDir
    Path work;

    private Path script;
    private Path jar;

    @BeforeEach
    void buildEchoJar() throws IOException {
        script = findScript();
        Path sources = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path source = Files.writeString(sources.resolve("Echo.java"), ECHO_MAIN);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, "-d", classes.toString(), source.toString())).isZero();
        jar = work.resolve("echo.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Echo");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Echo.class"));
            out.write(Files.readAllBytes(classes.resolve("Echo.class")));
            out.closeEntry();
        }
    }

    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/jflared");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("bin/jflared not found above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exitCode, String out, String err) {}

    private Result launch(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JFLARED_JAR");
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(env);
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(45, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void argumentsJavaOptsAndExitCodePassThrough() throws Exception {
        Result result = launch(script, Map.of("JFLARED_JAR", jar.toString(), "JAVA_OPTS", "-Dgreeting=hi -Xmx64m"),
                "tunnel", "two words", "", "*");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("greeting=hi\n[tunnel]\n[two words]\n[]\n[*]\n");
    }

    @Test
    void symlinkedScriptFindsTheJarOfItsCheckout() throws Exception {
        Path checkout = work.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("cli/target"));
        Files.copy(script, checkout.resolve("bin/jflared"));
        Files.copy(jar, checkout.resolve("cli/target/jflared.jar"));
        Path links = Files.createDirectories(work.resolve("links"));
        Path cloudflared = Files.createSymbolicLink(links.resolve("cloudflared"), checkout.resolve("bin/jflared"));

        Result result = launch(cloudflared, Map.of(), "--version");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("greeting=null\n[--version]\n");
    }

    @Test
    void missingJarIsReported() throws Exception {
        Path missing = work.resolve("nope.jar");

        Result result = launch(script, Map.of("JFLARED_JAR", missing.toString()));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains(missing + " not found");
    }
}
