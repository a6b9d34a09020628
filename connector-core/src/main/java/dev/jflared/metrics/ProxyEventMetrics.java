package dev.jflared.metrics;

import static java.util.Objects.requireNonNull;

import dev.jflared.proxy.ProxyEvents;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import java.time.Duration;

/** Feeds the origin proxy's events into cloudflared's proxy metrics ({@link ProxyMetrics}). Thread-safe. */
public final class ProxyEventMetrics implements ProxyEvents {

    private final ProxyMetrics metrics;

    public ProxyEventMetrics(ProxyMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void requestStarted(TunnelRequest request) {
        metrics.requestStarted();
    }

    @Override
    public void requestFinished(TunnelRequest request) {
        metrics.requestFinished();
    }

    @Override
    public void responded(TunnelRequest request, int status, ResponseHead.Source source) {
        metrics.responseCode(status);
    }

    @Override
    public void originError(TunnelRequest request, int ruleIndex, Throwable cause) {
        metrics.requestError();
    }

    @Override
    public void tcpSessionStarted(TunnelRequest request) {
        metrics.tcpSessionStarted();
    }

    @Override
    public void tcpSessionFinished(TunnelRequest request) {
        metrics.tcpSessionFinished();
    }

    @Override
    public void streamConnected(TunnelRequest request, Duration latency) {
        metrics.connectLatency(latency);
    }

    @Override
    public void streamConnectFailed(TunnelRequest request, Throwable cause) {
        metrics.connectStreamError();
    }
}
