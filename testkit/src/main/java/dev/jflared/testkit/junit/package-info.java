/**
 * JUnit 5 support: {@link dev.jflared.testkit.junit.LocalTunnelExtension} runs your handler behind a tunnel to a
 * {@link dev.jflared.testkit.LocalEdge} for the length of a test or test class. JUnit is a {@code provided}
 * dependency of the testkit: bring your own {@code junit-jupiter-api}.
 */
package dev.jflared.testkit.junit;
