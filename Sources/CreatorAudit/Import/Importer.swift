// `creatoraudit import`: loads accounts, videos and snapshot history from an NDJSON or CSV file (SPEC §9)
// into one organization, in ONE transaction — a bad line rolls everything back. The file streams through:
// what stays in memory is the read buffer, one batch of snapshots, and the ids of the accounts and videos
// met so far (bounded by subjects, not by lines).
import Foundation
import SQLKit

struct Importer: Sendable {
    let database: Database
    let organizationID: OrganizationID
    /// Snapshots per `SnapshotWriter` call (it splits them into multi-row statements). Each batch is sorted by
    /// subject and time first, so it walks the snapshot indexes in order instead of jumping across them.
    static let batchSize = 20_000
    /// Progress is reported every this many records.
    static let progressEvery = 4_096

    enum Format: Sendable {
        case ndjson, csv

        /// By extension: `.ndjson` / `.jsonl` or `.csv`.
        init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "ndjson", "jsonl": self = .ndjson
            case "csv": self = .csv
            default: return nil
            }
        }
    }

    struct Counts: Sendable, Equatable {
        /// Created by this import (accounts and videos already tracked are referred to, not counted).
        var accounts = 0
        var videos = 0
        var snapshots = 0
        var records = 0
    }

    struct Progress: Sendable {
        var bytesRead: Int64
        var fileSize: Int64
        var records: Int
        var snapshots: Int
    }

    /// Imports `path`; throws `ImportError` for a bad line (nothing is stored then).
    func run(
        path: String, now: Timestamp = .now, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Counts {
        guard let format = Format(path: path) else { throw CLIError("\(path): the file name must end in .ndjson, .jsonl or .csv") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("cannot read \(path)") }
        return try await database.write { db in
            let reader = try LineReader(path: path)
            try await Self.prepare(database.engine, db)
            let session = ImportSession(database: database, organizationID: organizationID, db: db, now: now)
            try await session.loadLimits()
            var records: any ImportRecordReader = format == .csv ? try CSVRecords(reader: reader) : NDJSONRecords(reader: reader)
            while let line = try records.next() {
                try await session.apply(ImportRecord.parse(line, now: now), line: line.number)
                if session.counts.records % Self.progressEvery == 0 {
                    progress(Progress(bytesRead: reader.bytesRead, fileSize: reader.fileSize, records: session.counts.records,
                                      snapshots: session.counts.snapshots))
                }
            }
            try await session.finish()
            progress(Progress(bytesRead: reader.bytesRead, fileSize: reader.fileSize, records: session.counts.records,
                              snapshots: session.counts.snapshots))
            return session.counts
        }
    }
}

extension Importer {
    /// SQLite only: a larger page cache for the writer (64 MiB, bounded — memory stays flat), so a large
    /// transaction does not spill index pages to the WAL over and over (profiled: most of the import's time
    /// with the 2 MiB default). PostgreSQL manages its own buffers.
    static func prepare(_ engine: DatabaseEngine, _ db: any SQLDatabase) async throws {
        guard engine == .sqlite else { return }
        try await db.raw("PRAGMA cache_size = -65536").run()
    }
}

/// The state of one import inside its transaction.
private final class ImportSession {
    let database: Database
    let organizationID: OrganizationID
    let db: any SQLDatabase
    let now: Timestamp
    let writer = SnapshotWriter()
    var counts = Importer.Counts()
    /// `platform|username` → account id; `platform|external id` → video ids (an individual and an account video may share one).
    var accounts: [String: String] = [:]
    var videos: [String: [(id: VideoID, source: VideoSource)]] = [:]
    var touchedAccounts: Set<String> = []
    var touchedVideos: Set<VideoID> = []
    var accountBatch: [AccountSnapshot] = []
    var videoBatch: [VideoSnapshot] = []
    var quota: Int?
    var accountCount = 0

    init(database: Database, organizationID: OrganizationID, db: any SQLDatabase, now: Timestamp) {
        self.database = database
        self.organizationID = organizationID
        self.db = db
        self.now = now
    }

    var organization: String { organizationID.description }

