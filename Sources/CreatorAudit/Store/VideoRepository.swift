// Videos of one organization (the tenant store's `videos`): tracked one by one (`individual`) or discovered on
// tracked accounts (`account`).
import Foundation
import SQLKit

struct VideoFilters: Sendable {
    var platform: String?
    var accountID: String?
    var isActive: Bool?
    var query: String?
}

public struct VideoRepository: Sendable {
    let tenant: TenantStore

    static let sortOptions: [SortOption] = [
        SortOption(name: "added_at", column: "added_at", kind: .integer, nullable: false),
        SortOption(name: "create_time", column: "create_time", kind: .integer, nullable: true),
        SortOption(name: "view_count", column: "view_count", kind: .integer, nullable: true),
        SortOption(name: "like_count", column: "like_count", kind: .integer, nullable: true),
        SortOption(name: "play_count", column: "play_count", kind: .integer, nullable: true),
    ]

    func find(_ id: VideoID, source: VideoSource, in db: any SQLDatabase) async throws -> Video? {
        try await db.raw("""
            SELECT v.* FROM videos v WHERE v.organization_id = \(bind: tenant.id)
                AND v.id = \(bind: id.description) AND v.source = \(bind: source.rawValue)
            """).first().map(Self.decode)
    }

    public func find(_ id: VideoID, source: VideoSource) async throws -> Video? {
        try await tenant.read { db in try await find(id, source: source, in: db) }
    }

    func require(_ id: VideoID, source: VideoSource, in db: any SQLDatabase) async throws -> Video {
        guard let video = try await find(id, source: source, in: db) else { throw DomainError.notFound("video") }
        return video
    }

