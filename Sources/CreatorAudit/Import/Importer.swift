// `creatoraudit import`: loads accounts, videos and snapshot history from an NDJSON or CSV file (README, "Import
// format") into one organization, in ONE transaction — a bad line rolls everything back. The file streams through:
// what stays in memory is the read buffer, one batch of snapshots, and the ids of the accounts and videos
// met so far (bounded by subjects, not by lines).
import Foundation
import SQLKit

/// A file the import cannot read at all (as opposed to a bad line, `ImportError`).
struct ImportFileError: Error, CustomStringConvertible, Equatable {
    let description: String
}

struct Importer: Sendable {
    /// The organization the file is loaded into.
    let store: TenantStore
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
        /// Snapshot lines read.
        var snapshots = 0
        /// Snapshots stored by this import, and those the organization had already (the same subject and instant):
        /// a re-imported file adds nothing. A line for a video tracked both individually and from its account
        /// stores one snapshot for each.
        var snapshotsNew = 0
        var snapshotsAlreadyPresent = 0
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
        guard let format = Format(path: path) else {
            throw ImportFileError(description: "\(path): the file name must end in .ndjson, .jsonl or .csv")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ImportFileError(description: "cannot read \(path)") }
        let store = self.store
        return try await store.write { db in
            let reader = try LineReader(path: path)
            try await store.prepareBulkWrite(in: db)
            let session = ImportSession(store: store, db: db, now: now)
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

/// The state of one import inside its transaction.
private final class ImportSession {
    let store: TenantStore
    let db: any SQLDatabase
    let now: Timestamp
    var writer: SnapshotWriter { store.snapshots }
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

    init(store: TenantStore, db: any SQLDatabase, now: Timestamp) {
        self.store = store
        self.db = db
        self.now = now
    }

    func loadLimits() async throws {
        quota = try await store.organization.accountQuota(store.organizationID, in: db)
        accountCount = try await store.accounts.count(in: db)
    }

    func apply(_ record: ImportRecord, line: Int) async throws {
        counts.records += 1
        switch record {
        case let .account(platform, username, name, category, isVerified):
            guard try await accountID(platform, username) == nil else { return }
            if let quota, accountCount >= quota {
                throw ImportError(line: line, field: "username", reason: "the organization's account quota (\(quota)) is reached")
            }
            var account = Account.new(organizationID: store.organizationID, platform: platform, username: username, now: now)
            account.name = name
            account.category = category
            account.isVerified = isVerified ?? false
            account.dataSource = "import"
            try await store.accounts.insert(account, in: db)
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
                organizationID: store.organizationID, platform: platform, source: source, externalID: identifier.externalID,
                url: url ?? Self.url(platform, identifier, username: accountName), now: now)
            video.shortcode = identifier.shortcode
            video.accountID = accountID.flatMap(AccountID.init)
            video.accountUsername = accountName ?? identifier.accountUsername
            video.createTime = createTime
            video.description = description
            video.mediaType = mediaType
            video.dataSource = "import"
            try await store.videos.insert(video, in: db)
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
                videoBatch.append(VideoSnapshot(videoID: videoID, observedAt: observedAt, counters: counters))
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
            let added = try await writer.write(accounts: accountBatch, refreshLatest: false, in: db)
            counts.snapshotsNew += added
            counts.snapshotsAlreadyPresent += accountBatch.count - added
            accountBatch.removeAll(keepingCapacity: true)
        }
        if !videoBatch.isEmpty {
            let added = try await writer.write(videos: videoBatch, refreshLatest: false, in: db)
            counts.snapshotsNew += added
            counts.snapshotsAlreadyPresent += videoBatch.count - added
            videoBatch.removeAll(keepingCapacity: true)
        }
    }

    /// The last batch, then the latest counters of everything touched, once.
    func finish() async throws {
        try await flush()
        try await writer.refreshLatest(accountIDs: Array(touchedAccounts), in: db)
        try await writer.refreshLatest(videoIDs: touchedVideos.map(\.description), in: db)
    }

    func accountID(_ platform: Platform, _ username: String) async throws -> String? {
        let key = platform.rawValue + "|" + username
        if let id = accounts[key] { return id }
        guard let id = try await store.accounts.id(platform: platform, username: username, in: db) else { return nil }
        accounts[key] = id
        return id
    }

    /// Every video of the organization with this platform id, tracked either way (from the database once, then
    /// kept up to date as the file adds videos).
    func knownVideos(_ platform: Platform, _ externalID: String) async throws -> [(id: VideoID, source: VideoSource)] {
        let key = platform.rawValue + "|" + externalID
        if let known = videos[key] { return known }
        let known = try await store.videos.tracked(platform: platform, externalID: externalID, in: db)
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

// MARK: Records that do not come from a file (push ingestion, `POST /v2/snapshots`)

extension Importer {
    /// One NDJSON line checked as an import record, exactly as `import` checks it; nil for a blank line.
    /// Throws `ImportError` naming line `number`.
    static func record(ndjsonLine bytes: [UInt8], number: Int, now: Timestamp) throws -> ImportRecord? {
        var parser = FlatJSONParser(bytes: bytes, line: number)
        guard !parser.isBlank else { return nil }
        return try ImportRecord.parse(ImportLine(number: number, fields: try parser.object()), now: now)
    }

    /// Stores records already checked, in one transaction: all or nothing. Throws `ImportError` (with the record's
    /// line) for one that does not fit the organization — an account it does not track, the account quota.
    func store(_ records: [(record: ImportRecord, line: Int)], now: Timestamp) async throws -> Counts {
        let store = self.store
        return try await store.write { db in
            let session = ImportSession(store: store, db: db, now: now)
            try await session.loadLimits()
            for (record, line) in records { try await session.apply(record, line: line) }
            try await session.finish()
            return session.counts
        }
    }
}
