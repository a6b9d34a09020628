package dev.jflared.rpc;

import static dev.jflared.rpc.RpcTestSupport.describeAll;
import static dev.jflared.rpc.RpcTestSupport.goldenFrames;
import static dev.jflared.rpc.RpcTestSupport.goldenMessages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import dev.jflared.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every RPC message cloudflared and the reference edge exchanged decodes to the sequence golden/README.md shows. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcMessageGoldenTest {

    static final List<String> CONTROL_CFD2EDGE = List.of(
            "bootstrap q=0",
            "call q=1 target=promisedAnswer(0,ops=0) iface=0xf71695ec7fe85497 method=0 params=struct caps=[]"
                    + " sendResultsTo=0",
            "finish q=0 releaseResultCaps=false",
            "finish q=1 releaseResultCaps=false",
            "call q=1 target=importedCap(0) iface=0xf71695ec7fe85497 method=2 params=struct caps=[] sendResultsTo=0",
            "finish q=1 releaseResultCaps=false",
            "call q=1 target=importedCap(0) iface=0xf71695ec7fe85497 method=1 params=struct caps=[] sendResultsTo=0",
            "finish q=1 releaseResultCaps=false",
            "release id=0 count=1",
            "abort \"rpc: shutdown\" type=0");

    static final List<String> CONTROL_EDGE2CFD = List.of(
            "return a=0 releaseParamCaps=false results=cap(0) caps=[senderHosted(0)]",
            "return a=1 releaseParamCaps=false results=struct caps=[]",
            "return a=1 releaseParamCaps=false results=struct caps=[]",
            "return a=1 releaseParamCaps=false results=struct caps=[]");

    static final List<String> RPC1_EDGE2CFD = List.of(
            "bootstrap q=0",
            "call q=1 target=promisedAnswer(0,ops=0) iface=0xb48edfbdaa25db04 method=0 params=struct caps=[]"
                    + " sendResultsTo=0",
            "finish q=0 releaseResultCaps=false",
            "finish q=1 releaseResultCaps=false",
            "release id=0 count=1",
            "abort \"rpc: shutdown\" type=0");

    static final List<String> RPC1_CFD2EDGE = List.of(
            "return a=0 releaseParamCaps=false results=cap(0) caps=[senderHosted(0)]",
            "return a=1 releaseParamCaps=false results=struct caps=[]");

    @ParameterizedTest
    @ValueSource(strings = {"quic/raw/quic-conn1", "http2/raw/http2-conn1"})
    void controlStreamFromCloudflaredDecodesToTheRegistrationSequence(String dir) {
        List<CapnpMessage> messages = goldenMessages(dir + "/control.cfd2edge.bin", 0);

        assertThat(describeAll(messages)).containsExactlyElementsOf(CONTROL_CFD2EDGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"quic/raw/quic-conn1", "http2/raw/http2-conn1"})
    void controlStreamFromTheEdgeDecodesToFourReturns(String dir) {
        List<CapnpMessage> messages = goldenMessages(dir + "/control.edge2cfd.bin", 0);

        assertThat(describeAll(messages)).containsExactlyElementsOf(CONTROL_EDGE2CFD);
    }

    @Test
    void rejectedRegistrationDecodes() {
        List<CapnpMessage> fromCloudflared = goldenMessages("quic-rejected/raw/quic-conn1/control.cfd2edge.bin", 0);
        List<CapnpMessage> fromEdge = goldenMessages("quic-rejected/raw/quic-conn1/control.edge2cfd.bin", 0);

        assertThat(describeAll(fromCloudflared)).containsExactlyElementsOf(CONTROL_CFD2EDGE.subList(0, 3));
        assertThat(describeAll(fromEdge)).containsExactlyElementsOf(CONTROL_EDGE2CFD.subList(0, 2));
    }

    @Test
    void rpcStreamOpenedByTheEdgeDecodesAfterItsSignature() {
        List<CapnpMessage> fromEdge = goldenMessages("quic/raw/quic-conn1/rpc1.edge2cfd.bin",
                RpcTestSupport.RPC_STREAM_SIGNATURE_LENGTH);
        List<CapnpMessage> fromCloudflared = goldenMessages("quic/raw/quic-conn1/rpc1.cfd2edge.bin", 0);

        assertThat(describeAll(fromEdge)).containsExactlyElementsOf(RPC1_EDGE2CFD);
        assertThat(describeAll(fromCloudflared)).containsExactlyElementsOf(RPC1_CFD2EDGE);
    }

    @Test
    void framesMatchTheSplitFilesByteForByte() {
        String[][] cases = {
            {"quic/raw/quic-conn1/control.cfd2edge.bin", "quic/decoded/split/control.cfd2edge", "10"},
            {"quic/raw/quic-conn1/control.edge2cfd.bin", "quic/decoded/split/control.edge2cfd", "4"},
            {"http2/raw/http2-conn1/control.cfd2edge.bin", "http2/decoded/split/control.cfd2edge", "10"},
            {"quic/raw/quic-conn1/rpc1.cfd2edge.bin", "quic/decoded/split/rpc1.cfd2edge", "2"},
        };
        for (String[] c : cases) {
            List<byte[]> frames = goldenFrames(c[0], 0);

            assertThat(frames).hasSize(Integer.parseInt(c[2]));
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i)).as(c[1] + " m%02d", i)
                        .isEqualTo(Golden.bytes(String.format("%s.m%02d.bin", c[1], i)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "quic/raw/quic-conn1/control.cfd2edge.bin quic/decoded/split/control.cfd2edge.summary.txt 0",
        "quic/raw/quic-conn1/control.edge2cfd.bin quic/decoded/split/control.edge2cfd.summary.txt 0",
        "http2/raw/http2-conn1/control.cfd2edge.bin http2/decoded/split/control.cfd2edge.summary.txt 0",
        "http2/raw/http2-conn1/control.edge2cfd.bin http2/decoded/split/control.edge2cfd.summary.txt 0",
        "quic-rejected/raw/quic-conn1/control.cfd2edge.bin quic-rejected/decoded/split/control.cfd2edge.summary.txt 0",
        "quic-rejected/raw/quic-conn1/control.edge2cfd.bin quic-rejected/decoded/split/control.edge2cfd.summary.txt 0",
        "quic/raw/quic-conn1/rpc1.edge2cfd.bin quic/decoded/split/rpc1.edge2cfd.summary.txt 6",
        "quic/raw/quic-conn1/rpc1.cfd2edge.bin quic/decoded/split/rpc1.cfd2edge.summary.txt 0",
    })
    void frameOffsetsAndLengthsMatchTheCaptureSummaries(String spec) {
        String[] parts = spec.split(" ");
        int skip = Integer.parseInt(parts[2]);
        List<byte[]> frames = goldenFrames(parts[0], skip);
        List<String> expected = new ArrayList<>();
        for (String line : new String(Golden.bytes(parts[1]), StandardCharsets.UTF_8).split("\n")) {
            if (line.matches("m\\d\\d offset=.*")) {
                expected.add(line.substring(0, line.indexOf(" segments=")));
            }
        }

        List<String> actual = new ArrayList<>();
        int offset = skip;
        for (int i = 0; i < frames.size(); i++) {
            actual.add(String.format("m%02d offset=%d len=%d", i, offset, frames.get(i).length));
            offset += frames.get(i).length;
        }

        assertThat(actual).isNotEmpty().containsExactlyElementsOf(expected);
    }

    @Test
    void abortCarriesTypeFailedAndShutdownReason() {
        List<CapnpMessage> messages = goldenMessages("quic/raw/quic-conn1/control.cfd2edge.bin", 0);
        Message.Reader abort = messages.get(9).getRoot(Message.factory);

        assertThat(abort.which()).isEqualTo(Message.Which.ABORT);
        assertThat(abort.abort().reason()).isEqualTo("rpc: shutdown");
        assertThat(abort.abort().type()).isZero();
    }
}
