package dev.jflared.proxy.internal;

import dev.jflared.proxy.TunnelRequest;
import java.util.Map;

/** The HTML page {@code hello_world} answers at {@code /}: proof the tunnel works, and what the origin received. */
final class HelloWorldPage {

    private HelloWorldPage() {}

    static String render(TunnelRequest request, String body) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Cloudflare Tunnel Connection</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2rem auto;max-width:48rem;color:#222}")
                .append("h1{border-top:.25rem solid #f38020;padding-top:1rem}dl{background:#f7f7f7;")
                .append("border-left:.25rem solid #f38020;padding:1rem;font-family:monospace;overflow-x:auto}")
                .append("dd{margin:0 0 .5rem 0}</style>\n</head>\n<body>\n")
                .append("<h1>Congrats! You created a tunnel!</h1>\n")
                .append("<p>This page is served by the connector itself, through the tunnel, from the ")
                .append("<code>hello_world</code> service: requests reach it the way they reach your origins.</p>\n")
                .append("<h4>Request</h4>\n<dl>\n");
        item(html, "Method", request.method());
        item(html, "Protocol", "HTTP/1.1");
        item(html, "Request URL", request.pathAndQuery());
        item(html, "Transfer encoding", request.headers().get("Transfer-Encoding", ""));
        item(html, "Host", request.host());
        item(html, "Request URI", request.pathAndQuery());
        for (Map.Entry<String, String> header : request.headers()) {
            item(html, "Header", header.getKey() + ", Value: " + header.getValue());
        }
        item(html, "Body", body);
        return html.append("</dl>\n</body>\n</html>\n").toString();
    }

    private static void item(StringBuilder html, String name, String value) {
        html.append("<dd>").append(name).append(": ").append(escape(value)).append("</dd>\n");
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&#34;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
