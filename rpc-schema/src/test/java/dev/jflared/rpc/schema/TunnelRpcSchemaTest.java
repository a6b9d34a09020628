package dev.jflared.rpc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.capnproto.StructSize;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks our {@code src/main/capnp} schemas with the real {@code capnp} tool: they compile without language
 * annotations, every node id equals cloudflared's, our hand-written struct sizes equal the compiler's, and
 * {@code capnp decode} with our schemas prints what the golden decodes show.
 */
@Timeout(120)
class TunnelRpcSchemaTest {

    private static final Path SCHEMA_DIR = Path.of("src/main/capnp").toAbsolutePath();
    private static final String TUNNELRPC = "tunnelrpc.capnp";
    private static final String QUIC_METADATA = "quic_metadata_protocol.capnp";

    /**
     * Node ids read from cloudflared's tunnelrpc/proto/tunnelrpc.capnp and quic_metadata_protocol.capnp
     * (explicit ids), and from the schemas.Register lists of the generated tunnelrpc.capnp.go and
     * quic_metadata_protocol.capnp.go (the implicit $Params/$Results structs and the union group).
     */
    private static final Map<String, Long> CLOUDFLARED_IDS = Map.ofEntries(
            Map.entry("tunnelrpc.capnp", 0xdb8274f9144abc7eL),
            Map.entry("tunnelrpc.capnp:Authentication", 0xc082ef6e0d42ed1dL),
            Map.entry("tunnelrpc.capnp:TunnelRegistration", 0xf41a0f001ad49e46L),
            Map.entry("tunnelrpc.capnp:ExistingTunnelPolicy", 0x84cb9536a2cf6d3cL),
            Map.entry("tunnelrpc.capnp:Tag", 0xcbd96442ae3bb01aL),
            Map.entry("tunnelrpc.capnp:RegistrationOptions", 0xc793e50592935b4aL),
            Map.entry("tunnelrpc.capnp:ServerInfo", 0xf2c68e2547ec3866L),
            Map.entry("tunnelrpc.capnp:AuthenticateResponse", 0x82c325a07ad22a65L),
            Map.entry("tunnelrpc.capnp:TunnelServer.registerTunnel$Params", 0xb70431c0dc014915L),
            Map.entry("tunnelrpc.capnp:TunnelServer.registerTunnel$Results", 0xf2c122394f447e8eL),
            Map.entry("tunnelrpc.capnp:TunnelServer.getServerInfo$Params", 0xdc3ed6801961e502L),
            Map.entry("tunnelrpc.capnp:TunnelServer.getServerInfo$Results", 0xe3e37d096a5b564eL),
            Map.entry("tunnelrpc.capnp:TunnelServer.unregisterTunnel$Params", 0x9b87b390babc2ccfL),
            Map.entry("tunnelrpc.capnp:TunnelServer.unregisterTunnel$Results", 0xa29a916d4ebdd894L),
            Map.entry("tunnelrpc.capnp:TunnelServer.obsoleteDeclarativeTunnelConnect$Params", 0xa766b24d4fe5da35L),
            Map.entry("tunnelrpc.capnp:TunnelServer.obsoleteDeclarativeTunnelConnect$Results", 0xfeac5c8f4899ef7cL),
            Map.entry("tunnelrpc.capnp:TunnelServer.authenticate$Params", 0x85c8cea1ab1894f3L),
            Map.entry("tunnelrpc.capnp:TunnelServer.authenticate$Results", 0xfc5edf80e39c0796L),
            Map.entry("tunnelrpc.capnp:TunnelServer.reconnectTunnel$Params", 0xa353a3556df74984L),
            Map.entry("tunnelrpc.capnp:TunnelServer.reconnectTunnel$Results", 0xd4d18de97bb12de3L),
            Map.entry("tunnelrpc.capnp:RegistrationServer", 0xf71695ec7fe85497L),
            Map.entry("tunnelrpc.capnp:TunnelServer", 0xea58385c65416035L),
            Map.entry("tunnelrpc.capnp:TunnelAuth", 0x9496331ab9cd463fL),
            Map.entry("tunnelrpc.capnp:ConnectionOptions", 0xb4bf9861fe035d04L),
            Map.entry("tunnelrpc.capnp:RegistrationServer.registerConnection$Params", 0xe6646dec8feaa6eeL),
            Map.entry("tunnelrpc.capnp:ConnectionResponse", 0xdbaa9d03d52b62dcL),
            Map.entry("tunnelrpc.capnp:RegistrationServer.registerConnection$Results", 0xea50d822450d1f17L),
            Map.entry("tunnelrpc.capnp:RegistrationServer.unregisterConnection$Params", 0xf9cb7f4431a307d0L),
            Map.entry("tunnelrpc.capnp:RegistrationServer.unregisterConnection$Results", 0xb046e578094b1eadL),
            Map.entry("tunnelrpc.capnp:RegistrationServer.updateLocalConfiguration$Params", 0xc5d6e311876a3604L),
            Map.entry("tunnelrpc.capnp:RegistrationServer.updateLocalConfiguration$Results", 0xe5ceae5d6897d7beL),
            Map.entry("tunnelrpc.capnp:ClientInfo", 0x83ced0145b2f114bL),
            Map.entry("tunnelrpc.capnp:ConnectionError", 0xf5f383d2785edb86L),
            Map.entry("tunnelrpc.capnp:ConnectionDetails", 0xb5f39f082b9ac18aL),
            Map.entry("tunnelrpc.capnp:ConnectionResponse.result", 0x97b3c5c260257622L),
            Map.entry("tunnelrpc.capnp:RegisterUdpSessionResponse", 0xab6d5210c1f26687L),
            Map.entry("tunnelrpc.capnp:SessionManager.registerUdpSession$Params", 0x904e297b87fbeceaL),
            Map.entry("tunnelrpc.capnp:SessionManager.registerUdpSession$Results", 0x8635c6b4f45bf5cdL),
            Map.entry("tunnelrpc.capnp:SessionManager.unregisterUdpSession$Params", 0x96b74375ce9b0ef6L),
            Map.entry("tunnelrpc.capnp:SessionManager.unregisterUdpSession$Results", 0xf24ec4ab5891b676L),
            Map.entry("tunnelrpc.capnp:SessionManager", 0x839445a59fb01686L),
            Map.entry("tunnelrpc.capnp:UpdateConfigurationResponse", 0xdb58ff694ba05cf9L),
            Map.entry("tunnelrpc.capnp:ConfigurationManager.updateConfiguration$Params", 0xb177ca2526a3ca76L),
            Map.entry("tunnelrpc.capnp:ConfigurationManager.updateConfiguration$Results", 0x958096448eb3373eL),
            Map.entry("tunnelrpc.capnp:ConfigurationManager", 0xb48edfbdaa25db04L),
            Map.entry("tunnelrpc.capnp:CloudflaredServer", 0xf548cef9dea2a4a1L),
            Map.entry("quic_metadata_protocol.capnp", 0xb29021ef7421cc32L),
            Map.entry("quic_metadata_protocol.capnp:ConnectionType", 0xc52e1bac26d379c8L),
            Map.entry("quic_metadata_protocol.capnp:Metadata", 0xe1446b97bfd1cd37L),
            Map.entry("quic_metadata_protocol.capnp:ConnectRequest", 0xc47116a1045e4061L),
            Map.entry("quic_metadata_protocol.capnp:ConnectResponse", 0xb1032ec91cef8727L));

