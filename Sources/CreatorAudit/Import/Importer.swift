// `creatoraudit import`: loads accounts, videos and snapshot history from an NDJSON or CSV file into one
// organization — all or nothing, without holding the database's write lock for long (README, "Import format").
// Two passes over the streamed file:
// 1. check (ImportPlan): every record parsed and every reference resolved, with reads only. A bad line stops
//    the import here and nothing is stored.
// 2. apply: the new accounts, then the new videos, then the snapshots in file order, then the latest counters,
//    in short transactions (sized to ~50 ms each; on SQLite a short pause after each lets other processes'
//    writers in). Each transaction also moves the import's journal row (ImportJournal), so a crash or an
//    outage half-way leaves a resumable import: the same command on the same file finishes it.
// Other readers may see a partly applied file meanwhile; a file that fails its check is never applied at all.
// Every write goes through the organization's `TenantStore` (the snapshot writer keeps the levels exact in each
// transaction). Push ingestion (`POST /v2/snapshots`, `store(_:now:)`) checks and stores its records in ONE
// transaction instead: a request is small, and all or nothing is its contract.
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// A file the import cannot read at all (as opposed to a bad line, `ImportError`).
struct ImportFileError: Error, CustomStringConvertible, Equatable {
    let description: String
}

struct Importer: Sendable {
    /// The organization the file is loaded into.
    let store: TenantStore
    /// How long one apply transaction should take; batch sizes follow the measured durations.
    static let transactionTarget: Duration = .milliseconds(50)
    /// SQLite: after each transaction, time for another process waiting for the write lock (it polls every few ms).
    static let pauseBetweenTransactions: Duration = .milliseconds(5)
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
        /// Created by this import (accounts and videos already tracked are referred to, not counted); a resumed
        /// import counts what its earlier runs created too.
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
        /// How long each apply transaction of this run took (what another writer may have waited for).
        var transactionTimes: [Duration] = []
        var transactions: Int { transactionTimes.count }
        var longestTransaction: Duration { transactionTimes.max() ?? .zero }
        /// Records already applied by an earlier, interrupted run of the same file (nil: a fresh import).
        var resumedAfter: Int?
    }

    struct Progress: Sendable {
        enum Phase: Sendable { case checking, applying }
        var phase: Phase
        var bytesRead: Int64
        var fileSize: Int64
        var records: Int
        var snapshots: Int
    }

    /// Imports `path`; throws `ImportError` for a bad line (nothing is stored then) and `ImportInterrupted` when
    /// applying failed half-way (run again to resume).
    func run(
        path: String, now: Timestamp = .now, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Counts {
        guard let format = Format(path: path) else {
            throw ImportFileError(description: "\(path): the file name must end in .ndjson, .jsonl or .csv")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ImportFileError(description: "cannot read \(path)")
        }
        let journal = ImportJournal(store: store, fileDigest: try ImportJournal.digest(ofFile: path))
        let earlier = try await journal.unfinished()

        // 1. Check the whole file.
        let plan = ImportPlan(store: store, now: now)
        try await plan.loadLimits()
        try await Self.forEachRecord(path, format) { line, _, reader in
            try await plan.check(ImportRecord.parse(line, now: now), line: line.number)
            if plan.records % Self.progressEvery == 0 {
                progress(Progress(phase: .checking, bytesRead: reader.bytesRead, fileSize: reader.fileSize,
                                  records: plan.records, snapshots: plan.snapshots))
            }
        }

        // 2. Apply it.
        let applier = ImportApplier(
            store: store, journal: journal,
            fileName: (path as NSString).lastPathComponent, entry: earlier ?? journal.start())
        do {
            try await applier.insert(accounts: plan.newAccounts, videos: plan.newVideos)
            try await Self.forEachRecord(path, format) { line, ordinal, reader in
                guard ordinal >= applier.entry.nextRecord else { return }
                try await applier.add(ImportRecord.parse(line, now: now), ordinal: ordinal, plan: plan)
                if (ordinal + 1) % Self.progressEvery == 0 {
                    progress(Progress(phase: .applying, bytesRead: reader.bytesRead, fileSize: reader.fileSize,
                                      records: ordinal + 1, snapshots: applier.entry.snapshots))
                }
            }
            try await applier.flush(nextRecord: plan.records)
            try await applier.refreshLatest(accountIDs: plan.touchedAccounts.sorted(),
                                            videoIDs: plan.touchedVideos.map(\.description).sorted())
            try await applier.finish()
        } catch {
            throw ImportInterrupted(recordsApplied: applier.entry.nextRecord, underlying: error)
        }
        progress(Progress(phase: .applying, bytesRead: 1, fileSize: 1, records: plan.records,
                          snapshots: applier.entry.snapshots))
        var counts = applier.counts
        counts.accounts = applier.entry.accounts
        counts.videos = applier.entry.videos
        counts.snapshots = applier.entry.snapshots
        counts.records = plan.records
        counts.resumedAfter = earlier?.nextRecord
        return counts
    }

    /// Every record of the file in order, with its 0-based ordinal.
    static func forEachRecord(
        _ path: String, _ format: Format, _ body: (ImportLine, Int, LineReader) async throws -> Void
    ) async throws {
        let reader = try LineReader(path: path)
        var records: any ImportRecordReader
        records = format == .csv ? try CSVRecords(reader: reader) : NDJSONRecords(reader: reader)
        var ordinal = 0
        while let line = try records.next() {
            try await body(line, ordinal, reader)
            ordinal += 1
        }
    }
}

