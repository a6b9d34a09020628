/**
 * Test kit for tunnels on loopback. For now: {@link dev.jflared.testkit.TestCertificateAuthority}, a throw-away CA
 * that issues the certificates a loopback edge presents ({@code quic.cftunnel.com}, {@code h2.cftunnel.com},
 * {@code localhost}, {@code 127.0.0.1}).
 */
package dev.jflared.testkit;
