package dev.jflared.transport;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.RpcMetrics;
import dev.jflared.rpc.RemoteCapability;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.ConnectionOptions;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's side of the control stream: registration of one connection with the edge's
 * {@code RegistrationServer}, and its unregistration on shutdown. Transport-neutral: QUIC runs it on the
 * connector-opened stream 0, HTTP/2 on the body of the edge's {@code control-stream} request; either way the
 * {@link RpcConnection} is in the client role.
 *
 * <pre>{@code
 * ControlStream.register(RpcConnection.client(stream), request, localAddress)
 *         .thenAccept(control -> serve(control.details()));
 * ...
 * control.unregister(gracePeriod).thenRun(closeTheConnection);
 * }</pre>
 *
 * <h2>Sequence</h2>
 * Exactly cloudflared's ({@code connection/control.go}, {@code tunnelrpc/registration_client.go}; golden
 * {@code control.cfd2edge}): {@code bootstrap}, then {@code registerConnection} pipelined on the bootstrap answer;
 * for connection 0 of a locally managed tunnel {@code updateLocalConfiguration} with the local configuration;
 * on shutdown {@code unregisterConnection} ({@link #sendUnregister}), then {@code release} of the bootstrap
 * capability and {@code abort("rpc: shutdown")} ({@link #close}); {@link #unregister} does both in a row.
 *
 * <h2>Errors</h2>
 * {@link #register} fails with {@link RegistrationRejectedException} when the edge answers with a
 * {@code ConnectionError}, and with the {@link dev.jflared.rpc.RpcException} of the call otherwise (a timeout, the
 * stream closing); either way the RPC connection is shut down first ({@code release}, {@code abort}), closing the
 * stream, as cloudflared's deferred {@code Close()} does. A failed {@code updateLocalConfiguration} is logged and does
 * not fail the registration, as in cloudflared; its outcome goes to {@link EdgeConnectRequest#metrics()}.
 * {@link #unregister} never fails.
 *
 * <h2>Threads</h2>
 * Callable from any thread; futures complete on the control stream's event loop.
 */
public final class ControlStream {

    private static final Logger logger = LoggerFactory.getLogger(ControlStream.class);

    /** cloudflared sends a compression quality of 0 (no compression) in every registration. */
    private static final int COMPRESSION_QUALITY = 0;

    private final RpcConnection rpc;
    private final RemoteCapability registration;
    private final int connIndex;
    private final ConnectionMetrics metrics;
    private final ConnectionDetails details;

    private ControlStream(RpcConnection rpc, RemoteCapability registration, int connIndex,
            ConnectionMetrics metrics, ConnectionDetails details) {
        this.rpc = rpc;
        this.registration = registration;
        this.connIndex = connIndex;
        this.metrics = metrics;
        this.details = details;
    }

    /**
     * Registers the connection over {@code rpc}, an {@link RpcConnection} in the client role on the control stream:
     * {@code bootstrap}, {@code registerConnection} pipelined on the bootstrap promise, then, for connection 0 of a
     * locally managed tunnel ({@code tunnelIsRemotelyManaged} false) when
     * {@link ConnectionServices#localConfigurationJson()} is present, {@code updateLocalConfiguration}, whose failure
     * is logged, not fatal. The registration call waits at most {@link EdgeConnectRequest#registrationTimeout()}.
     *
     * @param originLocalIp the local address of our socket to the edge, sent as {@code originLocalIp}
     * @return completes with the registered control stream once the edge accepted; fails with
     *     {@link RegistrationRejectedException} for the edge's {@code ConnectionError}, or with the RPC or timeout
     *     error
     */
    public static CompletableFuture<ControlStream> register(RpcConnection rpc, EdgeConnectRequest request,
            InetAddress originLocalIp) {
        requireNonNull(rpc, "rpc");
        requireNonNull(request, "request");
        requireNonNull(originLocalIp, "originLocalIp");
        RegisterConnectionParams params = registrationParams(request, originLocalIp);
        RemoteCapability registration = rpc.bootstrap();
        CompletableFuture<ControlStream> registered = new CompletableFuture<>();
        RpcMetrics.Call call = request.metrics().startRpcClientCall(RpcMetrics.HANDLER_REGISTRATION,
                RpcMetrics.METHOD_REGISTER_CONNECTION);
        registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, params::write,
                        request.registrationTimeout())
                .whenComplete((results, failure) -> {
                    if (failure != null) {
                        call.end(true);
                        fail(rpc, registered, failure);
                        return;
                    }
                    ConnectionResponse response;
                    try {
                        response = RegisterConnectionResults.read(results);
                    } catch (RuntimeException e) {
                        call.end(true);
                        fail(rpc, registered, e);
                        return;
                    }
                    // As cloudflared's registration client: a refusal (ConnectionError) counts as a failed call.
                    call.end(response instanceof ConnectionError);
                    if (response instanceof ConnectionError error) {
                        fail(rpc, registered, new RegistrationRejectedException(error.cause(), error.retryAfter(),
                                error.shouldRetry()));
                        return;
                    }
                    ControlStream control = new ControlStream(rpc, registration, request.connIndex(),
                            request.metrics(), (ConnectionDetails) response);
                    control.sendLocalConfiguration(request);
                    registered.complete(control);
                });
        return registered;
    }

    /** As cloudflared's deferred {@code Close()}: release and abort, closing the stream, then fail. */
    private static void fail(RpcConnection rpc, CompletableFuture<ControlStream> registered, Throwable cause) {
        rpc.shutdown();
        registered.completeExceptionally(cause);
    }

    /** What the edge answered: connection uuid, location, whether the tunnel is remotely managed. */
    public ConnectionDetails details() {
        return details;
    }

    /**
     * An application-level keep-alive: {@link RpcConnection#ping} on the control stream, a {@code Bootstrap} the
     * edge answers and we give back at once. For QUIC, where Netty cannot send a PING frame.
     *
     * @return completes with the round trip; fails with the RPC error, or a timeout after {@code timeout}
     */
    public CompletableFuture<Duration> ping(Duration timeout) {
        return rpc.ping(timeout);
    }

    /**
     * Unregisters the way cloudflared shuts a control stream down: {@link #sendUnregister}, then {@link #close}.
     *
     * @return completes when done or after the timeout; never fails
     */
    public CompletableFuture<Void> unregister(Duration timeout) {
        return sendUnregister(timeout).thenCompose(ignored -> close());
    }

    /**
     * Sends {@code unregisterConnection}, so the edge opens no new stream on this connection, and waits at most
     * {@code timeout} for its answer; the control stream stays open, so {@link #ping} still works, until
     * {@link #close}. The QUIC transport keeps pinging this way while the streams in flight drain, where quic-go would
     * keep sending PINGs after cloudflared closed its control stream.
     *
     * @return completes when answered or after the timeout; never fails
     */
    public CompletableFuture<Void> sendUnregister(Duration timeout) {
        requireNonNull(timeout, "timeout");
        CompletableFuture<Void> done = new CompletableFuture<>();
        Duration callTimeout = timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
        RpcMetrics.Call call = metrics.startRpcClientCall(RpcMetrics.HANDLER_REGISTRATION,
                RpcMetrics.METHOD_UNREGISTER_CONNECTION);
        registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UNREGISTER_CONNECTION, EmptyStruct::write,
                        callTimeout)
                .whenComplete((results, failure) -> {
                    call.end(failure != null);
                    if (failure != null) {
                        logger.atDebug().setCause(failure).addKeyValue("connIndex", connIndex)
                                .log("unregisterConnection got no answer; closing the control stream anyway");
                    } else {
                        logger.atDebug().addKeyValue("connIndex", connIndex).log("Unregistered tunnel connection");
                    }
                    done.complete(null);
                });
        return done;
    }

    /**
     * Ends the control stream as cloudflared's deferred {@code Close()}: {@code release} of the bootstrap capability
     * and {@code abort("rpc: shutdown")}, which closes the stream. Calling it again sends nothing more.
     *
     * @return completes once done; never fails
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        rpc.shutdown().whenComplete((ignored, error) -> closed.complete(null));
        return closed;
    }

    private void sendLocalConfiguration(EdgeConnectRequest request) {
        if (request.connIndex() != 0 || details.tunnelIsRemotelyManaged()) {
            return;
        }
        Optional<String> config = request.services().localConfigurationJson();
        if (config.isEmpty()) {
            return;
        }
        UpdateLocalConfigurationParams params = new UpdateLocalConfigurationParams(config.get());
        RpcMetrics.Call call = metrics.startRpcClientCall(RpcMetrics.HANDLER_REGISTRATION,
                RpcMetrics.METHOD_UPDATE_LOCAL_CONFIGURATION);
        registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION, params::write,
                        request.registrationTimeout())
                .whenComplete((results, failure) -> {
                    call.end(failure != null);
                    if (failure != null) {
                        logger.atWarn().setCause(failure).addKeyValue("connIndex", connIndex)
                                .log("unable to send local configuration");
                    }
                    // As cloudflared (connection/control.go): every push counts once answered, a failed one also
                    // as an error.
                    metrics.localConfigPush(failure == null);
                });
    }

    private static RegisterConnectionParams registrationParams(EdgeConnectRequest request,
            InetAddress originLocalIp) {
        RegistrationInfo info = request.registration();
        TunnelCredentials credentials = info.credentials();
        ClientInfo client = new ClientInfo(info.connectorId(), info.features(), info.version(), info.arch());
        ConnectionOptions options = new ConnectionOptions(client, originLocalIp, info.replaceExisting(),
                COMPRESSION_QUALITY, info.numPreviousAttempts());
        return new RegisterConnectionParams(new TunnelAuth(credentials.accountTag(), credentials.tunnelSecret()),
                credentials.tunnelId(), request.connIndex(), options);
    }

    @Override
    public String toString() {
        return "ControlStream(connIndex=" + connIndex + ", connection=" + details.uuid() + ", location="
                + details.locationName() + ")";
    }
}