/// Applying failed after the file was checked: what is stored so far is recorded in the journal, and running the
/// same import again resumes after it.
struct ImportInterrupted: Error, CustomStringConvertible {
    let recordsApplied: Int
    let underlying: any Error

    var description: String {
        let cause = (underlying as? DatabaseUnavailable)?.description ?? String(describing: type(of: underlying))
        return "the import stopped after \(recordsApplied) records were applied (\(cause)); "
            + "run the same command again to finish it"
    }
}

/// The second pass's writes, in short journaled transactions.
private final class ImportApplier {
    let store: TenantStore
    let journal: ImportJournal
    let fileName: String
    private(set) var entry: ImportJournal.Entry
    private(set) var counts = Importer.Counts()
    private var accountBatch: [AccountSnapshot] = []
    private var videoBatch: [VideoSnapshot] = []
    private var pendingSnapshots = 0
    /// Snapshot rows per transaction; starts small and follows `Importer.transactionTarget`.
    private var batchSize = 500

    init(store: TenantStore, journal: ImportJournal, fileName: String, entry: ImportJournal.Entry) {
        self.store = store
        self.journal = journal
        self.fileName = fileName
        self.entry = entry
    }

    /// One apply transaction, timed; the journal row is saved in it as `entry` says.
    private func transaction(
        _ entry: ImportJournal.Entry, done: Bool = false,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void
    ) async throws -> Duration {
        if counts.transactions > 0, store.database.engine == .sqlite {
            try await Task.sleep(for: Importer.pauseBetweenTransactions)
        }
        let (store, journal, fileName) = (self.store, self.journal, self.fileName)
        let first = counts.transactions == 0
        let started = ContinuousClock.now
        try await store.write { db in
            if first { try await store.prepareBulkWrite(in: db) }
            try await body(db)
            try await journal.save(entry, fileName: fileName, done: done, in: db)
        }
        let elapsed = started.duration(to: .now)
        self.entry = entry
        counts.transactionTimes.append(elapsed)
        return elapsed
    }

    /// A batch size scaled towards the target duration (at most ×2 or ÷4 at a time).
    private static func adapt(_ size: Int, took elapsed: Duration, range: ClosedRange<Int>) -> Int {
        let ratio = Importer.transactionTarget / max(elapsed, .milliseconds(1))
        return min(range.upperBound, max(range.lowerBound, Int(Double(size) * min(2, max(0.25, ratio)))))
    }

    func insert(accounts: [Account], videos: [Video]) async throws {
        var size = 50
        var index = 0
        while index < accounts.count {
            let chunk = Array(accounts[index..<min(index + size, accounts.count)])
            var next = entry
            next.accounts += chunk.count
            let repository = store.accounts
            let elapsed = try await transaction(next) { db in
                for account in chunk { try await repository.insert(account, in: db) }
            }
            index += chunk.count
            size = Self.adapt(size, took: elapsed, range: 20...5_000)
        }
        size = 50
        index = 0
        while index < videos.count {
            let chunk = Array(videos[index..<min(index + size, videos.count)])
            var next = entry
            next.videos += chunk.count
            let repository = store.videos
            let levels = store.levels
            let elapsed = try await transaction(next) { db in
                // The chunk's video counts go to the levels at once (each insert alone rewrites later days).
                var changes = LevelChanges()
                try await repository.insert(Array(chunk), countingInto: &changes, in: db)
                try await levels.apply(changes, in: db)
            }
            index += chunk.count
            size = Self.adapt(size, took: elapsed, range: 20...5_000)
        }
    }

    /// Queues the snapshots of one (checked) record; writes a batch when it is full.
    func add(_ record: ImportRecord, ordinal: Int, plan: ImportPlan) async throws {
        let snapshots = plan.snapshots(of: record)
        guard !snapshots.accounts.isEmpty || !snapshots.videos.isEmpty else { return }
        accountBatch += snapshots.accounts
        videoBatch += snapshots.videos
        pendingSnapshots += 1
        if accountBatch.count + videoBatch.count >= batchSize { try await flush(nextRecord: ordinal + 1) }
    }