    func exists(source: VideoSource, platform: Platform, externalID: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM videos WHERE organization_id = \(bind: tenant.id) AND source = \(bind: source.rawValue)
                AND platform = \(bind: platform.rawValue) AND external_id = \(bind: externalID)
            """).first() != nil
    }

    /// Every video of the organization with this platform id, tracked either way (an individual and an account video
    /// may share one).
    func tracked(platform: Platform, externalID: String, in db: any SQLDatabase) async throws -> [(id: VideoID, source: VideoSource)] {
        try await db.raw("""
            SELECT id, source FROM videos WHERE organization_id = \(bind: tenant.id) AND platform = \(bind: platform.rawValue)
                AND external_id = \(bind: externalID) ORDER BY id
            """).all().map { row in
                let r = row.reader("videos")
                return (try r.id("id"), try r.choice("source"))
            }
    }

    /// Our ids of the organization's videos of `source` on `platform` with these platform ids (`external_id`), by
    /// platform id; ids it does not have are left out (`POST /v2/account-videos/metrics` with platform post ids).
    func ids(source: VideoSource, platform: Platform, externalIDs: [String]) async throws -> [String: VideoID] {
        guard !externalIDs.isEmpty else { return [:] }
        return try await tenant.read { db in
            var found: [String: VideoID] = [:]
            for chunk in externalIDs.chunked(200) {
                let rows = try await db.raw("""
                    SELECT id, external_id FROM videos WHERE organization_id = \(bind: tenant.id)
                        AND source = \(bind: source.rawValue) AND platform = \(bind: platform.rawValue)
                        AND external_id IN (\(binds: Array(chunk)))
                    """).all()
                for row in rows {
                    let r = row.reader("videos")
                    found[try r.string("external_id")] = try r.id("id")
                }
            }
            return found
        }
    }

    /// Tracks an individual video; the same platform video twice is a conflict.
    func create(_ video: Video) async throws -> Video {
        do {
            let created = try await tenant.write { db -> Video in
                if try await exists(source: video.source, platform: video.platform, externalID: video.externalID, in: db) {
                    throw DomainError.conflict("This video is already tracked.")
                }
                try await insert(video, in: db)
                return try await require(video.id, source: video.source, in: db)
            }
            // Its first refresh is due at once (docs/collection.md, "Refreshing").
            await tenant.database.dueWorkAdded()
            return created
        } catch let error where !(error is DomainError) {
            // A concurrent create of the same video got past `exists` first; the unique index refused this one.
            if try await tenant.read({ db in
                try await exists(source: video.source, platform: video.platform, externalID: video.externalID, in: db)
            }) { throw DomainError.conflict("This video is already tracked.") }
            throw error
        }
    }

    /// Inserts a video (individual from the API, or discovered by a refresh / import) and counts it in the
    /// video counts of the organization's (and its account's) levels.
    public func insert(_ video: Video, in db: any SQLDatabase) async throws {
        var changes = LevelChanges()
        try await insert(video, countingInto: &changes, in: db)
        try await tenant.levels.apply(changes, in: db)
    }

    /// Inserts a video and adds it to `changes`' video counts, for the caller to apply at the end of its
    /// transaction (see `SnapshotWriter.write(videos:refreshLatest:addingLevelChangesTo:in:)`).
    func insert(
        _ video: Video, countingInto changes: inout LevelChanges, in db: any SQLDatabase
    ) async throws {
        try await insert([video], countingInto: &changes, in: db)
    }

    /// Inserts videos with one multi-row statement per chunk (a refresh discovers up to its post cap at once, an
    /// import or the demo thousands; one statement each was 30 round trips per first refresh), counting each. A
    /// video is due at once unless its `collection` says when (a post first seen by a refresh comes with its first
    /// counters and its next due time: `Refresher`).
    func insert(
        _ videos: [Video], countingInto changes: inout LevelChanges, in db: any SQLDatabase
    ) async throws {
        for chunk in videos.chunked(300) {
            try await db.raw("""
                INSERT INTO videos (id, organization_id, platform, source, external_id, shortcode, url, account_id,
                    account_username, description, create_time, media_type, duration, cover_image_url, is_active, is_unavailable,
                    scrape_interval_hours, metadata, added_at, updated_at, first_scrape_time, last_scrape_time, next_refresh_at,
                    view_count, play_count, like_count, comment_count, share_count, saved_count, data_source,
                    last_attempt_at, collection_state)
                VALUES \(VideoInsertRows(organizationID: tenant.id, videos: chunk))
                """).run()
        }
        for video in videos {
            var counted = DailyContributions()
            counted.countVideo(source: video.source, addedAt: video.addedAt, sign: 1)
            changes.add(counted, video: video.ref)
        }
    }

    func saveSettings(_ video: Video, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE videos SET metadata = \(bind: Metadata.encode(video.metadata)), is_active = \(bind: video.isActive ? 1 : 0),
                scrape_interval_hours = \(bind: video.scrapeIntervalHours), updated_at = \(bind: Timestamp.now.seconds),
                next_refresh_at = \(AccountRepository.rescheduled(intervalHours: video.scrapeIntervalHours))
            WHERE organization_id = \(bind: tenant.id) AND id = \(bind: video.id.description)
            """).run()
    }

    /// Reads the video, applies `change` and saves its settings, in one transaction.
    func update(_ id: VideoID, source: VideoSource, _ change: @escaping @Sendable (inout Video) -> Void) async throws -> Video {
        let updated = try await tenant.write { db in
            var video = try await require(id, source: source, in: db)
            change(&video)
            try await saveSettings(video, in: db)
            return try await require(id, source: source, in: db)
        }
        // Resumed, or due earlier: the collector looks again.
        await tenant.database.dueWorkAdded()
        return updated
    }

    /// Deletes the video with its snapshots and rollups; the organization's daily amounts lose its contributions.
    func delete(_ id: VideoID, source: VideoSource) async throws -> Bool {
        try await tenant.write { db in
            guard try await find(id, source: source, in: db) != nil else { return false }
            try await deleteWithHistory([id.description], in: db)
            return true
        }
    }

    /// Takes the videos' contributions out of the levels, then deletes their rollups, snapshots and rows.
    func deleteWithHistory(_ ids: [String], in db: any SQLDatabase) async throws {
        for chunk in ids.chunked(200) {
            let ids = Array(chunk)
            try await tenant.rollups.removeContributions(videoIDs: ids, in: db)
            for table in ["video_daily", "video_snapshots"] {
                try await db.raw("""
                    DELETE FROM \(unsafeRaw: table) WHERE organization_id = \(bind: tenant.id) AND video_id IN (\(binds: ids))
                    """).run()
            }
            // The ids drive the lookup: with `organization_id = ? AND id IN (…)` SQLite walked the organization's videos.
            try await db.raw("""
                DELETE FROM videos WHERE id IN (SELECT v.id FROM \(RollupRepository.idList(ids)) CROSS JOIN videos v
                    WHERE v.id = ids.column1 AND v.organization_id = \(bind: tenant.id))
                """).run()
        }
    }

    func whereClause(source: VideoSource, _ filters: VideoFilters) -> SQLQueryString {
        var clause: SQLQueryString = " WHERE v.organization_id = \(bind: tenant.id) AND v.source = \(bind: source.rawValue)"
        if let platform = filters.platform { clause = clause + " AND v.platform = \(bind: platform)" }
        if let accountID = filters.accountID { clause = clause + " AND v.account_id = \(bind: accountID)" }
        if let isActive = filters.isActive { clause = clause + " AND v.is_active = \(bind: isActive ? 1 : 0)" }
        if let query = filters.query {
            clause = clause + " AND LOWER(v.description) LIKE \(bind: Like.contains(query.lowercased())) ESCAPE '\\'"
        }
        return clause
    }

    func page(source: VideoSource, _ filters: VideoFilters, _ query: PageQuery) async throws -> PageResult<Video> {
        try await tenant.read { db in
            let condition = whereClause(source: source, filters)
            let rows = try await db.raw("SELECT v.* FROM videos v" + condition + query.keysetCondition(alias: "v")
                + query.orderClause(alias: "v") + query.limitClause).all()
            var total: Int?
            if query.includeTotal {
                total = try await db.raw("SELECT COUNT(*) AS n FROM videos v" + condition).first()?.reader("videos").int("n")
            }
            return try query.result(rows: rows, table: "videos", total: total, decode: Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Video {
        let r = row.reader("videos")
        var video = Video(
            id: try r.id("id"), organizationID: try r.id("organization_id"), platform: try r.choice("platform"),
            source: try r.choice("source"), externalID: try r.string("external_id"),
            shortcode: try r.optionalString("shortcode"), url: try r.string("url"),
            accountID: try r.optionalID("account_id"), accountUsername: try r.optionalString("account_username"),
            description: try r.optionalString("description"), createTime: try r.optionalTimestamp("create_time"),
            mediaType: try r.optionalString("media_type"), duration: try r.optional("duration", as: Double.self),
            coverImageURL: try r.optionalString("cover_image_url"), isActive: try r.flag("is_active"),
            isUnavailable: try r.flag("is_unavailable"), scrapeIntervalHours: try r.int("scrape_interval_hours"),
            metadata: try r.metadata("metadata"), addedAt: try r.timestamp("added_at"),
            updatedAt: try r.timestamp("updated_at"), firstScrapeTime: try r.optionalTimestamp("first_scrape_time"),
            lastScrapeTime: try r.optionalTimestamp("last_scrape_time"), counters: try r.counters(),
            dataSource: try r.string("data_source"))
        video.collection = try r.collection()
        return video
    }
}

/// The `VALUES` rows of a multi-row videos INSERT, written straight into the statement (a row is some twenty pieces of
/// text and binds; as interpolations of one `SQLQueryString`, each became a boxed fragment of its own, then was
/// serialized — a good part of a collector batch's work on the SQLite writer, docs/collection.md, "Throughput").
/// Numbers, ids and the enums' fixed words go in as SQL text (SnapshotWriter: typed values only, nothing can be
/// injected); the texts a platform or a client sent are binds — 10 a row, so 300 rows stay under both engines' bind
/// limits.
private struct VideoInsertRows: SQLExpression {
    let organizationID: String
    let videos: ArraySlice<Video>

    func serialize(to serializer: inout SQLSerializer) {
        // Piece by piece into the statement's text (`a + b + …` built a new string at every `+`).
        func raw(_ text: String) { serializer.write(text) }
        func number(_ value: Int64?) {
            if let value { raw(String(value)) } else { raw("NULL") }
        }
        func id(_ value: String?) {
            guard let value else { return raw("NULL") }
            raw("'")
            raw(value)
            raw("'")
        }
        func bind(_ value: (any Encodable & Sendable)?) {
            if let value { serializer.write(bind: value) } else { raw("NULL") }
        }
        for (index, video) in videos.enumerated() {
            let c = video.counters
            raw(index == 0 ? "(" : ", (")
            id(video.id.description)
            raw(", ")
            id(organizationID)
            raw(", '")
            raw(video.platform.rawValue)
            raw("', '")
            raw(video.source.rawValue)
            raw("', ")
            bind(video.externalID)
            raw(", ")
            bind(video.shortcode)
            raw(", ")
            bind(video.url)
            raw(", ")
            id(video.accountID?.description)
            raw(", ")
            bind(video.accountUsername)
            raw(", ")
            bind(video.description)
            raw(", ")
            number(video.createTime?.seconds)
            raw(", ")
            bind(video.mediaType)
            raw(", ")
            bind(video.duration)
            raw(", ")
            bind(video.coverImageURL)
            raw(video.isActive ? ", 1, " : ", 0, ")
            raw(video.isUnavailable ? "1, " : "0, ")
            raw(String(video.scrapeIntervalHours))
            raw(", ")
            bind(Metadata.encode(video.metadata))
            for value in [
                video.addedAt.seconds, video.updatedAt.seconds, video.firstScrapeTime?.seconds,
                video.lastScrapeTime?.seconds, (video.collection.nextRefreshAt ?? video.addedAt).seconds, c.views,
                c.plays, c.likes, c.comments, c.shares, c.saves,
            ] {
                raw(", ")
                number(value)
            }
            raw(", ")
            bind(video.dataSource)
            raw(", ")
            number(video.collection.lastAttemptAt?.seconds)
            raw(", ")
            if let outcome = video.collection.outcome { id(outcome.rawValue) } else { raw("NULL") }
            raw(")")
        }
    }
}