    /** Our hand-written layouts, keyed like {@link #CLOUDFLARED_IDS}. */
    private static final Map<String, StructSize> OUR_STRUCT_SIZES = Map.ofEntries(
            Map.entry("quic_metadata_protocol.capnp:Metadata", Metadata.STRUCT_SIZE),
            Map.entry("quic_metadata_protocol.capnp:ConnectRequest", ConnectRequest.STRUCT_SIZE),
            Map.entry("quic_metadata_protocol.capnp:ConnectResponse", ConnectResponse.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:TunnelAuth", TunnelAuth.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ClientInfo", ClientInfo.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConnectionOptions", ConnectionOptions.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConnectionResponse", ConnectionResponse.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConnectionError", ConnectionError.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConnectionDetails", ConnectionDetails.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegisterUdpSessionResponse", RegisterUdpSessionResponse.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:UpdateConfigurationResponse", UpdateConfigurationResponse.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.registerConnection$Params",
                    RegisterConnectionParams.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.registerConnection$Results",
                    RegisterConnectionResults.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.unregisterConnection$Params", EmptyStruct.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.unregisterConnection$Results", EmptyStruct.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.updateLocalConfiguration$Params",
                    UpdateLocalConfigurationParams.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:RegistrationServer.updateLocalConfiguration$Results",
                    EmptyStruct.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:SessionManager.registerUdpSession$Params",
                    RegisterUdpSessionParams.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:SessionManager.registerUdpSession$Results",
                    RegisterUdpSessionResults.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:SessionManager.unregisterUdpSession$Params",
                    UnregisterUdpSessionParams.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:SessionManager.unregisterUdpSession$Results", EmptyStruct.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConfigurationManager.updateConfiguration$Params",
                    UpdateConfigurationParams.STRUCT_SIZE),
            Map.entry("tunnelrpc.capnp:ConfigurationManager.updateConfiguration$Results",
                    UpdateConfigurationResults.STRUCT_SIZE));

