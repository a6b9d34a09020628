/**
 * Keeping the tunnel's HA connections up: for now the reconnect backoff that paces retries of a failed edge
 * connection ({@link dev.jflared.supervisor.ReconnectBackoff}).
 */
package dev.jflared.supervisor;
