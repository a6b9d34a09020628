package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README's "Embed it" code honest: every {@code ```java} block of that section must compile. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeExamplesCompileTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public )?(?:final )?class (\\w+)");

    @Test
    void embedItExamplesCompile(@TempDir Path dir) throws IOException {
        List<String> blocks = javaBlocks(section(readme(), "## Embed it"));
        List<String> files = new ArrayList<>();
        for (String block : blocks) {
            Matcher name = CLASS_NAME.matcher(block);
            assertThat(name.find()).as("a class in:\n" + block).isTrue();
            Path file = dir.resolve(name.group(1) + ".java");
            Files.writeString(file, block, StandardCharsets.UTF_8);
            files.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-classpath",
                System.getProperty("java.class.path"), "-proc:none"));
        args.addAll(files);

        int status = compiler.run(null, errors, errors, args.toArray(String[]::new));

        assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    }

    private static String readme() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme) && Files.isDirectory(dir.resolve("integration-tests"))) {
                return Files.readString(readme, StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("README.md of the reactor not found above " + Path.of("").toAbsolutePath());
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length() + 2);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    private static List<String> javaBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = JAVA_BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }
}