    private static final Pattern NODE = Pattern.compile(
            "\\( id = (\\d+),\\s*displayName = \"([^\"]+)\"");
    private static final Pattern STRUCT_LAYOUT = Pattern.compile(
            "struct = \\(\\s*dataWordCount = (\\d+),\\s*pointerCount = (\\d+),");

    private CapnpTool capnp;

    @BeforeEach
    void findTool() {
        capnp = CapnpTool.require();
    }

    @Test
    void ourSchemasCompileWithStockCapnp() throws Exception {
        CapnpTool.Result result = capnp.run(SCHEMA_DIR, null, "compile", "-o-", TUNNELRPC, QUIC_METADATA);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isNotEmpty();
    }

    @Test
    void everyNodeIdEqualsCloudflareds() throws Exception {
        Map<String, Long> ids = new HashMap<>();
        for (String node : compiledNodes()) {
            Matcher matcher = NODE.matcher(node);
            if (matcher.find()) {
                ids.put(matcher.group(2), Long.parseUnsignedLong(matcher.group(1)));
            }
        }

        assertThat(ids).containsExactlyInAnyOrderEntriesOf(CLOUDFLARED_IDS);
    }

    @Test
    void handWrittenStructSizesEqualTheCompilers() throws Exception {
        Map<String, String> layouts = new HashMap<>();
        for (String node : compiledNodes()) {
            Matcher name = NODE.matcher(node);
            Matcher layout = STRUCT_LAYOUT.matcher(node);
            if (name.find() && layout.find()) {
                layouts.put(name.group(2), layout.group(1) + " data words, " + layout.group(2) + " pointers");
            }
        }

        OUR_STRUCT_SIZES.forEach((struct, size) -> assertThat(layouts.get(struct)).as(struct)
                .isEqualTo(size.data + " data words, " + size.pointers + " pointers"));
    }

