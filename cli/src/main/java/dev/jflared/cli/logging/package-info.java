/**
 * The CLI's logging: logback set up in code to print what cloudflared prints.
 *
 * <h2>The convention every library follows</h2>
 * Libraries log through SLF4J only. A log line is a <b>message</b> in cloudflared's wording plus <b>fields</b>;
 * fields are never formatted into the message. Use the SLF4J 2 fluent API and pass each field with
 * {@code addKeyValue}:
 *
 * <pre>{@code
 * private static final Logger logger = LoggerFactory.getLogger(ControlStreamHandler.class);
 *
 * logger.atInfo()
 *         .addKeyValue("connIndex", connIndex)          // numbers stay numbers
 *         .addKeyValue("connection", connectionId)      // UUID, InetAddress...: toString()
 *         .addKeyValue("event", 0)
 *         .addKeyValue("ip", edgeAddress.getHostAddress())
 *         .addKeyValue("location", location)
 *         .addKeyValue("protocol", "quic")
 *         .log("Registered tunnel connection");
 *
 * logger.atError().setCause(e).addKeyValue("connIndex", connIndex).log("Serve tunnel error");
 * }</pre>
 *
 * prints
 *
 * <pre>
 * 2026-01-02T03:04:05Z INF Registered tunnel connection connIndex=0 connection=6f1c3f6e-... event=0
 *     ip=198.41.200.13 location=lhr01 protocol=quic    (one line, wrapped here)
 * 2026-01-02T03:04:06Z ERR Serve tunnel error error="timeout: no recent network activity" connIndex=0
 * </pre>
 *
 * <ul>
 *   <li><b>Field names</b> are cloudflared's ({@code connIndex}, {@code connection}, {@code ip},
 *       {@code location}, {@code protocol}, {@code event}, {@code originService}, {@code ingressRule}...); new
 *       ones are lowerCamelCase.</li>
 *   <li><b>Values</b>: {@link java.lang.Number} and {@link java.lang.Boolean} keep their type (JSON numbers and
 *       booleans), {@code null} is {@code null}, anything else is its {@code toString()}.</li>
 *   <li><b>Errors</b>: pass the exception with {@code setCause(e)} (or as the last argument of the classic API);
 *       it becomes the field {@code error}, holding the message and its causes' messages joined by
 *       {@code ": "}, shown first and quoted like cloudflared's. Stack traces print on the console only at
 *       {@code --loglevel debug}.</li>
 *   <li><b>Context</b>: MDC entries become fields too (like a zerolog logger built {@code With()} fields), for
 *       code that wants {@code connIndex} on every line of a connection.</li>
 *   <li><b>Secrets</b>: a field whose name contains {@code secret}, {@code token}, {@code password} or
 *       {@code credential} (any case) prints as {@code <redacted>}. This is a net, not a licence: never put a
 *       secret in a message or a field on purpose.</li>
 *   <li><b>Fatal</b>: only the CLI logs fatal events, with {@code logger.error(LogMarkers.FATAL, ...)}; they print
 *       as {@code FTL}.</li>
 *   <li>The classic {@code logger.info("... {}", x)} API still works; its arguments land in the message, so use it
 *       only for lines cloudflared also prints that way (e.g. {@code Starting metrics server on
 *       127.0.0.1:20241/metrics}).</li>
 * </ul>
 *
 * <p>{@link dev.jflared.cli.logging.LoggingSetup} describes outputs, levels and files;
 * {@link dev.jflared.cli.logging.LoggingFlags} the flags.
 */
package dev.jflared.cli.logging;
