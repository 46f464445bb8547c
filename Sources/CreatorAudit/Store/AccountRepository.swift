// Tracked accounts of one organization (the tenant store's `accounts`).
import Foundation
import SQLKit

/// Filters of `GET /v2/accounts`.
struct AccountFilters: Sendable {
    var platform: String?
    var query: String?
    var isActive: Bool?
    var creatorID: String?
    var category: String?
}

public struct AccountRepository: Sendable {
    let tenant: TenantStore

    static let sortOptions: [SortOption] = [
        SortOption(name: "added_at", column: "added_at", kind: .integer, nullable: false),
        SortOption(name: "username", column: "username", kind: .text, nullable: false),
        SortOption(name: "last_scrape_time", column: "last_scrape_time", kind: .integer, nullable: true),
        SortOption(name: "follower_count", column: "follower_count", kind: .integer, nullable: false),
        SortOption(name: "view_count", column: "view_count", kind: .integer, nullable: false),
        SortOption(name: "like_count", column: "like_count", kind: .integer, nullable: false),
        SortOption(name: "play_count", column: "play_count", kind: .integer, nullable: false),
    ]

    static let select: SQLQueryString = select(from: "accounts a")

    /// `select` with `accounts a` coming from `source` (e.g. a list of ids CROSS JOINed to it, `list(ids:)`).
    static func select(from source: SQLQueryString) -> SQLQueryString {
        """
        SELECT a.*, c.name AS creator_name, o.max_recent_posts_per_account AS org_max_recent,
            o.post_lookback_days AS org_lookback
        FROM \(source)
        JOIN organizations o ON o.id = a.organization_id
        LEFT JOIN creators c ON c.id = a.creator_id AND c.organization_id = a.organization_id
        """
    }

    func find(_ id: AccountID, in db: any SQLDatabase) async throws -> Account? {
        try await db.raw("\(Self.select) WHERE a.organization_id = \(bind: tenant.id) AND a.id = \(bind: id.description)")
            .first().map(Self.decode)
    }

    public func find(_ id: AccountID) async throws -> Account? {
        try await tenant.read { db in try await find(id, in: db) }
    }

    /// The account, or a not-found error (also for another organization's id).
    func require(_ id: AccountID, in db: any SQLDatabase) async throws -> Account {
        guard let account = try await find(id, in: db) else { throw DomainError.notFound("account") }
        return account
    }

