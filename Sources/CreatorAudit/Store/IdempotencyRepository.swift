// Idempotency records of one organization (README, "Idempotency"): a claim per (method, route, key) while the first
// request runs, then its answer for 24 hours. A claim is a lease: one older than `lease` belongs to a request that
// died (a crashed node, a failed clean-up) and the next retry takes it over instead of answering 409 for a day.
import Foundation
import SQLKit

/// An answer as stored for replay.
struct StoredReply: Sendable, Equatable {
    let status: Int
    let body: [UInt8]
    let location: String?
}

/// What a claim attempt found.
enum IdempotencyClaim: Sendable, Equatable {
    /// This request holds the key now.
    case claimed(claimID: String)
    /// The key's first request finished; here is its answer.
    case replay(StoredReply)
    /// The key was used with another body.
    case mismatch
    /// The key's first request is still running (and its lease has not run out).
    case inFlight
}

struct IdempotencyRepository: Sendable {
    static let lifetime: Int64 = 24 * 3600
    /// An in-flight claim older than this is taken over by the next retry.
    static let lease: Int64 = 60

    let tenant: TenantStore

    func claim(method: String, route: String, key: String, requestHash: String, now: Int64 = Timestamp.now.seconds,
               lease: Int64 = Self.lease) async throws -> IdempotencyClaim {
        let organization = tenant.id
        return try await tenant.write { db in
            // An expired record is gone; an abandoned claim is taken over (same body: the retry of that request).
            try await db.raw("""
                DELETE FROM idempotency_records WHERE organization_id = \(bind: organization) AND method = \(bind: method)
                    AND path = \(bind: route) AND idempotency_key = \(bind: key)
                    AND (created_at < \(bind: now - Self.lifetime) OR (status IS NULL AND created_at < \(bind: now - lease)))
                """).run()
            // Insert-or-nothing, then read back: two concurrent requests (on any node) cannot both claim the key.
            let claimID = UUID().uuidString
            try await db.raw("""
                INSERT INTO idempotency_records (organization_id, method, path, idempotency_key, request_hash, status, body,
                    location, claim_id, created_at)
                VALUES (\(bind: organization), \(bind: method), \(bind: route), \(bind: key), \(bind: requestHash), NULL, NULL,
                    NULL, \(bind: claimID), \(bind: now))
                ON CONFLICT (organization_id, method, path, idempotency_key) DO NOTHING
                """).run()
            guard let row = try await db.raw("""
                SELECT request_hash, status, body, location, claim_id FROM idempotency_records
                WHERE organization_id = \(bind: organization) AND method = \(bind: method) AND path = \(bind: route)
                    AND idempotency_key = \(bind: key)
                """).first()?.reader("idempotency_records") else { return .inFlight }
            if try row.string("claim_id") == claimID { return .claimed(claimID: claimID) }
            guard try row.string("request_hash") == requestHash else { return .mismatch }
            guard let status = try row.optionalInt("status") else { return .inFlight }
            return .replay(StoredReply(status: status, body: Array((try row.optionalString("body") ?? "").utf8),
                                       location: try row.optionalString("location")))
        }
    }

    /// Stores the answer of the request holding `claimID` (a taken-over claim is no longer ours: nothing is written).
    func store(_ reply: StoredReply, method: String, route: String, key: String, claimID: String) async throws {
        try await tenant.write { db in
            try await db.raw("""
                UPDATE idempotency_records SET status = \(bind: reply.status),
                    body = \(bind: String(decoding: reply.body, as: UTF8.self)), location = \(bind: reply.location)
                WHERE organization_id = \(bind: tenant.id) AND method = \(bind: method) AND path = \(bind: route)
                    AND idempotency_key = \(bind: key) AND claim_id = \(bind: claimID)
                """).run()
        }
    }

    /// Releases the claim so that a retry runs again (the request failed in a way that must not be replayed).
    func release(method: String, route: String, key: String, claimID: String) async throws {
        try await tenant.write { db in
            try await db.raw("""
                DELETE FROM idempotency_records WHERE organization_id = \(bind: tenant.id) AND method = \(bind: method)
                    AND path = \(bind: route) AND idempotency_key = \(bind: key) AND claim_id = \(bind: claimID)
                """).run()
        }
    }
}

/// Retention of idempotency records across organizations: records older than 24 hours are deleted (by the
/// `created_at` index), periodically, by `IdempotencyPurgeService`.
enum IdempotencyRetention {
    static func purge(_ database: Database, now: Int64 = Timestamp.now.seconds) async throws -> Int {
        try await database.write(scope: .crossTenant("idempotency retention")) { db in
            let cutoff = now - IdempotencyRepository.lifetime
            let count = try await db.raw("SELECT COUNT(*) AS n FROM idempotency_records WHERE created_at < \(bind: cutoff)")
                .first()?.reader("idempotency_records").int("n") ?? 0
            try await db.raw("DELETE FROM idempotency_records WHERE created_at < \(bind: cutoff)").run()
            return count
        }
    }
}
