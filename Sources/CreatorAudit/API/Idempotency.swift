// `Idempotency-Key` on every write — POST, PATCH, PUT and DELETE (README, "Idempotency"): scoped by (organization,
// method, route pattern, key) and kept 24 h in the database, so it holds across nodes. A replay returns the original
// status and body with `Idempotent-Replayed: true`; the same key with another request, or while the first is in
// flight → 409. 5xx answers are not stored. A claim left by a request that died is taken over after its lease
// (Store/IdempotencyRepository.swift).
//
// What "the same request" means: the SHA-256 of the raw body, and — on routes with path parameters — of those
// parameters too, so one key sent to `DELETE /v2/accounts/A` and then to `DELETE /v2/accounts/B` (one route pattern,
// two resources, no body) is a 409, never B answered with A's replay.
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension StoredReply {
    /// A 201 with the created resource and its `Location`.
    static func created(_ body: JSONOut, location: String) -> StoredReply {
        StoredReply(status: 201, body: body.serialized(), location: location)
    }

    /// A 200 with a JSON body.
    static func ok(_ body: JSONOut) -> StoredReply { StoredReply(status: 200, body: body.serialized(), location: nil) }

    /// A 204 (deletes).
    static let noContent = StoredReply(status: 204, body: [], location: nil)

    func response(replayed: Bool) -> Response {
        var headers = HTTPFields()
        if !body.isEmpty { headers[.contentType] = status >= 400 ? "application/problem+json" : "application/json" }
        if let location { headers[.location] = location }
        if replayed { headers[.idempotentReplayed] = "true" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

enum Idempotency {
    /// A write with a JSON body: reads it and runs `handle` at most once per idempotency key.
    static func run(
        request: Request, context: TenantRequestContext, handle: (inout JSONBody) async throws -> StoredReply
    ) async throws -> Response {
        let raw = try await JSONBody.collect(request, context: context)
        return try await once(request: request, context: context, digest: { requestHash(raw: raw, parameters: $0) }) {
            var body = try JSONBody.parse(raw)
            return try await handle(&body)
        }
    }

    /// A write without a body (DELETE, the PUT that links an account): runs `handle` at most once per key. A body
    /// sent anyway is not read, but it is part of what the key stands for.
    static func run(
        request: Request, context: TenantRequestContext, handle: () async throws -> StoredReply
    ) async throws -> Response {
        let raw = try await JSONBody.collect(request, context: context)
        return try await once(request: request, context: context, digest: { requestHash(raw: raw, parameters: $0) }, handle)
    }

    /// A write whose body the caller has read (and hashed) itself, as it streamed in (`POST /v2/snapshots`).
    static func run(
        request: Request, context: TenantRequestContext, bodyHash: SHA256.Digest,
        handle: () async throws -> StoredReply
    ) async throws -> Response {
        try await once(request: request, context: context, digest: { parameters in
            precondition(parameters.isEmpty, "a streamed body's route has no path parameters")
            return Hex.encode(bodyHash)
        }, handle)
    }

    /// The request's identity under one key: the raw body, prefixed by the path parameters when the route has any
    /// (routes without keep the plain body hash, as records written before this rule have it).
    static func requestHash(raw: [UInt8], parameters: [(name: String, value: String)]) -> String {
        guard !parameters.isEmpty else { return Hex.encode(SHA256.hash(data: raw)) }
        let target = parameters.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value.lowercased())" }
        var hasher = SHA256()
        hasher.update(data: Array(target.joined(separator: "&").utf8) + [0])
        hasher.update(data: raw)
        return Hex.encode(hasher.finalize())
    }

    /// `digest` makes the request hash from the route's path parameters (see `requestHash(raw:parameters:)`).
    private static func once(
        request: Request, context: TenantRequestContext,
        digest: ([(name: String, value: String)]) -> String, _ handle: () async throws -> StoredReply
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            return try await handle().response(replayed: false)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw APIError.validation([FieldError(field: "Idempotency-Key", message: "must be 1 to 255 printable characters")])
        }
        // The route pattern, not the raw path: `/v2/creators/` and `/v2//creators` are the same route.
        let route = context.endpointPath ?? request.uri.path
        let method = request.method.rawValue
        let records = context.store.idempotency
        let parameters = context.parameters.map { (name: String($0.key), value: String($0.value)) }
        let claimID: String
        switch try await records.claim(method: method, route: route, key: key,
                                       requestHash: digest(parameters)) {
        case .mismatch:
            throw APIError.conflict("This Idempotency-Key was used with a different request.")
        case .inFlight:
            throw APIError.conflict("A request with this Idempotency-Key is still being processed.")
        case .replay(let stored):
            return stored.response(replayed: true)
        case .claimed(let id):
            claimID = id
        }
        let reply: StoredReply
        do {
            reply = try await handle()
        } catch {
            let problem = ProblemMiddleware.translate(error)
            if problem.code.status.code < 500 {
                // Client errors are part of the answer and replay like successes.
                let stored = StoredReply(status: Int(problem.code.status.code),
                                         body: ProblemMiddleware.problemBody(problem, instance: request.uri.path, requestID: context.requestID),
                                         location: nil)
                await settle(context) { try await records.store(stored, method: method, route: route, key: key, claimID: claimID) }
            } else {
                await settle(context) { try await records.release(method: method, route: route, key: key, claimID: claimID) }
            }
            throw error
        }
        if reply.status >= 500 {
            await settle(context) { try await records.release(method: method, route: route, key: key, claimID: claimID) }
        } else {
            try await records.store(reply, method: method, route: route, key: key, claimID: claimID)
        }
        return reply.response(replayed: false)
    }

    /// Storing a client error or releasing a claim may fail (the database went away): the request's own answer
    /// stands, the failure is logged, and the claim's lease lets the next retry through.
    private static func settle(_ context: TenantRequestContext, _ work: () async throws -> Void) async {
        do {
            try await work()
        } catch {
            context.logger.error("idempotency record not settled; the claim expires with its lease", metadata: [
                "error_type": .string(String(describing: type(of: error))),
            ])
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let link = HTTPField.Name("Link")!
}
