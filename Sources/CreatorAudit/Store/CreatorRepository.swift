// Creators: a person or brand owning several accounts. Deactivating one pauses its accounts; reactivating
// resumes only the accounts its deactivation paused.
import Foundation
import SQLKit

public struct Creator: Sendable {
    public var id: CreatorID
    public var organizationID: OrganizationID
    public var name: String
    public var isActive: Bool
    public var metadata: [String: String]
    public var createdAt: Timestamp
    /// Linked accounts: total, per platform, sum of followers (read with the row).
    public var accountCount = 0
    public var instagramCount = 0
    public var tiktokCount = 0
    public var totalFollowers: Int64 = 0
}

public struct CreatorRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// `total_followers` is cast because PostgreSQL sums BIGINT as NUMERIC, which does not decode as an integer.
    static let select: SQLQueryString = """
        SELECT c.*,
            (SELECT COUNT(*) FROM accounts a WHERE a.organization_id = c.organization_id AND a.creator_id = c.id) AS account_count,
            (SELECT COUNT(*) FROM accounts a WHERE a.organization_id = c.organization_id AND a.creator_id = c.id
                AND a.platform = 'instagram') AS instagram_count,
            (SELECT COUNT(*) FROM accounts a WHERE a.organization_id = c.organization_id AND a.creator_id = c.id
                AND a.platform = 'tiktok') AS tiktok_count,
            (SELECT CAST(COALESCE(SUM(a.follower_count), 0) AS BIGINT) FROM accounts a
                WHERE a.organization_id = c.organization_id AND a.creator_id = c.id) AS total_followers
        FROM creators c
        """

    func find(organizationID: OrganizationID, id: CreatorID, in db: any SQLDatabase) async throws -> Creator? {
        try await db.raw("\(Self.select) WHERE c.organization_id = \(bind: organizationID.description) AND c.id = \(bind: id.description)")
            .first().map(Self.decode)
    }

    public func find(organizationID: OrganizationID, id: CreatorID) async throws -> Creator? {
        try await database.read { db in try await find(organizationID: organizationID, id: id, in: db) }
    }

    func insert(_ creator: Creator, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO creators (id, organization_id, name, name_sort, is_active, metadata, created_at)
            VALUES (\(bind: creator.id.description), \(bind: creator.organizationID.description), \(bind: creator.name),
                \(bind: creator.name.lowercased()), \(bind: creator.isActive ? 1 : 0), \(bind: Metadata.encode(creator.metadata)),
                \(bind: creator.createdAt.seconds))
            """).run()
    }

    /// Saves name and metadata, and applies an activity change to the creator's accounts.
    func save(_ creator: Creator, previouslyActive: Bool, in db: any SQLDatabase) async throws {
        let organization = creator.organizationID.description
        let id = creator.id.description
        try await db.raw("""
            UPDATE creators SET name = \(bind: creator.name), name_sort = \(bind: creator.name.lowercased()),
                is_active = \(bind: creator.isActive ? 1 : 0), metadata = \(bind: Metadata.encode(creator.metadata))
            WHERE organization_id = \(bind: organization) AND id = \(bind: id)
            """).run()
        if previouslyActive && !creator.isActive {
            try await db.raw("""
                UPDATE accounts SET is_active = 0, paused_by_creator = 1
                WHERE organization_id = \(bind: organization) AND creator_id = \(bind: id) AND is_active = 1
                """).run()
        } else if !previouslyActive && creator.isActive {
            try await resumePaused(organizationID: creator.organizationID, creatorID: creator.id, in: db)
        }
    }

    func resumePaused(organizationID: OrganizationID, creatorID: CreatorID, accountID: AccountID? = nil, in db: any SQLDatabase) async throws {
        var query: SQLQueryString = """
            UPDATE accounts SET is_active = 1, paused_by_creator = 0
            WHERE organization_id = \(bind: organizationID.description) AND creator_id = \(bind: creatorID.description)
                AND paused_by_creator = 1
            """
        if let accountID { query = query + " AND id = \(bind: accountID.description)" }
        try await db.raw(query).run()
    }

    /// Unlinks its accounts (they stay tracked; those it paused resume), then deletes the creator.
    func delete(organizationID: OrganizationID, id: CreatorID, in db: any SQLDatabase) async throws -> Bool {
        guard try await find(organizationID: organizationID, id: id, in: db) != nil else { return false }
        try await resumePaused(organizationID: organizationID, creatorID: id, in: db)
        try await db.raw("""
            UPDATE accounts SET creator_id = NULL
            WHERE organization_id = \(bind: organizationID.description) AND creator_id = \(bind: id.description)
            """).run()
        try await db.raw("DELETE FROM creators WHERE organization_id = \(bind: organizationID.description) AND id = \(bind: id.description)").run()
        return true
    }

    func page(organizationID: OrganizationID, isActive: Bool?, page: PageRequest) async throws -> (rows: [any SQLRow], total: Int?) {
        var filter: SQLQueryString = " WHERE c.organization_id = \(bind: organizationID.description)"
        if let isActive { filter = filter + " AND c.is_active = \(bind: isActive ? 1 : 0)" }
        let condition = filter
        return try await database.read { db in
            let filter = condition
            let rows = try await db.raw(Self.select + filter + page.keysetCondition(alias: "c") + page.orderClause(alias: "c")
                + " LIMIT \(bind: page.limit + 1)").all()
            var total: Int?
            if page.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM creators c" + filter).first()?.decode(column: "n", as: Int.self)
            }
            return (rows, total)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Creator {
        var creator = Creator(
            id: CreatorID(try row.decode(column: "id", as: String.self)) ?? CreatorID(),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)) ?? OrganizationID(),
            name: try row.decode(column: "name", as: String.self),
            isActive: try row.decode(column: "is_active", as: Int.self) != 0,
            metadata: Metadata.decode(try row.decode(column: "metadata", as: String.self)),
            createdAt: Timestamp(seconds: try row.decode(column: "created_at", as: Int64.self)))
        creator.accountCount = try row.decode(column: "account_count", as: Int.self)
        creator.instagramCount = try row.decode(column: "instagram_count", as: Int.self)
        creator.tiktokCount = try row.decode(column: "tiktok_count", as: Int.self)
        creator.totalFollowers = try row.decode(column: "total_followers", as: Int64.self)
        return creator
    }
}
