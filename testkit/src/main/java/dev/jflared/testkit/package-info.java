/**
 * Test kit for tunnels on loopback.
 *
 * <ul>
 *   <li>{@link dev.jflared.testkit.LocalEdge}: a Cloudflare edge on loopback (QUIC registration, eyeball HTTP
 *       through the tunnel, configuration pushes, events), for tests, demos and users' own tests.</li>
 *   <li>{@link dev.jflared.testkit.TestCertificateAuthority}: a throw-away CA that issues the certificates a
 *       loopback edge presents ({@code quic.cftunnel.com}, {@code h2.cftunnel.com}, {@code localhost},
 *       {@code 127.0.0.1}).</li>
 * </ul>
 *
 * <p>Public: {@code LocalEdge} and its values ({@code Registration}, {@code ConnectionInfo}, {@code EdgeEvent},
 * {@code ConfigPushResult}, {@code LocalConfiguration}). Package-private: the transport-neutral edge
 * ({@code EdgeState}, {@code RegistrationService}, {@code EdgeSession}, {@code RequestStream},
 * {@code EyeballExchange}), the eyeball port ({@code EyeballServer}, {@code EyeballHandler},
 * {@code AdminEndpoints}) and the QUIC listener ({@code QuicEdgeListener}, {@code QuicEdgeSession},
 * {@code QuicRequestStreamHandler}, {@code QuicConfigPush}). An HTTP/2 listener is one more {@code EdgeSession}
 * beside {@code QuicEdgeSession}.
 */
package dev.jflared.testkit;
