// Decides whether a request arrived over HTTPS and who the client is.
// With our own TLS listener both are simple: the connection is TLS, the client is the socket's peer.
// Behind a TLS-terminating proxy (`--tls off --trusted-proxy`), only a trusted proxy that says
// `X-Forwarded-Proto: https` is served, and the client is the rightmost untrusted `X-Forwarded-For` entry.
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

struct TransportMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Empty when the server terminates TLS itself.
    let trustedProxies: [CIDR]
    let behindProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // An MCP tool call's API request: its `/mcp` request was decided here already, and its client is that one's.
        if context.isInProcess { return try await next(request, context) }
        var context = context
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        defer { context.facts.client(context.clientAddress) }
        guard behindProxy else {
            context.clientAddress = peer
            return try await next(request, context)
        }
        guard isTrusted(peer), request.headers[.xForwardedProto]?.lowercased() == "https" else {
            // Credentials are not examined: this middleware runs before authentication.
            context.clientAddress = peer
            throw APIError(.forbidden, "HTTPS is required.")
        }
        context.clientAddress = clientAddress(forwardedFor: request.headers[values: .xForwardedFor], peer: peer)
        return try await next(request, context)
    }

    func isTrusted(_ address: String) -> Bool { trustedProxies.contains { $0.contains(address) } }

    func clientAddress(forwardedFor values: [String], peer: String) -> String {
        let hops = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !isTrusted(hop) {
            return CIDR.parseAddress(hop) != nil ? hop : peer
        }
        return peer
    }
}