    func count(in db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: tenant.id)")
            .first()?.reader("accounts").int("n") ?? 0
    }

    func exists(platform: Platform, username: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM accounts WHERE organization_id = \(bind: tenant.id)
                AND platform = \(bind: platform.rawValue) AND username = \(bind: username)
            """).first() != nil
    }

    /// The id of the account with this platform and username, if tracked.
    func id(platform: Platform, username: String, in db: any SQLDatabase) async throws -> String? {
        try await db.raw("""
            SELECT id FROM accounts WHERE organization_id = \(bind: tenant.id) AND platform = \(bind: platform.rawValue)
                AND username = \(bind: username)
            """).first()?.reader("accounts").string("id")
    }

    /// Ids of the organization's accounts among `ids` (unknown and foreign ids are left out).
    func existing(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await tenant.read { db in
            // The ids drive the lookup (SnapshotWriter: `organization_id = ? AND id IN (…)` walks the organization).
            Set(try await db.raw("""
                SELECT a.id FROM \(RollupRepository.idList(ids)) CROSS JOIN accounts a
                WHERE a.id = ids.column1 AND a.organization_id = \(bind: tenant.id)
                """).all().map { try $0.reader("accounts").string("id") })
        }
    }

    /// Ids of the accounts linked to a creator (nil: every account of the organization).
    func ids(linkedTo creatorID: CreatorID?) async throws -> [String] {
        var query: SQLQueryString = "SELECT id FROM accounts WHERE organization_id = \(bind: tenant.id)"
        if let creatorID { query = query + " AND creator_id = \(bind: creatorID.description)" }
        let built = query
        return try await tenant.read { db in try await db.raw(built).all().map { try $0.reader("accounts").string("id") } }
    }

    /// Active accounts added before `time` (the overview's level at a window's end).
    func activeCount(addedBefore time: Timestamp) async throws -> Int64 {
        try await tenant.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: tenant.id)
                    AND is_active = 1 AND added_at < \(bind: time.seconds)
                """).first()?.reader("accounts").int64("n") ?? 0
        }
    }

    /// Creates an account: the quota, the unique (platform, username) and the creator are checked in the same
    /// transaction. Under a creator that is paused, the account starts paused by it.
    func create(_ prepared: Account) async throws -> Account {
        do {
            let created = try await tenant.write { db -> Account in
                var account = prepared
                if let quota = try await tenant.organization.accountQuota(tenant.organizationID, in: db),
                   try await count(in: db) >= quota {
                    throw DomainError(.quotaExceeded, "The organization's account quota is reached.")
                }
                if try await exists(platform: account.platform, username: account.username, in: db) {
                    throw DomainError.conflict("This account is already tracked.")
                }
                if let creatorID = account.creatorID {
                    guard let creator = try await tenant.creators.find(creatorID, in: db) else {
                        throw DomainError.invalid([FieldError(field: "creator_id", message: "does not exist")])
                    }
                    if !creator.isActive && account.isActive {
                        account.isActive = false
                        account.pausedByCreator = true
                    }
                }
                try await insert(account, in: db)
                return try await require(account.id, in: db)
            }
            // Its first refresh is due at once (docs/collection.md, "Refreshing").
            await tenant.database.dueWorkAdded()
            return created
        } catch let error where !(error is DomainError) {
            // A concurrent create of the same account got past `exists` first; the unique index refused this one.
            if try await tenant.read({ db in try await exists(platform: prepared.platform, username: prepared.username, in: db) }) {
                throw DomainError.conflict("This account is already tracked.")
            }
            throw error
        }
    }

    /// Inserts an account row (the API's create, an import, the demo). The organization is the store's own.
    public func insert(_ account: Account, in db: any SQLDatabase) async throws {
        let totals = account.totals
        try await db.raw("""
            INSERT INTO accounts (id, organization_id, platform, username, name, description, profile_pic_url, is_verified,
                is_active, is_unavailable, paused_by_creator, link_in_bio, creator_id, category, metadata, added_at,
                first_scrape_time, last_scrape_time, next_refresh_at, scrape_interval_hours, follower_count,
                following_count, profile_post_count, total_post_count, view_count, like_count, comment_count, share_count,
                play_count, saved_count, max_recent_posts_per_account, post_lookback_days, data_source)
            VALUES (\(bind: account.id.description), \(bind: tenant.id), \(bind: account.platform.rawValue),
                \(bind: account.username), \(bind: account.name), \(bind: account.description), \(bind: account.profilePicURL),
                \(bind: account.isVerified ? 1 : 0), \(bind: account.isActive ? 1 : 0), \(bind: account.isUnavailable ? 1 : 0),
                \(bind: account.pausedByCreator ? 1 : 0), \(bind: account.linkInBio), \(bind: account.creatorID?.description),
                \(bind: account.category), \(bind: Metadata.encode(account.metadata)), \(bind: account.addedAt.seconds),
                \(bind: account.firstScrapeTime?.seconds), \(bind: account.lastScrapeTime?.seconds),
                \(bind: account.addedAt.seconds), \(bind: account.scrapeIntervalHours), \(bind: account.followerCount),
                \(bind: account.followingCount), \(bind: account.profilePostCount), \(bind: account.totalPostCount),
                \(bind: totals.views ?? 0), \(bind: totals.likes ?? 0), \(bind: totals.comments ?? 0),
                \(bind: totals.shares ?? 0), \(bind: totals.plays ?? 0), \(bind: totals.saves),
                \(bind: account.maxRecentPostsPerAccount), \(bind: account.postLookbackDays), \(bind: account.dataSource))
            """).run()
    }

    /// The settings a client may change (PATCH, creator links) — the row as it is now is passed back in.
    func saveSettings(_ account: Account, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE accounts SET category = \(bind: account.category), metadata = \(bind: Metadata.encode(account.metadata)),
                is_active = \(bind: account.isActive ? 1 : 0), paused_by_creator = \(bind: account.pausedByCreator ? 1 : 0),
                scrape_interval_hours = \(bind: account.scrapeIntervalHours),
                max_recent_posts_per_account = \(bind: account.maxRecentPostsPerAccount),
                post_lookback_days = \(bind: account.postLookbackDays),
                creator_id = \(bind: account.creatorID?.description),
                next_refresh_at = \(Self.rescheduled(intervalHours: account.scrapeIntervalHours))
            WHERE organization_id = \(bind: tenant.id) AND id = \(bind: account.id.description)
            """).run()
    }

    /// A shorter interval brings the next refresh forward (never later than it was).
    static func rescheduled(intervalHours: Int) -> SQLQueryString {
        """
        CASE WHEN last_scrape_time IS NOT NULL AND last_scrape_time + \(bind: intervalHours * 3600) < next_refresh_at
            THEN last_scrape_time + \(bind: intervalHours * 3600) ELSE next_refresh_at END
        """
    }

    /// Reads the account, applies `change` and saves its settings, in one transaction.
    func update(_ id: AccountID, _ change: @escaping @Sendable (inout Account) -> Void) async throws -> Account {
        let updated = try await tenant.write { db in
            var account = try await require(id, in: db)
            change(&account)
            try await saveSettings(account, in: db)
            return try await require(id, in: db)
        }
        // Resumed, or due earlier: the collector looks again.
        await tenant.database.dueWorkAdded()
        return updated
    }

    /// Deletes the account with its history, and its discovered videos with theirs; the organization's daily
    /// amounts lose exactly their contributions. Individually tracked videos of the account stay (unlinked).
    func delete(_ id: AccountID) async throws -> Bool {
        try await tenant.write { db in
            guard try await find(id, in: db) != nil else { return false }
            let videoIDs = try await db.raw("""
                SELECT id FROM videos WHERE organization_id = \(bind: tenant.id) AND account_id = \(bind: id.description)
                    AND source = 'account'
                """).all().map { try $0.reader("videos").string("id") }
            try await tenant.videos.deleteWithHistory(videoIDs, in: db)
            try await db.raw("""
                UPDATE videos SET account_id = NULL WHERE organization_id = \(bind: tenant.id)
                    AND account_id = \(bind: id.description)
                """).run()
            // Its followers leave the organization's levels; its own levels go.
            var changes = LevelChanges()
            for history in try await tenant.rollups.followerHistories(
                accountIDs: [id.description], firstDay: Int.min / 2, lastDay: Int.max / 2, in: db) {
                guard let span = DailyContributions.span(history) else { continue }
                var contributions = DailyContributions()
                contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: -1)
                changes.add(contributions, to: .organization)
            }
            try await tenant.levels.apply(changes, in: db)
            try await tenant.levels.deleteAccountLevels(id.description, in: db)
            for table in ["account_daily", "account_snapshots"] {
                try await db.raw("""
                    DELETE FROM \(unsafeRaw: table) WHERE organization_id = \(bind: tenant.id) AND account_id = \(bind: id.description)
                    """).run()
            }
            try await db.raw("DELETE FROM accounts WHERE organization_id = \(bind: tenant.id) AND id = \(bind: id.description)").run()
            return true
        }
    }

    func whereClause(_ filters: AccountFilters) -> SQLQueryString {
        var clause: SQLQueryString = " WHERE a.organization_id = \(bind: tenant.id)"
        if let platform = filters.platform { clause = clause + " AND a.platform = \(bind: platform)" }
        if let query = filters.query { clause = clause + " AND a.username LIKE \(bind: Like.contains(query.lowercased())) ESCAPE '\\'" }
        if let isActive = filters.isActive { clause = clause + " AND a.is_active = \(bind: isActive ? 1 : 0)" }
        if let creatorID = filters.creatorID { clause = clause + " AND a.creator_id = \(bind: creatorID)" }
        if let category = filters.category { clause = clause + " AND a.category = \(bind: category)" }
        return clause
    }

    func page(_ filters: AccountFilters, _ query: PageQuery) async throws -> PageResult<Account> {
        try await tenant.read { db in
            let rows = try await db.raw(
                Self.select + whereClause(filters) + query.keysetCondition(alias: "a") + query.orderClause(alias: "a")
                    + query.limitClause).all()
            var total: Int?
            if query.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM accounts a" + whereClause(filters))
                    .first()?.reader("accounts").int("n")
            }
            return try query.result(rows: rows, table: "accounts", total: total, decode: Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Account {
        let r = row.reader("accounts")
        let platform: Platform = try r.choice("platform")
        let totals = Counters(views: try r.int64("view_count"), plays: try r.int64("play_count"), likes: try r.int64("like_count"),
                              comments: try r.int64("comment_count"), shares: try r.int64("share_count"),
                              saves: try r.optionalInt64("saved_count"))
        var account = Account(
            id: try r.id("id"), organizationID: try r.id("organization_id"), platform: platform,
            username: try r.string("username"), name: try r.optionalString("name"),
            description: try r.optionalString("description"), profilePicURL: try r.optionalString("profile_pic_url"),
            isVerified: try r.flag("is_verified"), isActive: try r.flag("is_active"),
            isUnavailable: try r.flag("is_unavailable"), pausedByCreator: try r.flag("paused_by_creator"),
            linkInBio: try r.optionalString("link_in_bio"), creatorID: try r.optionalID("creator_id"),
            creatorName: try r.optionalString("creator_name"), category: try r.optionalString("category"),
            metadata: try r.metadata("metadata"), addedAt: try r.timestamp("added_at"),
            firstScrapeTime: try r.optionalTimestamp("first_scrape_time"),
            lastScrapeTime: try r.optionalTimestamp("last_scrape_time"),
            scrapeIntervalHours: try r.int("scrape_interval_hours"), followerCount: try r.int64("follower_count"),
            followingCount: try r.int64("following_count"), profilePostCount: try r.int64("profile_post_count"),
            totalPostCount: try r.int64("total_post_count"), totals: totals,
            maxRecentPostsPerAccount: try r.optionalInt("max_recent_posts_per_account"),
            postLookbackDays: try r.optionalInt("post_lookback_days"), dataSource: try r.string("data_source"))
        account.organizationMaxRecentPosts = try r.int("org_max_recent")
        account.organizationLookbackDays = try r.int("org_lookback")
        account.collection = try r.collection()
        return account
    }
}

/// LIKE patterns with `\` escaping, so `%` and `_` in user input match themselves.
enum Like {
    static func contains(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}
