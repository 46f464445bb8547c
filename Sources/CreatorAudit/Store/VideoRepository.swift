// Videos: tracked one by one (`individual`) or discovered on tracked accounts (`account`).
import Foundation
import SQLKit

public enum VideoSource: String, Sendable {
    case individual, account
}

public struct Video: Sendable {
    public var id: VideoID
    public var organizationID: OrganizationID
    public var platform: Platform
    public var source: VideoSource
    public var externalID: String
    public var shortcode: String?
    public var url: String
    public var accountID: String?
    public var accountUsername: String?
    public var description: String?
    public var createTime: Timestamp?
    public var mediaType: String?
    public var duration: Double?
    public var coverImageURL: String?
    public var isActive: Bool
    public var isUnavailable: Bool
    public var scrapeIntervalHours: Int
    public var metadata: [String: String]
    public var addedAt: Timestamp
    public var updatedAt: Timestamp
    public var firstScrapeTime: Timestamp?
    public var lastScrapeTime: Timestamp?
    public var viewCount: Int64?
    public var playCount: Int64?
    public var likeCount: Int64?
    public var commentCount: Int64?
    public var shareCount: Int64?
    public var savedCount: Int64?
    public var dataSource: String

    /// A new video: every counter null until its first refresh.
    static func new(
        organizationID: OrganizationID, platform: Platform, source: VideoSource, externalID: String, url: String,
        now: Timestamp = .now
    ) -> Video {
        Video(
            id: VideoID(), organizationID: organizationID, platform: platform, source: source, externalID: externalID,
            shortcode: nil, url: url, accountID: nil, accountUsername: nil, description: nil, createTime: nil,
            mediaType: nil, duration: nil, coverImageURL: nil, isActive: true, isUnavailable: false,
            scrapeIntervalHours: 24, metadata: [:], addedAt: now, updatedAt: now, firstScrapeTime: nil,
            lastScrapeTime: nil, viewCount: nil, playCount: nil, likeCount: nil, commentCount: nil, shareCount: nil,
            savedCount: nil, dataSource: "sandbox")
    }

    var engagementRate: Double? {
        EngagementRate.compute(likes: likeCount, comments: commentCount, shares: shareCount, views: viewCount, plays: playCount)
    }
}

struct VideoFilters: Sendable {
    var platform: String?
    var accountID: String?
    var isActive: Bool?
    var query: String?
}