    @Test
    void tunnelRpcIdsHoldTheSchemasIds() {
        assertThat(TunnelRpcIds.TUNNELRPC_FILE).isEqualTo(CLOUDFLARED_IDS.get(TUNNELRPC));
        assertThat(TunnelRpcIds.QUIC_METADATA_PROTOCOL_FILE).isEqualTo(CLOUDFLARED_IDS.get(QUIC_METADATA));
        assertThat(TunnelRpcIds.REGISTRATION_SERVER).isEqualTo(id("RegistrationServer"));
        assertThat(TunnelRpcIds.SESSION_MANAGER).isEqualTo(id("SessionManager"));
        assertThat(TunnelRpcIds.CONFIGURATION_MANAGER).isEqualTo(id("ConfigurationManager"));
        assertThat(TunnelRpcIds.CLOUDFLARED_SERVER).isEqualTo(id("CloudflaredServer"));
        assertThat(TunnelRpcIds.TUNNEL_SERVER).isEqualTo(id("TunnelServer"));
        assertThat(TunnelRpcIds.REGISTER_CONNECTION_PARAMS)
                .isEqualTo(id("RegistrationServer.registerConnection$Params"));
        assertThat(TunnelRpcIds.REGISTER_CONNECTION_RESULTS)
                .isEqualTo(id("RegistrationServer.registerConnection$Results"));
        assertThat(TunnelRpcIds.UNREGISTER_CONNECTION_PARAMS)
                .isEqualTo(id("RegistrationServer.unregisterConnection$Params"));
        assertThat(TunnelRpcIds.UNREGISTER_CONNECTION_RESULTS)
                .isEqualTo(id("RegistrationServer.unregisterConnection$Results"));
        assertThat(TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION_PARAMS)
                .isEqualTo(id("RegistrationServer.updateLocalConfiguration$Params"));
        assertThat(TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION_RESULTS)
                .isEqualTo(id("RegistrationServer.updateLocalConfiguration$Results"));
        assertThat(TunnelRpcIds.REGISTER_UDP_SESSION_PARAMS).isEqualTo(id("SessionManager.registerUdpSession$Params"));
        assertThat(TunnelRpcIds.REGISTER_UDP_SESSION_RESULTS)
                .isEqualTo(id("SessionManager.registerUdpSession$Results"));
        assertThat(TunnelRpcIds.UNREGISTER_UDP_SESSION_PARAMS)
                .isEqualTo(id("SessionManager.unregisterUdpSession$Params"));
        assertThat(TunnelRpcIds.UNREGISTER_UDP_SESSION_RESULTS)
                .isEqualTo(id("SessionManager.unregisterUdpSession$Results"));
        assertThat(TunnelRpcIds.UPDATE_CONFIGURATION_PARAMS)
                .isEqualTo(id("ConfigurationManager.updateConfiguration$Params"));
        assertThat(TunnelRpcIds.UPDATE_CONFIGURATION_RESULTS)
                .isEqualTo(id("ConfigurationManager.updateConfiguration$Results"));
    }

    @Test
    void methodOrdinalsAreThoseOfTheSchema() throws Exception {
        String schema = capnp.run(SCHEMA_DIR, null, "compile", "-ocapnp", TUNNELRPC).text();

        assertThat(schema).contains("registerConnection @" + TunnelRpcIds.REGISTER_CONNECTION + " (")
                .contains("unregisterConnection @" + TunnelRpcIds.UNREGISTER_CONNECTION + " (")
                .contains("updateLocalConfiguration @" + TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION + " (")
                .contains("registerUdpSession @" + TunnelRpcIds.REGISTER_UDP_SESSION + " (")
                .contains("unregisterUdpSession @" + TunnelRpcIds.UNREGISTER_UDP_SESSION + " (")
                .contains("updateConfiguration @" + TunnelRpcIds.UPDATE_CONFIGURATION + " (")
                .contains("superclasses(SessionManager, ConfigurationManager)");
    }

