/**
 * A Cloudflare edge on loopback (QUIC and HTTP/2 on the same ports) for your own tests, demos and ours.
 * {@link dev.jflared.testkit.LocalEdge} is the public entry point: start it, point a connector (an embedded
 * {@code dev.jflared.Tunnel}, the jflared CLI, or cloudflared with {@code --edge} and {@code --cacert}) at it, send
 * eyeball HTTP requests to {@link dev.jflared.testkit.LocalEdge#eyeballUrl()}, and inspect what the connector
 * registered. The JUnit 5 extension in {@code dev.jflared.testkit.junit} does all of that around your handler.
 * Also here: {@link dev.jflared.testkit.TestCertificateAuthority}, the throw-away CA that issues the certificates
 * the edge presents ({@code quic.cftunnel.com}, {@code h2.cftunnel.com}, {@code localhost}, {@code 127.0.0.1}).
 *
 * <p>Public: {@code LocalEdge} and its values ({@code Registration}, {@code ConnectionInfo}, {@code EdgeEvent},
 * {@code ConfigPushResult}, {@code LocalConfiguration}). Package-private: the transport-neutral edge
 * ({@code EdgeState}, {@code RegistrationService}, {@code EdgeSession}, {@code RequestStream} with the
 * {@code ChannelRequestStream} both transports extend, {@code EyeballExchange}), the eyeball port
 * ({@code EyeballServer}, {@code EyeballHandler}, {@code AdminEndpoints}) and the QUIC listener
 * ({@code QuicEdgeListener}, {@code QuicEdgeSession}, {@code QuicRequestStreamHandler}, {@code QuicConfigPush}) and
 * the HTTP/2 listener ({@code Http2EdgeListener}, {@code Http2EdgeSession}, {@code Http2RequestStreamHandler},
 * {@code Http2ConfigPush}, {@code Http2StreamBytesCodec}, {@code Http2Edge}), each session an {@code EdgeSession}.
 */
package dev.jflared.testkit;