    func loadLimits() async throws {
        quota = try await db.raw("SELECT account_quota FROM organizations WHERE id = \(bind: organization)").first()?
            .decodeOptional(column: "account_quota", as: Int.self)
        accountCount = try await db.raw("SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: organization)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func apply(_ record: ImportRecord, line: Int) async throws {
        counts.records += 1
        switch record {
        case let .account(platform, username, name, category, isVerified):
            guard try await accountID(platform, username) == nil else { return }
            if let quota, accountCount >= quota {
                throw ImportError(line: line, field: "username", reason: "the organization's account quota (\(quota)) is reached")
            }
            var account = Account.new(organizationID: organizationID, platform: platform, username: username, now: now)
            account.name = name
            account.category = category
            account.isVerified = isVerified ?? false
            account.dataSource = "import"
            try await AccountRepository(database: database).insert(account, in: db)
            accounts[platform.rawValue + "|" + username] = account.id.description
            accountCount += 1
            counts.accounts += 1

        case let .video(platform, identifier, accountName, createTime, description, mediaType, url):
            var accountID: String?
            if let accountName {
                accountID = try await self.accountID(platform, accountName)
                guard accountID != nil else {
                    throw ImportError(line: line, field: "account",
                                      reason: "no \(platform.rawValue) account with this username in the organization or earlier in the file")
                }
            }
            let source: VideoSource = accountID == nil ? .individual : .account
            let known = try await knownVideos(platform, identifier.externalID)
            // Already tracked this way: referred to, not created.
            if known.contains(where: { $0.source == source }) { return }
            var video = Video.new(
                organizationID: organizationID, platform: platform, source: source, externalID: identifier.externalID,
                url: url ?? Self.url(platform, identifier, username: accountName), now: now)
            video.shortcode = identifier.shortcode
            video.accountID = accountID
            video.accountUsername = accountName ?? identifier.accountUsername
            video.createTime = createTime
            video.description = description
            video.mediaType = mediaType
            video.dataSource = "import"
            try await VideoRepository(database: database).insert(video, in: db)
            videos[platform.rawValue + "|" + identifier.externalID] = known + [(video.id, source)]
            touchedVideos.insert(video.id)
            counts.videos += 1

        case let .accountSnapshot(platform, username, observedAt, followers, following, posts):
            guard let id = try await accountID(platform, username), let typedID = AccountID(id) else {
                throw ImportError(line: line, field: "account",
                                  reason: "no \(platform.rawValue) account with this username in the organization or earlier in the file")
            }
            accountBatch.append(AccountSnapshot(
                accountID: typedID, observedAt: observedAt, followerCount: followers, followingCount: following,
                profilePostCount: posts))
            touchedAccounts.insert(id)
            counts.snapshots += 1
            if accountBatch.count >= Importer.batchSize { try await flush() }

        case let .videoSnapshot(platform, externalID, observedAt, counters):
            let ids = try await knownVideos(platform, externalID).map(\.id)
            guard !ids.isEmpty else {
                throw ImportError(line: line, field: "video",
                                  reason: "no \(platform.rawValue) video with this id in the organization or earlier in the file")
            }
            for videoID in ids {
                videoBatch.append(VideoSnapshot(
                    videoID: videoID, observedAt: observedAt, viewCount: counters.viewCount, playCount: counters.playCount,
                    likeCount: counters.likeCount, commentCount: counters.commentCount, shareCount: counters.shareCount,
                    savedCount: counters.savedCount))
                touchedVideos.insert(videoID)
            }
            counts.snapshots += 1
            if videoBatch.count >= Importer.batchSize { try await flush() }
        }
    }

    func flush() async throws {
        accountBatch = accountBatch.map { ($0.accountID.description, $0) }
            .sorted { ($0.0, $0.1.observedAt) < ($1.0, $1.1.observedAt) }.map(\.1)
        videoBatch = videoBatch.map { ($0.videoID.description, $0) }
            .sorted { ($0.0, $0.1.observedAt) < ($1.0, $1.1.observedAt) }.map(\.1)
        if !accountBatch.isEmpty {
            try await writer.write(organizationID: organizationID, accounts: accountBatch, refreshLatest: false, in: db)
            accountBatch.removeAll(keepingCapacity: true)
        }
        if !videoBatch.isEmpty {
            try await writer.write(organizationID: organizationID, videos: videoBatch, refreshLatest: false, in: db)
            videoBatch.removeAll(keepingCapacity: true)
        }
    }

    /// The last batch, then the latest counters of everything touched, once.
    func finish() async throws {
        try await flush()
        try await writer.refreshLatest(organizationID: organizationID, accountIDs: Array(touchedAccounts), in: db)
        try await writer.refreshLatest(organizationID: organizationID, videoIDs: touchedVideos.map(\.description), in: db)
    }

    func accountID(_ platform: Platform, _ username: String) async throws -> String? {
        let key = platform.rawValue + "|" + username
        if let id = accounts[key] { return id }
        let row = try await db.raw("""
            SELECT id FROM accounts WHERE organization_id = \(bind: organization) AND platform = \(bind: platform.rawValue)
                AND username = \(bind: username)
            """).first()
        guard let id = try row?.decode(column: "id", as: String.self) else { return nil }
        accounts[key] = id
        return id
    }

    /// Every video of the organization with this platform id, tracked either way (from the database once, then
    /// kept up to date as the file adds videos).
    func knownVideos(_ platform: Platform, _ externalID: String) async throws -> [(id: VideoID, source: VideoSource)] {
        let key = platform.rawValue + "|" + externalID
        if let known = videos[key] { return known }
        let known = try await db.raw("""
            SELECT id, source FROM videos WHERE organization_id = \(bind: organization) AND platform = \(bind: platform.rawValue)
                AND external_id = \(bind: externalID) ORDER BY id
            """).all().compactMap { row -> (id: VideoID, source: VideoSource)? in
                guard let id = VideoID(try row.decode(column: "id", as: String.self)),
                      let source = VideoSource(rawValue: try row.decode(column: "source", as: String.self))
                else { return nil }
                return (id, source)
            }
        videos[key] = known
        return known
    }

    static func url(_ platform: Platform, _ identifier: VideoIdentifier, username: String?) -> String {
        if platform == .tiktok, let username, identifier.accountUsername == nil {
            return "https://www.tiktok.com/@\(username)/video/\(identifier.externalID)"
        }
        return identifier.url
    }
}
