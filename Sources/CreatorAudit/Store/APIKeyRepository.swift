// API keys at rest: SHA-256 only, a masked form for recognition, tombstones after deletion.
// Every function that touches an organization's keys takes its OrganizationID.
import Foundation
import SQLKit

public enum APIKeyStatus: String, Sendable, Codable {
    case enabled, disabled, deleted
}

public struct APIKeyRecord: Sendable, Equatable {
    public let id: APIKeyID
    public let organizationID: OrganizationID
    public var name: String
    public let masked: String
    public var scopes: [Scope]
    public var status: APIKeyStatus
    public let createdAt: Timestamp
    /// `cli` or a member's email.
    public let createdBy: String
    public var expiresAt: Timestamp?
    public var lastUsedAt: Timestamp?

    public func isExpired(at now: Timestamp) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// What authentication needs about a key, read in one query with its organization.
struct KeyAuthenticationRow: Sendable {
    let key: APIKeyRecord
    let organizationName: String
    let rateLimit: Int
}

public struct APIKeyRepository: Sendable {
    /// README, "API keys": at most 100 keys that are not deleted per organization.
    public static let maximumKeysPerOrganization = 100

    let database: Database

    public init(database: Database) { self.database = database }

    static let columns = """
        k.id, k.organization_id, k.name, k.masked, k.scopes, k.status, k.created_at, k.created_by,
        k.expires_at, k.last_used_at
        """

    func insert(_ key: APIKeyRecord, hash: KeyHash, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO api_keys (id, organization_id, name, key_hash, masked, scopes, status, created_at,
                created_by, expires_at, last_used_at, deleted_at)
            VALUES (\(bind: key.id.description), \(bind: key.organizationID.description), \(bind: key.name),
                \(bind: hash.hex), \(bind: key.masked), \(bind: Self.encode(key.scopes)), \(bind: key.status.rawValue),
                \(bind: key.createdAt.seconds), \(bind: key.createdBy), \(bind: key.expiresAt?.seconds), NULL, NULL)
            """).run()
    }

    func countNotDeleted(organizationID: OrganizationID, in db: any SQLDatabase) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM api_keys
            WHERE organization_id = \(bind: organizationID.description) AND status <> 'deleted'
            """).first()?.reader("api_keys").value("n", as: Int.self) ?? 0
    }

    /// The organization's keys that are not deleted, oldest first.
    public func list(organizationID: OrganizationID) async throws -> [APIKeyRecord] {
        try await database.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM api_keys k
                WHERE k.organization_id = \(bind: organizationID.description) AND k.status <> 'deleted'
                ORDER BY k.created_at, k.id
                """).all().map(Self.decode)
        }
    }

    public func find(organizationID: OrganizationID, id: APIKeyID) async throws -> APIKeyRecord? {
        try await database.read { db in try await find(organizationID: organizationID, id: id, in: db) }
    }

    func find(organizationID: OrganizationID, id: APIKeyID, in db: any SQLDatabase) async throws -> APIKeyRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM api_keys k
            WHERE k.organization_id = \(bind: organizationID.description) AND k.id = \(bind: id.description)
                AND k.status <> 'deleted'
            """).first().map(Self.decode)
    }

    /// Operator CLI only (`keys disable KEY_ID` names no organization): which organization owns this key.
    public func owner(of id: APIKeyID) async throws -> OrganizationID? {
        try await database.read { db in
            try await db.raw("SELECT organization_id FROM api_keys WHERE id = \(bind: id.description)").first()
                .flatMap { OrganizationID(try $0.reader("api_keys").value("organization_id", as: String.self)) }
        }
    }

    func update(
        organizationID: OrganizationID, id: APIKeyID, set assignments: SQLQueryString, in db: any SQLDatabase
    ) async throws {
        try await db.raw("""
            UPDATE api_keys SET \(assignments)
            WHERE organization_id = \(bind: organizationID.description) AND id = \(bind: id.description)
            """).run()
    }

    /// Authentication's lookup: the one query that starts from the key rather than the organization,
    /// because the key is what names the organization. Deleted keys are found too (to answer 401).
    func findForAuthentication(hash: KeyHash) async throws -> KeyAuthenticationRow? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns), o.name AS organization_name, o.rate_limit AS rate_limit
                FROM api_keys k JOIN organizations o ON o.id = k.organization_id
                WHERE k.key_hash = \(bind: hash.hex)
                """).first()
            else { return nil }
            return KeyAuthenticationRow(
                key: try Self.decode(row),
                organizationName: try row.reader("api_keys").value("organization_name", as: String.self),
                rateLimit: try row.reader("api_keys").value("rate_limit", as: Int.self))
        }
    }

    /// Daily request counts for the last `days` days (dashboard charts, `keys list`).
    public func usage(organizationID: OrganizationID, keyID: APIKeyID, sinceDay: String) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT day, request_count FROM api_key_usage
                WHERE organization_id = \(bind: organizationID.description) AND key_id = \(bind: keyID.description)
                    AND day >= \(bind: sinceDay)
                """).all() {
                counts[try row.reader("api_keys").value("day", as: String.self)] = try row.reader("api_keys").value("request_count", as: Int.self)
            }
            return counts
        }
    }

    static func encode(_ scopes: [Scope]) -> String { scopes.map(\.rawValue).joined(separator: ",") }

    static func decode(_ row: any SQLRow) throws -> APIKeyRecord {
        let scopes = try row.reader("api_keys").value("scopes", as: String.self).split(separator: ",")
            .compactMap { Scope(rawValue: String($0)) }
        return APIKeyRecord(
            id: try row.reader("api_keys").id("id", as: APIKeyID.self),
            organizationID: try row.reader("api_keys").id("organization_id", as: OrganizationID.self),
            name: try row.reader("api_keys").value("name", as: String.self),
            masked: try row.reader("api_keys").value("masked", as: String.self),
            scopes: scopes,
            status: try row.reader("api_keys").choice("status", as: APIKeyStatus.self),
            createdAt: Timestamp(seconds: try row.reader("api_keys").value("created_at", as: Int64.self)),
            createdBy: try row.reader("api_keys").value("created_by", as: String.self),
            expiresAt: try row.reader("api_keys").optional("expires_at", as: Int64.self).map(Timestamp.init(seconds:)),
            lastUsedAt: try row.reader("api_keys").optional("last_used_at", as: Int64.self).map(Timestamp.init(seconds:)))
    }
}

extension APIKeyRepository {
    /// Adds requests counted in memory (Auth/UsageRecorder.swift) to a key's daily usage, and moves its last use
    /// forward (to the minute).
    func recordUse(_ keyID: APIKeyID, organizationID: OrganizationID, lastUsed: Timestamp, countsByDay: [String: Int],
                   in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE api_keys SET last_used_at = \(bind: lastUsed.seconds)
            WHERE organization_id = \(bind: organizationID.description) AND id = \(bind: keyID.description)
                AND (last_used_at IS NULL OR last_used_at < \(bind: lastUsed.seconds))
            """).run()
        for (day, count) in countsByDay {
            try await db.raw("""
                INSERT INTO api_key_usage (organization_id, key_id, day, request_count)
                VALUES (\(bind: organizationID.description), \(bind: keyID.description), \(bind: day), \(bind: count))
                ON CONFLICT (key_id, day) DO UPDATE SET request_count = api_key_usage.request_count + excluded.request_count
                """).run()
        }
    }
}