    @ParameterizedTest
    @CsvSource({
        "data1.edge2cfd, ConnectRequest", "data1.cfd2edge, ConnectResponse",
        "data2.edge2cfd, ConnectRequest", "data2.cfd2edge, ConnectResponse",
        "data3.edge2cfd, ConnectRequest", "data3.cfd2edge, ConnectResponse"
    })
    void capnpDecodesGoldenDataStreamMessagesWithOurSchema(String name, String struct) throws Exception {
        Path message = Golden.path("quic/decoded/split/" + name + ".msg.bin");

        CapnpTool.Result result = capnp.run(SCHEMA_DIR, message, "decode", QUIC_METADATA, struct);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        String expected = block(Golden.path("quic/decoded/" + name + ".decoded.txt"), "$ capnp decode", "# body");
        assertThat(result.text().strip()).isEqualTo(expected);
    }

    /** Through golden/schema/refedge-rpc-params.capnp, whose {@code import "/tunnelrpc.capnp"} finds ours. */
    @ParameterizedTest
    @CsvSource({
        "quic, control.cfd2edge, m01, RegisterConnectionParams",
        "quic, control.cfd2edge, m04, UpdateLocalConfigurationParams",
        "quic, control.edge2cfd, m01, RegisterConnectionResults",
        "quic, rpc1.edge2cfd, m01, UpdateConfigurationParams",
        "quic, rpc1.cfd2edge, m01, UpdateConfigurationResults",
        "quic-rejected, control.cfd2edge, m01, RegisterConnectionParams",
        "quic-rejected, control.edge2cfd, m01, RegisterConnectionResults",
        "http2, control.cfd2edge, m01, RegisterConnectionParams",
        "http2, control.cfd2edge, m04, UpdateLocalConfigurationParams",
        "http2, control.edge2cfd, m01, RegisterConnectionResults"
    })
    void capnpDecodesGoldenParamsAndResultsWithOurSchema(String capture, String stream, String message,
            String struct) throws Exception {
        String file = stream + "." + message + ".content.bin";
        Path content = Golden.path(capture + "/decoded/split/" + file);
        Path mirror = Golden.path("schema/refedge-rpc-params.capnp");

        CapnpTool.Result result = capnp.run(SCHEMA_DIR, content, "decode", "-I", SCHEMA_DIR.toString(),
                "--no-standard-import", mirror.toString(), struct);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        String expected = block(Golden.path(capture + "/decoded/" + stream + ".decoded.txt"),
                "### " + file + " as " + struct, "###");
        assertThat(result.text().strip()).isEqualTo(expected);
    }

    private static long id(String node) {
        return CLOUDFLARED_IDS.get(TUNNELRPC + ":" + node);
    }

    /** The compiler's CodeGeneratorRequest for our two files, as text, cut into one piece per node. */
    private List<String> compiledNodes() throws Exception {
        Path request = Files.createTempFile("capnp", ".request");
        try {
            CapnpTool.Result compiled = capnp.run(SCHEMA_DIR, null, "compile", "-o-", TUNNELRPC, QUIC_METADATA);
            assertThat(compiled.exitCode()).as(compiled.stderr()).isZero();
            Files.write(request, compiled.stdout());
            CapnpTool.Result decoded = capnp.run(SCHEMA_DIR, request, "decode", capnp.schemaCapnp().toString(),
                    "CodeGeneratorRequest");
            assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
            return List.of(decoded.text().split("\n    \\( id = ")).stream().skip(1)
                    .map(node -> "( id = " + node).toList();
        } finally {
            Files.deleteIfExists(request);
        }
    }

    /** The lines after the first line starting with {@code start}, up to a line starting with {@code end}. */
    private static String block(Path decodedTxt, String start, String end) throws IOException {
        List<String> lines = Files.readAllLines(decodedTxt, StandardCharsets.UTF_8);
        StringBuilder block = new StringBuilder();
        boolean inside = false;
        for (String line : lines) {
            if (inside && line.startsWith(end)) {
                break;
            }
            if (inside) {
                block.append(line).append('\n');
            }
            if (line.startsWith(start)) {
                inside = true;
            }
        }
        assertThat(inside).as("%s has a line starting with %s", decodedTxt, start).isTrue();
        return block.toString().strip();
    }
}