public struct VideoRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    func find(organizationID: OrganizationID, id: VideoID, source: VideoSource, in db: any SQLDatabase) async throws -> Video? {
        try await db.raw("""
            SELECT v.* FROM videos v WHERE v.organization_id = \(bind: organizationID.description)
                AND v.id = \(bind: id.description) AND v.source = \(bind: source.rawValue)
            """).first().map(Self.decode)
    }

    public func find(organizationID: OrganizationID, id: VideoID, source: VideoSource) async throws -> Video? {
        try await database.read { db in try await find(organizationID: organizationID, id: id, source: source, in: db) }
    }

    func exists(organizationID: OrganizationID, source: VideoSource, platform: Platform, externalID: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM videos WHERE organization_id = \(bind: organizationID.description) AND source = \(bind: source.rawValue)
                AND platform = \(bind: platform.rawValue) AND external_id = \(bind: externalID)
            """).first() != nil
    }

    /// Inserts a video (individual from the API, or discovered by a refresh / import).
    public func insert(_ video: Video, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO videos (id, organization_id, platform, source, external_id, shortcode, url, account_id,
                account_username, description, create_time, media_type, duration, cover_image_url, is_active, is_unavailable,
                scrape_interval_hours, metadata, added_at, updated_at, first_scrape_time, last_scrape_time, next_refresh_at,
                view_count, play_count, like_count, comment_count, share_count, saved_count, data_source)
            VALUES (\(bind: video.id.description), \(bind: video.organizationID.description), \(bind: video.platform.rawValue),
                \(bind: video.source.rawValue), \(bind: video.externalID), \(bind: video.shortcode), \(bind: video.url),
                \(bind: video.accountID), \(bind: video.accountUsername), \(bind: video.description),
                \(bind: video.createTime?.seconds), \(bind: video.mediaType), \(bind: video.duration),
                \(bind: video.coverImageURL), \(bind: video.isActive ? 1 : 0), \(bind: video.isUnavailable ? 1 : 0),
                \(bind: video.scrapeIntervalHours), \(bind: Metadata.encode(video.metadata)), \(bind: video.addedAt.seconds),
                \(bind: video.updatedAt.seconds), \(bind: video.firstScrapeTime?.seconds), \(bind: video.lastScrapeTime?.seconds),
                \(bind: video.addedAt.seconds), \(bind: video.viewCount), \(bind: video.playCount), \(bind: video.likeCount),
                \(bind: video.commentCount), \(bind: video.shareCount), \(bind: video.savedCount), \(bind: video.dataSource))
            """).run()
        var counted = DailyContributions()  // the overview's video counts (Store/OrganizationDaily.swift)
        counted.countVideo(source: video.source, addedAt: video.addedAt, sign: 1)
        try await counted.apply(organizationID: video.organizationID, in: db)
    }

    func saveSettings(_ video: Video, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE videos SET metadata = \(bind: Metadata.encode(video.metadata)), is_active = \(bind: video.isActive ? 1 : 0),
                scrape_interval_hours = \(bind: video.scrapeIntervalHours), updated_at = \(bind: Timestamp.now.seconds)
            WHERE organization_id = \(bind: video.organizationID.description) AND id = \(bind: video.id.description)
            """).run()
    }

    func delete(organizationID: OrganizationID, id: VideoID, source: VideoSource, in db: any SQLDatabase) async throws -> Bool {
        guard try await find(organizationID: organizationID, id: id, source: source, in: db) != nil else { return false }
        try await OrganizationDaily.remove(organizationID: organizationID, videoIDs: [id.description], in: db)
        try await db.raw("DELETE FROM videos WHERE organization_id = \(bind: organizationID.description) AND id = \(bind: id.description)").run()
        return true
    }

    func whereClause(organizationID: OrganizationID, source: VideoSource, _ filters: VideoFilters) -> SQLQueryString {
        var clause: SQLQueryString = " WHERE v.organization_id = \(bind: organizationID.description) AND v.source = \(bind: source.rawValue)"
        if let platform = filters.platform { clause = clause + " AND v.platform = \(bind: platform)" }
        if let accountID = filters.accountID { clause = clause + " AND v.account_id = \(bind: accountID)" }
        if let isActive = filters.isActive { clause = clause + " AND v.is_active = \(bind: isActive ? 1 : 0)" }
        if let query = filters.query {
            clause = clause + " AND LOWER(v.description) LIKE \(bind: Like.contains(query.lowercased())) ESCAPE '\\'"
        }
        return clause
    }

    func page(organizationID: OrganizationID, source: VideoSource, filters: VideoFilters, page: PageRequest) async throws -> (rows: [any SQLRow], total: Int?) {
        try await database.read { db in
            let condition = whereClause(organizationID: organizationID, source: source, filters)
            let rows = try await db.raw("SELECT v.* FROM videos v" + condition + page.keysetCondition(alias: "v")
                + page.orderClause(alias: "v") + " LIMIT \(bind: page.limit + 1)").all()
            var total: Int?
            if page.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM videos v" + condition).first()?.decode(column: "n", as: Int.self)
            }
            return (rows, total)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Video {
        func time(_ column: String) throws -> Timestamp? {
            try row.decodeOptional(column: column, as: Int64.self).map(Timestamp.init(seconds:))
        }
        return Video(
            id: VideoID(try row.decode(column: "id", as: String.self)) ?? VideoID(),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)) ?? OrganizationID(),
            platform: Platform(rawValue: try row.decode(column: "platform", as: String.self)) ?? .instagram,
            source: VideoSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .individual,
            externalID: try row.decode(column: "external_id", as: String.self),
            shortcode: try row.decodeOptional(column: "shortcode", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            accountID: try row.decodeOptional(column: "account_id", as: String.self),
            accountUsername: try row.decodeOptional(column: "account_username", as: String.self),
            description: try row.decodeOptional(column: "description", as: String.self),
            createTime: try time("create_time"),
            mediaType: try row.decodeOptional(column: "media_type", as: String.self),
            duration: try row.decodeOptional(column: "duration", as: Double.self),
            coverImageURL: try row.decodeOptional(column: "cover_image_url", as: String.self),
            isActive: try row.decode(column: "is_active", as: Int.self) != 0,
            isUnavailable: try row.decode(column: "is_unavailable", as: Int.self) != 0,
            scrapeIntervalHours: try row.decode(column: "scrape_interval_hours", as: Int.self),
            metadata: Metadata.decode(try row.decode(column: "metadata", as: String.self)),
            addedAt: Timestamp(seconds: try row.decode(column: "added_at", as: Int64.self)),
            updatedAt: Timestamp(seconds: try row.decode(column: "updated_at", as: Int64.self)),
            firstScrapeTime: try time("first_scrape_time"),
            lastScrapeTime: try time("last_scrape_time"),
            viewCount: try row.decodeOptional(column: "view_count", as: Int64.self),
            playCount: try row.decodeOptional(column: "play_count", as: Int64.self),
            likeCount: try row.decodeOptional(column: "like_count", as: Int64.self),
            commentCount: try row.decodeOptional(column: "comment_count", as: Int64.self),
            shareCount: try row.decodeOptional(column: "share_count", as: Int64.self),
            savedCount: try row.decodeOptional(column: "saved_count", as: Int64.self),
            dataSource: try row.decode(column: "data_source", as: String.self))
    }
}
