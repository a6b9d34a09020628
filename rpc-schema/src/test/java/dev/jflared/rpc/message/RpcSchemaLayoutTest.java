package dev.jflared.rpc.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.capnproto.StructSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every hand-written struct has the size that {@code capnp compile -ocapnp} prints for rpc.capnp. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcSchemaLayoutTest {

    private static final Pattern STRUCT = Pattern.compile("struct (\\w+) @0x[0-9a-f]+ \\{  # (\\d+) bytes, (\\d+) ptrs");

    @Test
    void structSizesMatchTheCompiledSchema() throws Exception {
        Map<String, int[]> compiled = compiledSizes();
        Map<String, StructSize> ours = Map.ofEntries(
                Map.entry("Message", Message.STRUCT_SIZE),
                Map.entry("Bootstrap", Bootstrap.STRUCT_SIZE),
                Map.entry("Call", Call.STRUCT_SIZE),
                Map.entry("Return", Return.STRUCT_SIZE),
                Map.entry("Finish", Finish.STRUCT_SIZE),
                Map.entry("Resolve", Resolve.STRUCT_SIZE),
                Map.entry("Release", Release.STRUCT_SIZE),
                Map.entry("Disembargo", Disembargo.STRUCT_SIZE),
                Map.entry("MessageTarget", MessageTarget.STRUCT_SIZE),
                Map.entry("Payload", Payload.STRUCT_SIZE),
                Map.entry("CapDescriptor", CapDescriptor.STRUCT_SIZE),
                Map.entry("PromisedAnswer", PromisedAnswer.STRUCT_SIZE),
                Map.entry("Op", PromisedAnswerOp.STRUCT_SIZE),
                Map.entry("Exception", ExceptionInfo.STRUCT_SIZE));

        for (Map.Entry<String, StructSize> entry : ours.entrySet()) {
            int[] size = compiled.get(entry.getKey());

            assertThat(size).as(entry.getKey()).isNotNull();
            assertThat(new int[] {entry.getValue().data * 8, entry.getValue().pointers}).as(entry.getKey())
                    .containsExactly(size);
        }
    }

    private static Map<String, int[]> compiledSizes() throws IOException, InterruptedException {
        Process capnp = new ProcessBuilder("capnp", "compile", "-ocapnp", "/usr/include/capnp/rpc.capnp")
                .redirectErrorStream(true).start();
        String output = new String(capnp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(capnp.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(capnp.exitValue()).as(output).isZero();
        Map<String, int[]> sizes = new HashMap<>();
        Matcher matcher = STRUCT.matcher(output);
        while (matcher.find()) {
            sizes.put(matcher.group(1), new int[] {Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))});
        }
        return sizes;
    }
}
