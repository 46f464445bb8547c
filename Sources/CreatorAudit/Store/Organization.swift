import Foundation
import SQLKit

public struct Organization: Sendable, Equatable {
    public let id: OrganizationID
    public var name: String
    /// Requests per 60-second window per key (the operator's setting).
    public var rateLimit: Int
    /// Maximum tracked accounts; nil = unlimited.
    public var accountQuota: Int?
    public var maxRecentPostsPerAccount: Int
    public var postLookbackDays: Int
    public let createdAt: Timestamp
}

/// Organizations are the tenants; this repository reads them by their own id only.
public struct OrganizationRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func create(name: String, in db: any SQLDatabase) async throws -> Organization {
        let organization = Organization(
            id: OrganizationID(), name: name, rateLimit: 600, accountQuota: nil,
            maxRecentPostsPerAccount: 50, postLookbackDays: 30, createdAt: .now)
        try await db.raw("""
            INSERT INTO organizations (id, name, rate_limit, account_quota, max_recent_posts_per_account,
                post_lookback_days, created_at)
            VALUES (\(bind: organization.id.description), \(bind: organization.name), \(bind: organization.rateLimit),
                NULL, \(bind: organization.maxRecentPostsPerAccount), \(bind: organization.postLookbackDays),
                \(bind: organization.createdAt.seconds))
            """).run()
        return organization
    }

    public func find(_ id: OrganizationID) async throws -> Organization? {
        try await database.read { db in
            try await db.raw("SELECT * FROM organizations WHERE id = \(bind: id.description)").first()
                .map(Self.decode)
        }
    }

    /// The operator's limits (`creatoraudit org set`). Cached key data carries the rate limit, so nodes are told.
    public func setLimits(_ id: OrganizationID, rateLimit: Int?, accountQuota: Int??) async throws -> Organization? {
        try await database.write { db in
            if let rateLimit {
                try await db.raw("UPDATE organizations SET rate_limit = \(bind: rateLimit) WHERE id = \(bind: id.description)").run()
            }
            if let accountQuota {
                try await db.raw("UPDATE organizations SET account_quota = \(bind: accountQuota) WHERE id = \(bind: id.description)").run()
            }
            try await ChangeSignal.credentialsChanged(in: db, database: database)
            return try await db.raw("SELECT * FROM organizations WHERE id = \(bind: id.description)").first().map(Self.decode)
        }
    }

    /// The organization's own settings (API `PATCH /v2/organization`, dashboard settings). Audited.
    public func updateSettings(
        _ id: OrganizationID, name: String?, maxRecentPostsPerAccount: Int?, postLookbackDays: Int?, actor: Actor
    ) async throws -> Organization? {
        try await database.write { db in
            var changes: [String] = []
            if let name {
                try await db.raw("UPDATE organizations SET name = \(bind: name) WHERE id = \(bind: id.description)").run()
                changes.append("name")
            }
            if let maxRecentPostsPerAccount {
                try await db.raw("""
                    UPDATE organizations SET max_recent_posts_per_account = \(bind: maxRecentPostsPerAccount)
                    WHERE id = \(bind: id.description)
                    """).run()
                changes.append("max_recent_posts_per_account")
            }
            if let postLookbackDays {
                try await db.raw("""
                    UPDATE organizations SET post_lookback_days = \(bind: postLookbackDays) WHERE id = \(bind: id.description)
                    """).run()
                changes.append("post_lookback_days")
            }
            guard let organization = try await db.raw("SELECT * FROM organizations WHERE id = \(bind: id.description)")
                .first().map(Self.decode) else { return nil }
            if !changes.isEmpty {
                try await AuditRepository(database: database).record(AuditEvent(
                    organizationID: id, actor: actor.name, action: "organization.updated", targetType: "organization",
                    targetID: id.description, targetName: organization.name, clientIP: actor.clientIP,
                    details: changes.joined(separator: ", ")), in: db)
                // Cached keys carry the organization's name (whoami).
                try await ChangeSignal.credentialsChanged(in: db, database: database)
            }
            return organization
        }
    }

    static func decode(_ row: any SQLRow) throws -> Organization {
        Organization(
            id: OrganizationID(try row.decode(column: "id", as: String.self)) ?? OrganizationID(uuid: UUID()),
            name: try row.decode(column: "name", as: String.self),
            rateLimit: try row.decode(column: "rate_limit", as: Int.self),
            accountQuota: try row.decodeOptional(column: "account_quota", as: Int.self),
            maxRecentPostsPerAccount: try row.decode(column: "max_recent_posts_per_account", as: Int.self),
            postLookbackDays: try row.decode(column: "post_lookback_days", as: Int.self),
            createdAt: Timestamp(seconds: try row.decode(column: "created_at", as: Int64.self)))
    }
}
