// Tracked accounts. Every query is scoped by organization id.
import Foundation
import SQLKit

public struct AccountID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct CreatorID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct VideoID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }

public struct Account: Sendable {
    public var id: AccountID
    public var organizationID: OrganizationID
    public var platform: Platform
    public var username: String
    public var name: String?
    public var description: String?
    public var profilePicURL: String?
    public var isVerified: Bool
    public var isActive: Bool
    public var isUnavailable: Bool
    public var pausedByCreator: Bool
    public var linkInBio: String?
    public var creatorID: String?
    public var creatorName: String?
    public var category: String?
    public var metadata: [String: String]
    public var addedAt: Timestamp
    public var firstScrapeTime: Timestamp?
    public var lastScrapeTime: Timestamp?
    public var scrapeIntervalHours: Int
    public var followerCount: Int64
    public var followingCount: Int64
    public var profilePostCount: Int64
    public var totalPostCount: Int64
    public var viewCount: Int64
    public var likeCount: Int64
    public var commentCount: Int64
    public var shareCount: Int64
    public var playCount: Int64
    public var savedCount: Int64?
    public var maxRecentPostsPerAccount: Int?
    public var postLookbackDays: Int?
    public var dataSource: String
    /// The organization's defaults, read with the row (not stored on it).
    public var organizationMaxRecentPosts: Int = 50
    public var organizationLookbackDays: Int = 30

    public var effectiveMaxRecentPosts: Int { maxRecentPostsPerAccount ?? organizationMaxRecentPosts }
    public var effectiveLookbackDays: Int { postLookbackDays ?? organizationLookbackDays }

    /// A newly tracked account: counters 0 until the first refresh (saves null on TikTok).
    static func new(
        organizationID: OrganizationID, platform: Platform, username: String, now: Timestamp = .now
    ) -> Account {
        Account(
            id: AccountID(), organizationID: organizationID, platform: platform, username: username, name: nil,
            description: nil, profilePicURL: nil, isVerified: false, isActive: true, isUnavailable: false,
            pausedByCreator: false, linkInBio: nil, creatorID: nil, creatorName: nil, category: nil, metadata: [:],
            addedAt: now, firstScrapeTime: nil, lastScrapeTime: nil, scrapeIntervalHours: 24, followerCount: 0,
            followingCount: 0, profilePostCount: 0, totalPostCount: 0, viewCount: 0, likeCount: 0, commentCount: 0,
            shareCount: 0, playCount: 0, savedCount: platform == .instagram ? 0 : nil, maxRecentPostsPerAccount: nil,
            postLookbackDays: nil, dataSource: "sandbox")
    }

    var engagementRate: Double? {
        EngagementRate.compute(likes: likeCount, comments: commentCount, shares: shareCount, views: viewCount, plays: playCount)
    }
}

/// Filters of `GET /v2/accounts`.
struct AccountFilters: Sendable {
    var platform: String?
    var query: String?
    var isActive: Bool?
    var creatorID: String?
    var category: String?
}

