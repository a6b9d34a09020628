package dev.jflared.rpc;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.capnproto.AnyPointer;

/**
 * Params and results of the tunnelrpc methods the golden captures exercise, written and read with {@link RawStruct}
 * at the layouts of cloudflared's {@code tunnelrpc.capnp} (sizes: {@code capnp compile -ocapnp}).
 */
final class TunnelRpcShapes {

    static final RawStruct.Factory REGISTER_PARAMS = RawStruct.factory(1, 3);
    static final RawStruct.Factory TUNNEL_AUTH = RawStruct.factory(0, 2);
    static final RawStruct.Factory ONE_POINTER = RawStruct.factory(0, 1);
    static final RawStruct.Factory CONNECTION_RESPONSE = RawStruct.factory(1, 1);
    static final RawStruct.Factory CONNECTION_DETAILS = RawStruct.factory(1, 2);
    static final RawStruct.Factory EMPTY = RawStruct.factory(0, 0);
    static final RawStruct.Factory UPDATE_CONFIGURATION_PARAMS = RawStruct.factory(1, 1);
    static final RawStruct.Factory UPDATE_CONFIGURATION_RESPONSE = RawStruct.factory(1, 1);
    static final short CONNECTION_DETAILS_TAG = 1;

    private TunnelRpcShapes() {}

    static void registerConnectionParams(AnyPointer.Builder params) {
        RawStruct.Builder p = params.initAs(REGISTER_PARAMS);
        p.initStruct(0, TUNNEL_AUTH).setText(0, "0123456789abcdef0123456789abcdef").setData(1, new byte[32]);
        p.setData(1, new byte[16]);
    }

    static void updateLocalConfigurationParams(AnyPointer.Builder params) {
        params.initAs(ONE_POINTER).setData(0, "{\"ingress\":[]}".getBytes(StandardCharsets.UTF_8));
    }

    static void emptyParams(AnyPointer.Builder params) {
        params.initAs(EMPTY);
    }

    static void updateConfigurationParams(AnyPointer.Builder params) {
        params.initAs(UPDATE_CONFIGURATION_PARAMS).setInt(0, 7)
                .setData(0, "{\"ingress\":[]}".getBytes(StandardCharsets.UTF_8));
    }

    /** registerConnection's results: {@code (result = (connectionDetails = (uuid, locationName = "REF")))}. */
    static CompletableFuture<Void> registerConnection(RpcCall call) {
        RawStruct.Builder details = call.results().initAs(ONE_POINTER).initStruct(0, CONNECTION_RESPONSE)
                .setShort(0, CONNECTION_DETAILS_TAG).initStruct(0, CONNECTION_DETAILS);
        details.setData(0, new byte[16]).setText(1, "REF");
        return CompletableFuture.completedFuture(null);
    }

    static CompletableFuture<Void> emptyResults(RpcCall call) {
        call.results().initAs(EMPTY);
        return CompletableFuture.completedFuture(null);
    }

    /** updateConfiguration's results: {@code (result = (latestAppliedVersion = version))}. */
    static CompletableFuture<Void> updateConfiguration(RpcCall call) {
        int version = call.params().getAs(UPDATE_CONFIGURATION_PARAMS).getInt(0);
        call.results().initAs(ONE_POINTER).initStruct(0, UPDATE_CONFIGURATION_RESPONSE).setInt(0, version);
        return CompletableFuture.completedFuture(null);
    }

    static String locationName(AnyPointer.Reader registerResults) {
        RawStruct.Reader response = registerResults.getAs(ONE_POINTER).getStruct(0, CONNECTION_RESPONSE);
        return response.getStruct(0, CONNECTION_DETAILS).getText(1);
    }

    static int latestAppliedVersion(AnyPointer.Reader updateResults) {
        return updateResults.getAs(ONE_POINTER).getStruct(0, UPDATE_CONFIGURATION_RESPONSE).getInt(0);
    }

    static CapabilityServer registrationServer() {
        return CapabilityServer.builder()
                .method(RpcTestSupport.REGISTRATION_SERVER, 0, TunnelRpcShapes::registerConnection)
                .method(RpcTestSupport.REGISTRATION_SERVER, 1, TunnelRpcShapes::emptyResults)
                .method(RpcTestSupport.REGISTRATION_SERVER, 2, TunnelRpcShapes::emptyResults)
                .build();
    }

    static CapabilityServer cloudflaredServer() {
        return CapabilityServer.builder()
                .method(RpcTestSupport.CONFIGURATION_MANAGER, 0, TunnelRpcShapes::updateConfiguration)
                .build();
    }
}
