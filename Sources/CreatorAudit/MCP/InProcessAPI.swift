// Runs an API request inside the process, through the application's own router and middleware: the request a tool
// call stands for is built as HTTP (method, path, query, JSON body, the caller's key as `Authorization`) and handed
// to the same responder the listener uses. Authentication, scopes, rate limits, usage counting, idempotency,
// tenancy and the access log therefore apply exactly as to a request from the network (docs/mcp.md).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore

/// An API request to run: what a tool call turned into.
struct APICall: Sendable {
    var method: HTTPTypes.HTTPRequest.Method
    /// `/v2/...` with the query string, already percent-encoded.
    var target: String
    var body: [UInt8]?
    /// The body's media type (`application/x-ndjson` for `POST /v2/snapshots`).
    var contentType = "application/json"
    var idempotencyKey: String?
}

/// The API's answer.
struct APIAnswer: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: [UInt8]
}

/// The router's responder, known only once every route is registered (the `/mcp` route is one of them).
final class InProcessAPI: Sendable {
    private let responder = NIOLockedValueBox<RouterResponder<AppRequestContext>?>(nil)

    /// Headers of the outer request the inner one carries over, so TransportMiddleware decides the same way
    /// (behind a proxy: the proxy's `X-Forwarded-*`).
    static let forwardedHeaders: [HTTPField.Name] = [.xForwardedFor, .xForwardedProto]
    /// Rate-limit headers of the inner answer the outer `/mcp` answer repeats.
    static let rateLimitHeaders: [HTTPField.Name] = [
        APIKeyAuthMiddleware.rateLimitLimit, APIKeyAuthMiddleware.rateLimitRemaining,
        APIKeyAuthMiddleware.rateLimitReset, APIKeyAuthMiddleware.rateLimitPolicy, APIKeyAuthMiddleware.rateLimit,
    ]
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    func install(_ responder: RouterResponder<AppRequestContext>) {
        self.responder.withLockedValue { $0 = responder }
    }

    /// Runs `call` as the holder of `token`, already verified as `key` by the outer request `outer` (same connection,
    /// same request id): the key is not verified a second time, but its scopes and rate limit apply as to any request.
    func send(_ call: APICall, token: Substring, key: AuthenticatedKey, outer: Request, context: AppRequestContext)
        async throws -> APIAnswer
    {
        guard let responder = responder.withLockedValue({ $0 }), let channel = context.channel else {
            throw APIError(.serviceUnavailable, "The API is not ready yet.")
        }
        var fields = HTTPFields()
        fields[.authorization] = "Bearer " + token
        fields[.xRequestID] = context.requestID
        for name in Self.forwardedHeaders {
            for value in outer.headers[values: name] { fields.append(HTTPField(name: name, value: value)) }
        }
        if let key = call.idempotencyKey { fields[Self.idempotencyKey] = key }
        var body = ByteBuffer()
        if let bytes = call.body {
            fields[.contentType] = call.contentType
            fields[.contentLength] = String(bytes.count)
            body = ByteBuffer(bytes: bytes)
        }
        let head = HTTPTypes.HTTPRequest(
            method: call.method, scheme: "https", authority: outer.head.authority ?? "localhost", path: call.target,
            headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: body))
        var inner = AppRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: context.logger))
        inner.inProcessKey = key
        let response = try await responder.respond(to: request, context: inner)
        let sink = BodySink()
        try await response.body.write(CollectingWriter(sink: sink))
        return APIAnswer(status: Int(response.status.code), headers: response.headers, body: sink.bytes)
    }
}

/// Where CollectingWriter puts the bytes (the writer itself is consumed by `ResponseBody.write`).
private final class BodySink: @unchecked Sendable {
    // Written by one task only: the response body's writer, before `bytes` is read.
    var bytes: [UInt8] = []
}

private struct CollectingWriter: ResponseBodyWriter {
    let sink: BodySink

    mutating func write(_ buffer: ByteBuffer) async throws {
        sink.bytes.append(contentsOf: buffer.readableBytesView)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
