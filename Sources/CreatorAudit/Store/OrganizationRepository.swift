// Organizations: the tenants. This repository reads and changes an organization by its own id only (the API through
// its tenant store, the dashboard through the session, the operator's CLI by the id given).
import Foundation
import SQLKit

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

    func exists(_ id: OrganizationID, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM organizations WHERE id = \(bind: id.description)").first() != nil
    }

    /// The organization's account quota (nil: unlimited), read in the caller's transaction.
    func accountQuota(_ id: OrganizationID, in db: any SQLDatabase) async throws -> Int? {
        guard let row = try await db.raw("SELECT account_quota FROM organizations WHERE id = \(bind: id.description)").first()
        else { throw DomainError.notFound("organization") }
        return try row.reader("organizations").optionalInt("account_quota")
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
        let r = row.reader("organizations")
        return Organization(
            id: try r.id("id"), name: try r.string("name"), rateLimit: try r.int("rate_limit"),
            accountQuota: try r.optionalInt("account_quota"),
            maxRecentPostsPerAccount: try r.int("max_recent_posts_per_account"),
            postLookbackDays: try r.int("post_lookback_days"), createdAt: try r.timestamp("created_at"))
    }
}
