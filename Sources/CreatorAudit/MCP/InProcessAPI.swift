// Runs an API request inside the process, through the application's own router and middleware: the request a tool
// call stands for is built as HTTP (method, path, query, body, `Idempotency-Key`) and handed to the same responder
// the listener uses, with the key the `/mcp` request was verified as. Scopes, rate limits, usage counting,
// idempotency, tenancy and the access log therefore apply exactly as to a request from the network (docs/mcp.md).
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

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    func install(_ responder: RouterResponder<AppRequestContext>) {
        self.responder.withLockedValue { $0 = responder }
    }

    /// Runs `call` as `key`, which the outer request `outer` was just verified as (same connection, same request id,
    /// same client address, same facts — AppRequestContext.init(inProcessOf:)): the key is not verified a second
    /// time, but its scopes and rate limit apply as to any request, and the rate-limit headers reach the outer answer.
    /// No credential is written into the request: without the context's key it would be refused as unauthenticated.
    func send(_ call: APICall, key: AuthenticatedKey, outer: Request, context: AppRequestContext)
        async throws -> APIAnswer
    {
        guard let responder = responder.withLockedValue({ $0 }), let channel = context.channel else {
            throw APIError(.serviceUnavailable, "The API is not ready yet.")
        }
        var fields = HTTPFields()
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
        let inner = AppRequestContext(inProcessOf: context, key: key, channel: channel)
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