public struct AccountRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    static let select: SQLQueryString = """
        SELECT a.*, c.name AS creator_name, o.max_recent_posts_per_account AS org_max_recent,
            o.post_lookback_days AS org_lookback
        FROM accounts a
        JOIN organizations o ON o.id = a.organization_id
        LEFT JOIN creators c ON c.id = a.creator_id AND c.organization_id = a.organization_id
        """

    func find(organizationID: OrganizationID, id: AccountID, in db: any SQLDatabase) async throws -> Account? {
        try await db.raw("""
            \(Self.select) WHERE a.organization_id = \(bind: organizationID.description) AND a.id = \(bind: id.description)
            """).first().map(Self.decode)
    }

    public func find(organizationID: OrganizationID, id: AccountID) async throws -> Account? {
        try await database.read { db in try await find(organizationID: organizationID, id: id, in: db) }
    }

    func count(organizationID: OrganizationID, in db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: organizationID.description)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func exists(organizationID: OrganizationID, platform: Platform, username: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM accounts WHERE organization_id = \(bind: organizationID.description)
                AND platform = \(bind: platform.rawValue) AND username = \(bind: username)
            """).first() != nil
    }

    func insert(_ account: Account, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO accounts (id, organization_id, platform, username, name, description, profile_pic_url, is_verified,
                is_active, is_unavailable, paused_by_creator, link_in_bio, creator_id, category, metadata, added_at,
                first_scrape_time, last_scrape_time, next_refresh_at, scrape_interval_hours, follower_count,
                following_count, profile_post_count, total_post_count, view_count, like_count, comment_count, share_count,
                play_count, saved_count, max_recent_posts_per_account, post_lookback_days, data_source)
            VALUES (\(bind: account.id.description), \(bind: account.organizationID.description), \(bind: account.platform.rawValue),
                \(bind: account.username), \(bind: account.name), \(bind: account.description), \(bind: account.profilePicURL),
                \(bind: account.isVerified ? 1 : 0), \(bind: account.isActive ? 1 : 0), \(bind: account.isUnavailable ? 1 : 0),
                \(bind: account.pausedByCreator ? 1 : 0), \(bind: account.linkInBio), \(bind: account.creatorID),
                \(bind: account.category), \(bind: Metadata.encode(account.metadata)), \(bind: account.addedAt.seconds),
                \(bind: account.firstScrapeTime?.seconds), \(bind: account.lastScrapeTime?.seconds),
                \(bind: account.addedAt.seconds), \(bind: account.scrapeIntervalHours), \(bind: account.followerCount),
                \(bind: account.followingCount), \(bind: account.profilePostCount), \(bind: account.totalPostCount),
                \(bind: account.viewCount), \(bind: account.likeCount), \(bind: account.commentCount),
                \(bind: account.shareCount), \(bind: account.playCount), \(bind: account.savedCount),
                \(bind: account.maxRecentPostsPerAccount), \(bind: account.postLookbackDays), \(bind: account.dataSource))
            """).run()
    }

    /// The settings a client may change (PATCH) — the row as it is now is passed back in.
    func saveSettings(_ account: Account, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE accounts SET category = \(bind: account.category), metadata = \(bind: Metadata.encode(account.metadata)),
                is_active = \(bind: account.isActive ? 1 : 0), paused_by_creator = \(bind: account.pausedByCreator ? 1 : 0),
                scrape_interval_hours = \(bind: account.scrapeIntervalHours),
                max_recent_posts_per_account = \(bind: account.maxRecentPostsPerAccount),
                post_lookback_days = \(bind: account.postLookbackDays), creator_id = \(bind: account.creatorID)
            WHERE organization_id = \(bind: account.organizationID.description) AND id = \(bind: account.id.description)
            """).run()
    }

    /// Deletes the account; its discovered videos (and their history) go with it.
    func delete(organizationID: OrganizationID, id: AccountID, in db: any SQLDatabase) async throws -> Bool {
        guard try await find(organizationID: organizationID, id: id, in: db) != nil else { return false }
        let videoIDs = try await db.raw("""
            SELECT id FROM videos WHERE organization_id = \(bind: organizationID.description) AND account_id = \(bind: id.description)
                AND source = 'account'
            """).all().map { try $0.decode(column: "id", as: String.self) }
        try await OrganizationDaily.remove(organizationID: organizationID, videoIDs: videoIDs, in: db)
        try await db.raw("""
            DELETE FROM videos WHERE organization_id = \(bind: organizationID.description) AND account_id = \(bind: id.description)
                AND source = 'account'
            """).run()
        try await db.raw("""
            UPDATE videos SET account_id = NULL WHERE organization_id = \(bind: organizationID.description)
                AND account_id = \(bind: id.description)
            """).run()
        try await db.raw("DELETE FROM accounts WHERE organization_id = \(bind: organizationID.description) AND id = \(bind: id.description)").run()
        return true
    }

    func whereClause(organizationID: OrganizationID, _ filters: AccountFilters) -> SQLQueryString {
        var clause: SQLQueryString = " WHERE a.organization_id = \(bind: organizationID.description)"
        if let platform = filters.platform { clause = clause + " AND a.platform = \(bind: platform)" }
        if let query = filters.query { clause = clause + " AND a.username LIKE \(bind: Like.contains(query.lowercased())) ESCAPE '\\'" }
        if let isActive = filters.isActive { clause = clause + " AND a.is_active = \(bind: isActive ? 1 : 0)" }
        if let creatorID = filters.creatorID { clause = clause + " AND a.creator_id = \(bind: creatorID)" }
        if let category = filters.category { clause = clause + " AND a.category = \(bind: category)" }
        return clause
    }

    func page(organizationID: OrganizationID, filters: AccountFilters, page: PageRequest) async throws -> (rows: [any SQLRow], total: Int?) {
        try await database.read { db in
            let rows = try await db.raw(
                Self.select + whereClause(organizationID: organizationID, filters) + page.keysetCondition(alias: "a")
                    + page.orderClause(alias: "a") + " LIMIT \(bind: page.limit + 1)").all()
            var total: Int?
            if page.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM accounts a" + whereClause(organizationID: organizationID, filters))
                    .first()?.decode(column: "n", as: Int.self)
            }
            return (rows, total)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Account {
        func time(_ column: String) throws -> Timestamp? {
            try row.decodeOptional(column: column, as: Int64.self).map(Timestamp.init(seconds:))
        }
        var account = Account(
            id: AccountID(try row.decode(column: "id", as: String.self)) ?? AccountID(),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)) ?? OrganizationID(),
            platform: Platform(rawValue: try row.decode(column: "platform", as: String.self)) ?? .instagram,
            username: try row.decode(column: "username", as: String.self),
            name: try row.decodeOptional(column: "name", as: String.self),
            description: try row.decodeOptional(column: "description", as: String.self),
            profilePicURL: try row.decodeOptional(column: "profile_pic_url", as: String.self),
            isVerified: try row.decode(column: "is_verified", as: Int.self) != 0,
            isActive: try row.decode(column: "is_active", as: Int.self) != 0,
            isUnavailable: try row.decode(column: "is_unavailable", as: Int.self) != 0,
            pausedByCreator: try row.decode(column: "paused_by_creator", as: Int.self) != 0,
            linkInBio: try row.decodeOptional(column: "link_in_bio", as: String.self),
            creatorID: try row.decodeOptional(column: "creator_id", as: String.self),
            creatorName: try row.decodeOptional(column: "creator_name", as: String.self),
            category: try row.decodeOptional(column: "category", as: String.self),
            metadata: Metadata.decode(try row.decode(column: "metadata", as: String.self)),
            addedAt: Timestamp(seconds: try row.decode(column: "added_at", as: Int64.self)),
            firstScrapeTime: try time("first_scrape_time"),
            lastScrapeTime: try time("last_scrape_time"),
            scrapeIntervalHours: try row.decode(column: "scrape_interval_hours", as: Int.self),
            followerCount: try row.decode(column: "follower_count", as: Int64.self),
            followingCount: try row.decode(column: "following_count", as: Int64.self),
            profilePostCount: try row.decode(column: "profile_post_count", as: Int64.self),
            totalPostCount: try row.decode(column: "total_post_count", as: Int64.self),
            viewCount: try row.decode(column: "view_count", as: Int64.self),
            likeCount: try row.decode(column: "like_count", as: Int64.self),
            commentCount: try row.decode(column: "comment_count", as: Int64.self),
            shareCount: try row.decode(column: "share_count", as: Int64.self),
            playCount: try row.decode(column: "play_count", as: Int64.self),
            savedCount: try row.decodeOptional(column: "saved_count", as: Int64.self),
            maxRecentPostsPerAccount: try row.decodeOptional(column: "max_recent_posts_per_account", as: Int.self),
            postLookbackDays: try row.decodeOptional(column: "post_lookback_days", as: Int.self),
            dataSource: try row.decode(column: "data_source", as: String.self))
        account.organizationMaxRecentPosts = try row.decode(column: "org_max_recent", as: Int.self)
        account.organizationLookbackDays = try row.decode(column: "org_lookback", as: Int.self)
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
