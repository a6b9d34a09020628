package dev.jflared.rpc;

import java.time.Duration;

/**
 * No {@code Return} came for a call within its timeout. The call was cancelled with a {@code Finish}; the connection
 * stays usable. Its {@link #type()} is {@link RpcException.Type#FAILED}.
 */
public final class RpcTimeoutException extends RpcException {

    private static final long serialVersionUID = 1L;

    RpcTimeoutException(String call, Duration timeout) {
        super(Type.FAILED, "rpc: " + call + " got no answer within " + timeout);
    }
}
