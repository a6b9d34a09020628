package dev.jflared.testkit;

import dev.jflared.testing.Golden;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * shared/golden/http2 as a script for a replaying connector: cloudflared's frames exactly as it wrote them
 * ({@code h2.cfd2edge.bin}), each with a {@link Gate} saying what the stand-in edge had sent on the same stream
 * before it ({@code h2-frames.txt} interleaves both directions in time), and the stand-in edge's own frames
 * ({@code h2.edge2cfd.bin}) to compare with what LocalEdge sends.
 */
final class GoldenHttp2Capture {

    private static final String DIR = "http2/raw/http2-conn1/";
    private static final Pattern FRAME_LINE = Pattern.compile(
            "^\\+[0-9.]+ (edge->cfd|cfd->edge) ([A-Z_]+) stream=(\\d+) len=(\\d+) flags=(\\S+)$");
    private static final Map<String, Integer> TYPES = Map.of("DATA", Http2Frames.DATA, "HEADERS",
            Http2Frames.HEADERS, "RST_STREAM", Http2Frames.RST_STREAM, "SETTINGS", Http2Frames.SETTINGS,
            "WINDOW_UPDATE", Http2Frames.WINDOW_UPDATE);

    /**
     * What the edge had sent on a stream before cloudflared wrote a frame on it.
     *
     * @param settings SETTINGS frames other than acknowledgements (stream 0 only)
     * @param headers HEADERS frames
     * @param dataFrames DATA frames (on the control stream, each carried one RPC message)
     * @param dataBytes DATA payload bytes
     * @param endStream whether the edge had ended the stream
     */
    record Gate(int settings, int headers, int dataFrames, int dataBytes, boolean endStream) {}

    /**
     * One frame cloudflared wrote.
     *
     * @param headers the decoded header block of a HEADERS frame; null for other frames
     */
    record Step(Http2Frames.Frame frame, Gate gate, Http2Headers headers) {}

    final List<Step> cloudflared = new ArrayList<>();
    /** The streams the stand-in edge opened, in the order it opened them. */
    final List<Integer> edgeStreams = new ArrayList<>();
    private final Map<Integer, List<Http2Headers>> edgeHeaders = new HashMap<>();
    private final Map<Integer, List<byte[]>> edgeData = new HashMap<>();

    GoldenHttp2Capture() {
        List<Http2Frames.Frame> cfd = Http2Frames.split(Golden.bytes(DIR + "h2.cfd2edge.bin"), 0);
        byte[] edgeBytes = Golden.bytes(DIR + "h2.edge2cfd.bin");
        if (!Arrays.equals(Arrays.copyOf(edgeBytes, Http2Frames.CLIENT_PREFACE.length), Http2Frames.CLIENT_PREFACE)) {
            throw new AssertionError("h2.edge2cfd.bin does not start with the client preface");
        }
        Http2Frames.HeaderDecoder edgeDecoder = new Http2Frames.HeaderDecoder();
        for (Http2Frames.Frame frame : Http2Frames.split(edgeBytes, Http2Frames.CLIENT_PREFACE.length)) {
            if (frame.type() == Http2Frames.HEADERS) {
                if (!edgeHeaders.containsKey(frame.streamId())) {
                    edgeStreams.add(frame.streamId());
                }
                edgeHeaders.computeIfAbsent(frame.streamId(), k -> new ArrayList<>()).add(edgeDecoder.decode(frame));
            } else if (frame.type() == Http2Frames.DATA) {
                edgeData.computeIfAbsent(frame.streamId(), k -> new ArrayList<>()).add(frame.payload());
            }
        }
        script(cfd);
    }

    /** Pairs each of cloudflared's frames with its line in the timeline, which gives its gate. */
    private void script(List<Http2Frames.Frame> cfd) {
        Http2Frames.HeaderDecoder cfdDecoder = new Http2Frames.HeaderDecoder();
        Map<Integer, int[]> seen = new HashMap<>();
        int settings = 0;
        for (String line : timeline()) {
            Matcher m = FRAME_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int type = TYPES.getOrDefault(m.group(2), -1);
            int stream = Integer.parseInt(m.group(3));
            int length = Integer.parseInt(m.group(4));
            boolean end = m.group(5).contains("END_STREAM");
            int[] counts = seen.computeIfAbsent(stream, k -> new int[4]);
            if (m.group(1).equals("edge->cfd")) {
                settings += type == Http2Frames.SETTINGS && !m.group(5).contains("ACK") ? 1 : 0;
                counts[0] += type == Http2Frames.HEADERS ? 1 : 0;
                counts[1] += type == Http2Frames.DATA ? 1 : 0;
                counts[2] += type == Http2Frames.DATA ? length : 0;
                counts[3] |= end ? 1 : 0;
                continue;
            }
            Http2Frames.Frame frame = cfd.get(cloudflared.size());
            if (frame.type() != type || frame.streamId() != stream || frame.payload().length != length) {
                throw new AssertionError("h2-frames.txt line \"" + line + "\" is not " + frame);
            }
            Gate gate = new Gate(stream == 0 ? settings : 0, counts[0], counts[1], counts[2], counts[3] == 1);
            cloudflared.add(new Step(frame, gate, type == Http2Frames.HEADERS ? cfdDecoder.decode(frame) : null));
        }
        if (cloudflared.size() != cfd.size()) {
            throw new AssertionError("h2-frames.txt lists " + cloudflared.size() + " of cloudflared's " + cfd.size()
                    + " frames");
        }
    }

    private static List<String> timeline() {
        try {
            return Files.readAllLines(Golden.path(DIR + "h2-frames.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stand-in edge's request headers on {@code stream}. */
    Http2Headers edgeRequest(int stream) {
        return edgeHeaders.get(stream).get(0);
    }

    /** The payloads of the stand-in edge's DATA frames on {@code stream}, in order. */
    List<byte[]> edgeData(int stream) {
        return edgeData.getOrDefault(stream, List.of());
    }

    /** cloudflared's first HEADERS on {@code stream}: its response. */
    Http2Headers cloudflaredResponse(int stream) {
        return cloudflared.stream().filter(s -> s.frame().streamId() == stream && s.headers() != null)
                .findFirst().orElseThrow().headers();
    }

    /** cloudflared's DATA payload bytes on {@code stream}, concatenated. */
    byte[] cloudflaredBody(int stream) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cloudflared.stream().filter(s -> s.frame().streamId() == stream && s.frame().type() == Http2Frames.DATA)
                .forEach(s -> body.writeBytes(s.frame().payload()));
        return body.toByteArray();
    }
}