    /// Writes the queued snapshots and records that every record before `nextRecord` is in.
    func flush(nextRecord: Int) async throws {
        let (accounts, videos) = Importer.sorted(accounts: accountBatch, videos: videoBatch)
        var next = entry
        next.nextRecord = nextRecord
        next.snapshots += pendingSnapshots
        let writer = store.snapshots
        let stored = NIOLockedValueBox(0)
        let elapsed = try await transaction(next) { db in
            let count = try await Importer.write(accounts: accounts, videos: videos, with: writer, in: db)
            stored.withLockedValue { $0 = count }
        }
        let new = stored.withLockedValue { $0 }
        counts.snapshotsNew += new
        counts.snapshotsAlreadyPresent += accounts.count + videos.count - new
        accountBatch.removeAll(keepingCapacity: true)
        videoBatch.removeAll(keepingCapacity: true)
        pendingSnapshots = 0
        if accounts.count + videos.count >= batchSize / 2 {
            batchSize = Self.adapt(batchSize, took: elapsed, range: 100...20_000)
        }
    }

    /// The latest counters of every subject the file has snapshots of, once, in short transactions.
    func refreshLatest(accountIDs: [String], videoIDs: [String]) async throws {
        let writer = store.snapshots
        var size = 100
        var index = 0
        while index < accountIDs.count {
            let chunk = Array(accountIDs[index..<min(index + size, accountIDs.count)])
            let elapsed = try await transaction(entry) { db in
                try await writer.refreshLatest(accountIDs: chunk, in: db)
            }
            index += chunk.count
            size = Self.adapt(size, took: elapsed, range: 10...2_000)
        }
        size = 100
        index = 0
        while index < videoIDs.count {
            let chunk = Array(videoIDs[index..<min(index + size, videoIDs.count)])
            let elapsed = try await transaction(entry) { db in
                try await writer.refreshLatest(videoIDs: chunk, in: db)
            }
            index += chunk.count
            size = Self.adapt(size, took: elapsed, range: 10...2_000)
        }
    }

    func finish() async throws {
        _ = try await transaction(entry, done: true) { _ in }
    }
}

extension Importer {
    /// Sorted by subject and time: a batch walks the snapshot indexes in order (BENCHMARKS.md, "Import").
    static func sorted(
        accounts: [AccountSnapshot], videos: [VideoSnapshot]
    ) -> (accounts: [AccountSnapshot], videos: [VideoSnapshot]) {
        (accounts.map { ($0.accountID.description, $0) }
            .sorted { ($0.0, $0.1.observedAt) < ($1.0, $1.1.observedAt) }.map(\.1),
         videos.map { ($0.videoID.description, $0) }
            .sorted { ($0.0, $0.1.observedAt) < ($1.0, $1.1.observedAt) }.map(\.1))
    }

    /// One batch of snapshots in the caller's transaction; each call adds its change to the levels
    /// (Store/SnapshotWriter.swift). The latest counters are left to `refreshLatest`, once per subject.
    /// Returns how many snapshots were new (the rest were stored already: a re-imported file).
    @discardableResult
    static func write(
        accounts: [AccountSnapshot], videos: [VideoSnapshot], with writer: SnapshotWriter, in db: any SQLDatabase
    ) async throws -> Int {
        var stored = 0
        if !accounts.isEmpty { stored += try await writer.write(accounts: accounts, refreshLatest: false, in: db) }
        if !videos.isEmpty { stored += try await writer.write(videos: videos, refreshLatest: false, in: db) }
        return stored
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

    /// Stores records already parsed, in one transaction: all or nothing. The same check as a file's first pass
    /// (inside the transaction, so nothing changes between check and write); throws `ImportError` (with the
    /// record's line) for one that does not fit the organization — an account it does not track, the account quota.
    func store(_ records: [(record: ImportRecord, line: Int)], now: Timestamp) async throws -> Counts {
        let store = self.store
        return try await store.write { db in
            let plan = ImportPlan(store: store, now: now, in: db)
            try await plan.loadLimits()
            for (record, line) in records { try await plan.check(record, line: line) }
            for account in plan.newAccounts { try await store.accounts.insert(account, in: db) }
            var changes = LevelChanges()
            try await store.videos.insert(plan.newVideos, countingInto: &changes, in: db)
            try await store.levels.apply(changes, in: db)
            var accounts: [AccountSnapshot] = []
            var videos: [VideoSnapshot] = []
            for (record, _) in records {
                let snapshots = plan.snapshots(of: record)
                accounts += snapshots.accounts
                videos += snapshots.videos
            }
            let sorted = Self.sorted(accounts: accounts, videos: videos)
            let writer = store.snapshots
            let new = try await Self.write(accounts: sorted.accounts, videos: sorted.videos, with: writer, in: db)
            try await writer.refreshLatest(accountIDs: plan.touchedAccounts.sorted(), in: db)
            try await writer.refreshLatest(videoIDs: plan.touchedVideos.map(\.description).sorted(), in: db)
            var counts = Counts()
            counts.accounts = plan.newAccounts.count
            counts.videos = plan.newVideos.count
            counts.snapshots = plan.snapshots
            counts.snapshotsNew = new
            counts.snapshotsAlreadyPresent = sorted.accounts.count + sorted.videos.count - new
            counts.records = plan.records
            return counts
        }
    }
}
