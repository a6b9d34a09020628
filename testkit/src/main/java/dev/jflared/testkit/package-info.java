/**
 * Test kit for tunnels on loopback.
 *
 * <ul>
 *   <li>{@link dev.jflared.testkit.LocalEdge}: a Cloudflare edge on loopback (QUIC and HTTP/2 registration, eyeball HTTP
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
 * {@code QuicRequestStreamHandler}, {@code QuicConfigPush}) and the HTTP/2 listener ({@code Http2EdgeListener},
 * {@code Http2EdgeSession}, {@code Http2RequestStreamHandler}, {@code Http2ConfigPush},
 * {@code Http2StreamBytesCodec}, {@code Http2Edge}), each session an {@code EdgeSession}.
 */
package dev.jflared.testkit;
