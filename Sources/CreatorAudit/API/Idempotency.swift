// `Idempotency-Key` on the three creates (SPEC §4): scoped by (organization, method, path, key), kept 24 h in
// the database so it holds across nodes. A replay returns the original status and body with
// `Idempotent-Replayed: true`; the same key with another body, or while the first is in flight → 409.
// 5xx answers are not stored.
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SQLKit

/// What a create handler produced, in a form that can be stored and replayed.
struct StoredReply: Sendable {
    let status: Int
    let body: [UInt8]
    let location: String?

    func response(replayed: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = status >= 400 ? "application/problem+json" : "application/json"
        if let location { headers[.location] = location }
        if replayed { headers[.idempotentReplayed] = "true" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

struct Idempotency: Sendable {
    static let lifetime: Int64 = 24 * 3600
    let database: Database

    /// Runs `create` at most once per idempotency key. `rawBody` is the exact request body.
    func run(
        request: Request, context: AppRequestContext, rawBody: [UInt8],
        create: () async throws -> StoredReply
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            return try await create().response(replayed: false)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw APIError.validation([FieldError(field: "Idempotency-Key", message: "must be 1 to 255 printable characters")])
        }
        let organizationID = try context.requireKey().organizationID.description
        let method = request.method.rawValue
        let path = request.uri.path
        let hash = Hex.encode(SHA256.hash(data: rawBody))
        let now = Timestamp.now.seconds

        enum Claim { case claimed, replay(StoredReply), mismatch, inFlight }
        let claim = try await database.write { db -> Claim in
            try await db.raw("""
                DELETE FROM idempotency_records WHERE organization_id = \(bind: organizationID) AND method = \(bind: method)
                    AND path = \(bind: path) AND idempotency_key = \(bind: key) AND created_at < \(bind: now - Self.lifetime)
                """).run()
            // Insert-or-nothing, then read back: two concurrent requests (on any node) cannot both claim the key.
            let claimID = UUID().uuidString
            try await db.raw("""
                INSERT INTO idempotency_records (organization_id, method, path, idempotency_key, request_hash, status, body,
                    location, claim_id, created_at)
                VALUES (\(bind: organizationID), \(bind: method), \(bind: path), \(bind: key), \(bind: hash), NULL, NULL, NULL,
                    \(bind: claimID), \(bind: now))
                ON CONFLICT (organization_id, method, path, idempotency_key) DO NOTHING
                """).run()
            guard let row = try await db.raw("""
                SELECT request_hash, status, body, location, claim_id FROM idempotency_records
                WHERE organization_id = \(bind: organizationID) AND method = \(bind: method) AND path = \(bind: path)
                    AND idempotency_key = \(bind: key)
                """).first() else { return .inFlight }
            if try row.decode(column: "claim_id", as: String.self) == claimID { return .claimed }
            guard try row.decode(column: "request_hash", as: String.self) == hash else { return .mismatch }
            guard let status = try row.decodeOptional(column: "status", as: Int.self) else { return .inFlight }
            let body = try row.decodeOptional(column: "body", as: String.self) ?? ""
            return .replay(StoredReply(status: status, body: Array(body.utf8), location: try row.decodeOptional(column: "location", as: String.self)))
        }
        switch claim {
        case .mismatch:
            throw APIError.conflict("This Idempotency-Key was used with a different request body.")
        case .inFlight:
            throw APIError.conflict("A request with this Idempotency-Key is still being processed.")
        case .replay(let stored):
            return stored.response(replayed: true)
        case .claimed:
            break
        }
        let reply: StoredReply
        do {
            reply = try await create()
        } catch let error as APIError where error.code.status.code < 500 {
            // Client errors are part of the answer and replay like successes.
            let problem = ProblemMiddleware.problemBody(error, instance: path, requestID: context.requestID)
            reply = StoredReply(status: Int(error.code.status.code), body: problem, location: nil)
            try? await store(reply, organizationID, method, path, key)
            throw error
        } catch {
            try? await forget(organizationID, method, path, key)
            throw error
        }
        if reply.status >= 500 {
            try? await forget(organizationID, method, path, key)
        } else {
            try await store(reply, organizationID, method, path, key)
        }
        return reply.response(replayed: false)
    }

    private func store(_ reply: StoredReply, _ organizationID: String, _ method: String, _ path: String, _ key: String) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE idempotency_records SET status = \(bind: reply.status), body = \(bind: String(decoding: reply.body, as: UTF8.self)),
                    location = \(bind: reply.location)
                WHERE organization_id = \(bind: organizationID) AND method = \(bind: method) AND path = \(bind: path)
                    AND idempotency_key = \(bind: key)
                """).run()
        }
    }

    private func forget(_ organizationID: String, _ method: String, _ path: String, _ key: String) async throws {
        try await database.write { db in
            try await db.raw("""
                DELETE FROM idempotency_records WHERE organization_id = \(bind: organizationID) AND method = \(bind: method)
                    AND path = \(bind: path) AND idempotency_key = \(bind: key)
                """).run()
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let link = HTTPField.Name("Link")!
}
