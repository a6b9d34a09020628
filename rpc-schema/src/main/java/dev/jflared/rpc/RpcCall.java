package dev.jflared.rpc;

import org.capnproto.AnyPointer;

/**
 * One incoming call, as seen by an {@link RpcMethodHandler}.
 *
 * <h2>Ownership</h2>
 * The params belong to a heap copy of the received message and stay readable for as long as the handler needs them.
 * The results builder belongs to the {@code Return} that will carry them; it is sent when the handler's stage
 * completes normally.
 */
public final class RpcCall {

    private final long interfaceId;
    private final int methodId;
    private final AnyPointer.Reader params;
    private final AnyPointer.Builder results;

    RpcCall(long interfaceId, int methodId, AnyPointer.Reader params, AnyPointer.Builder results) {
        this.interfaceId = interfaceId;
        this.methodId = methodId;
        this.params = params;
        this.results = results;
    }

    public long interfaceId() {
        return interfaceId;
    }

    public int methodId() {
        return methodId;
    }

    /** The params struct; read it with the method's params factory, e.g. {@code params().getAs(X.factory)}. */
    public AnyPointer.Reader params() {
        return params;
    }

    /** Where the results struct goes, e.g. {@code results().initAs(Y.factory)}. */
    public AnyPointer.Builder results() {
        return results;
    }

    @Override
    public String toString() {
        return "RpcCall(interface=0x" + Long.toHexString(interfaceId) + ", method=" + methodId + ")";
    }
}
