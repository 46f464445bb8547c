// Creators of one organization (the tenant store's `creators`), with the summary of their linked accounts.
// Deactivating a creator pauses its active accounts; reactivating resumes only the accounts its deactivation paused.
import Foundation
import SQLKit

public struct CreatorRepository: Sendable {
    let tenant: TenantStore

    static let sortOptions = [SortOption(name: "name", column: "name_sort", kind: .text, nullable: false)]

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

    func find(_ id: CreatorID, in db: any SQLDatabase) async throws -> Creator? {
        try await db.raw("\(Self.select) WHERE c.organization_id = \(bind: tenant.id) AND c.id = \(bind: id.description)")
            .first().map(Self.decode)
    }

    public func find(_ id: CreatorID) async throws -> Creator? {
        try await tenant.read { db in try await find(id, in: db) }
    }

    func require(_ id: CreatorID, in db: any SQLDatabase) async throws -> Creator {
        guard let creator = try await find(id, in: db) else { throw DomainError.notFound("creator") }
        return creator
    }

    func create(_ creator: Creator) async throws -> Creator {
        try await tenant.write { db in
            try await insert(creator, in: db)
            return try await require(creator.id, in: db)
        }
    }

    public func insert(_ creator: Creator, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO creators (id, organization_id, name, name_sort, is_active, metadata, created_at)
            VALUES (\(bind: creator.id.description), \(bind: tenant.id), \(bind: creator.name),
                \(bind: creator.name.lowercased()), \(bind: creator.isActive ? 1 : 0), \(bind: Metadata.encode(creator.metadata)),
                \(bind: creator.createdAt.seconds))
            """).run()
    }

    /// Reads the creator, applies `change`, saves it and applies an activity change to its accounts.
    func update(_ id: CreatorID, _ change: @escaping @Sendable (inout Creator) -> Void) async throws -> Creator {
        let updated = try await tenant.write { db in
            var creator = try await require(id, in: db)
            let wasActive = creator.isActive
            change(&creator)
            try await db.raw("""
                UPDATE creators SET name = \(bind: creator.name), name_sort = \(bind: creator.name.lowercased()),
                    is_active = \(bind: creator.isActive ? 1 : 0), metadata = \(bind: Metadata.encode(creator.metadata))
                WHERE organization_id = \(bind: tenant.id) AND id = \(bind: id.description)
                """).run()
            if wasActive && !creator.isActive {
                try await db.raw("""
                    UPDATE accounts SET is_active = 0, paused_by_creator = 1
                    WHERE organization_id = \(bind: tenant.id) AND creator_id = \(bind: id.description) AND is_active = 1
                    """).run()
            } else if !wasActive && creator.isActive {
                try await resumePaused(id, in: db)
            }
            return try await require(id, in: db)
        }
        // Its accounts may have resumed: the collector looks again.
        await tenant.database.dueWorkAdded()
        return updated
    }

    private func resumePaused(_ creatorID: CreatorID, accountID: AccountID? = nil, in db: any SQLDatabase) async throws {
        var query: SQLQueryString = """
            UPDATE accounts SET is_active = 1, paused_by_creator = 0
            WHERE organization_id = \(bind: tenant.id) AND creator_id = \(bind: creatorID.description)
                AND paused_by_creator = 1
            """
        if let accountID { query = query + " AND id = \(bind: accountID.description)" }
        try await db.raw(query).run()
    }

    /// Unlinks its accounts (they stay tracked; those it paused resume), then deletes the creator.
    func delete(_ id: CreatorID) async throws -> Bool {
        try await tenant.write { db in
            guard try await find(id, in: db) != nil else { return false }
            try await resumePaused(id, in: db)
            try await db.raw("""
                UPDATE accounts SET creator_id = NULL
                WHERE organization_id = \(bind: tenant.id) AND creator_id = \(bind: id.description)
                """).run()
            try await db.raw("DELETE FROM creators WHERE organization_id = \(bind: tenant.id) AND id = \(bind: id.description)").run()
            return true
        }
    }

    /// Links an account: `created` is false when it was already linked to this creator. An account of another
    /// creator is a conflict; under a paused creator the account is paused by it.
    func link(_ id: CreatorID, account accountID: AccountID) async throws -> (account: Account, created: Bool) {
        try await tenant.write { db in
            let creator = try await require(id, in: db)
            var account = try await tenant.accounts.require(accountID, in: db)
            if account.creatorID == id { return (account, false) }
            if account.creatorID != nil {
                throw DomainError.conflict("The account is linked to another creator; unlink it there first.")
            }
            account.creatorID = id
            if !creator.isActive && account.isActive {
                account.isActive = false
                account.pausedByCreator = true
            }
            try await tenant.accounts.saveSettings(account, in: db)
            return (try await tenant.accounts.require(accountID, in: db), true)
        }
    }

    /// Unlinks an account linked to this creator (not found otherwise); an account it paused resumes.
    func unlink(_ id: CreatorID, account accountID: AccountID) async throws {
        try await tenant.write { db in
            guard try await find(id, in: db) != nil,
                  let linked = try await tenant.accounts.find(accountID, in: db), linked.creatorID == id
            else { throw DomainError.notFound("link") }
            try await resumePaused(id, accountID: accountID, in: db)
            var account = try await tenant.accounts.require(accountID, in: db)
            account.creatorID = nil
            try await tenant.accounts.saveSettings(account, in: db)
        }
    }

    /// Every creator with the ids of its linked accounts (the top-creators ranking).
    func withAccountIDs() async throws -> [(id: String, name: String, accountIDs: [String])] {
        try await tenant.read { db in
            let rows = try await db.raw("""
                SELECT c.id AS creator_id, c.name AS name, a.id AS account_id FROM creators c
                LEFT JOIN accounts a ON a.organization_id = c.organization_id AND a.creator_id = c.id
                WHERE c.organization_id = \(bind: tenant.id) ORDER BY c.id
                """).all()
            var result: [(id: String, name: String, accountIDs: [String])] = []
            for row in rows {
                let r = row.reader("creators")
                let id = try r.string("creator_id")
                if result.last?.id != id { result.append((id, try r.string("name"), [])) }
                if let accountID = try r.optionalString("account_id") { result[result.count - 1].accountIDs.append(accountID) }
            }
            return result
        }
    }

    func page(isActive: Bool?, _ query: PageQuery) async throws -> PageResult<Creator> {
        var filter: SQLQueryString = " WHERE c.organization_id = \(bind: tenant.id)"
        if let isActive { filter = filter + " AND c.is_active = \(bind: isActive ? 1 : 0)" }
        let condition = filter
        return try await tenant.read { db in
            let rows = try await db.raw(Self.select + condition + query.keysetCondition(alias: "c") + query.orderClause(alias: "c")
                + query.limitClause).all()
            var total: Int?
            if query.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM creators c" + condition).first()?.reader("creators").int("n")
            }
            return try query.result(rows: rows, table: "creators", total: total, decode: Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Creator {
        let r = row.reader("creators")
        var creator = Creator(
            id: try r.id("id"), organizationID: try r.id("organization_id"), name: try r.string("name"),
            isActive: try r.flag("is_active"), metadata: try r.metadata("metadata"), createdAt: try r.timestamp("created_at"))
        creator.accounts = Creator.LinkedAccounts(
            total: try r.int("account_count"), instagram: try r.int("instagram_count"), tiktok: try r.int("tiktok_count"),
            totalFollowers: try r.int64("total_followers"))
        return creator
    }
}
