// SQLite: one writer connection, a few reader connections (WAL lets them read while the writer writes).
// The writer has a thread of its own: SQLiteNIO runs every statement on a thread pool, and on the shared pool a
// write queued behind the readers' statements (64 readers made a 20 ms write take seconds; BENCHMARKS.md,
// "Writes under read load"). Write transactions are serialized in this process by an async lock, and wait a
// bounded time for the file's write lock when another process (the CLI, an import) holds it — then
// `DatabaseUnavailable.busy` (503), never an error after a 15 s stall. Commits are `synchronous=FULL`: an
// acknowledged write survives a power loss (README, "Reliability").
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

final class SQLiteBackend: Sendable {
    /// How long a write waits for another process to release the write lock before it is answered 503.
    static let busyWait: Duration = .seconds(5)
    /// Readers only meet a lock in rare WAL cases (recovery after a crash); they wait as long.
    static let readerBusyTimeoutMilliseconds = 5_000

    /// FULL unless CREATORAUDIT_SQLITE_SYNCHRONOUS=normal (for measuring its cost: scripts/bench-writes).
    static var synchronous: String {
        let setting = ProcessInfo.processInfo.environment["CREATORAUDIT_SQLITE_SYNCHRONOUS"]?.lowercased()
        return setting == "normal" ? "NORMAL" : "FULL"
    }

    let writer: SQLiteConnection
    let readers: [SQLiteConnection]
    let writeLock = AsyncMutex()
    /// The writer's current `PRAGMA synchronous` (`setSynchronous`).
    private let writerSynchronousMode = NIOLockedValueBox(SQLiteBackend.synchronous)
    let nextReader = NIOLockedValueBox(0)
    /// The writer's own thread (see the header).
    private let writerThread: NIOThreadPool
    /// Runs write transactions' Swift code on `writerThread` too (`ThreadPoolTaskExecutor`).
    private let writerExecutor: ThreadPoolTaskExecutor
    /// Checkpoints the WAL after commits, on a connection and thread of its own.
    private let checkpointer: WALCheckpointer

    init(path: String, logger: Logger) async throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ConfigurationError("cannot create the database file \(path)")
            }
        }
        var quiet = logger
        quiet.logLevel = .warning  // SQL statements and binds stay out of the logs
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        writerThread.start()
        let writer: SQLiteConnection
        do {
            writer = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: writerThread, logger: quiet,
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
            // WAL: readers do not block the writer. busy_timeout=0: `transaction` does the bounded waiting itself,
            // polling every few milliseconds (SQLite's own handler sleeps up to 100 ms between tries and can keep
            // missing the short gaps an import leaves between its transactions). synchronous=FULL: see the header.
            // cache_size: 64 MiB of page cache (the default is 2 MiB), so the collector's refreshes and imports find
            // the index pages they update in memory instead of reading them again (BENCHMARKS.md, "Collector").
            // wal_autocheckpoint: checkpoints are `WALCheckpointer`'s, off the writer's path; this is the backstop.
            // temp_store=MEMORY: a statement that writes many rows inside a transaction keeps a copy of every page
            // it changes (its statement journal), and past 64 KiB SQLite spills that copy to a temporary file —
            // a collector batch's INSERTs wrote megabytes to it, inside the writer's turn (BENCHMARKS.md,
            // "Collector"). In memory it costs at most the pages of the largest single statement.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=0", "PRAGMA foreign_keys=ON",
                           "PRAGMA synchronous=\(Self.synchronous)", "PRAGMA cache_size=-65536",
                           "PRAGMA wal_autocheckpoint=\(WALCheckpointer.backstopPages)",
                           "PRAGMA temp_store=MEMORY"] {
                _ = try await writer.query(pragma)
            }
        } catch {
            try? await writerThread.shutdownGracefully()
            throw error
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<2 {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: quiet)
            _ = try await reader.query("PRAGMA busy_timeout=\(Self.readerBusyTimeoutMilliseconds)")
            _ = try await reader.query("PRAGMA foreign_keys=ON")
            // 16 MB of page cache per reader (the default is 2 MB): analytics walk many index pages.
            _ = try await reader.query("PRAGMA cache_size=-16000")
            readers.append(reader)
        }
        self.writer = writer
        self.readers = readers
        self.writerThread = writerThread
        self.writerExecutor = ThreadPoolTaskExecutor(writerThread)
        self.checkpointer = try await WALCheckpointer(path: path, synchronous: Self.synchronous, logger: quiet)
    }

    func reader() -> any SQLDatabase { readerConnection().sql(queryLogLevel: nil) }

    func readerConnection() -> SQLiteConnection {
        let index = nextReader.withLockedValue { value -> Int in
            value = (value + 1) % readers.count
            return value
        }
        return readers[index]
    }

    /// Runs `body` in a transaction on the writer, its Swift code on the writer's thread (`ThreadPoolTaskExecutor`).
    func transaction<T: Sendable>(
        durability: CommitDurability = .durable, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withTaskExecutorPreference(writerExecutor) {
            try await writeLock.withLock {
                let db = writer.sql(queryLogLevel: nil)
                try await setSynchronous(durability == .collected ? "NORMAL" : Self.synchronous, on: db)
                try await begin(db)
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    checkpointer.committed()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw DatabaseUnavailable.classify(error) ?? error
                }
            }
        }
    }

    /// The writer's `PRAGMA synchronous` for the next commit, set outside any transaction and only when it changes
    /// (`CommitDurability`). Under `writeLock`.
    private func setSynchronous(_ mode: String, on db: any SQLDatabase) async throws {
        guard writerSynchronousMode.withLockedValue({ $0 }) != mode else { return }
        try await db.raw("PRAGMA synchronous=\(unsafeRaw: mode)").run()
        writerSynchronousMode.withLockedValue { $0 = mode }
    }

    /// `BEGIN IMMEDIATE` (takes the write lock now, so the transaction cannot fail half-way for want of it),
    /// retried every few milliseconds while another process holds the lock, for at most `busyWait`.
    private func begin(_ db: any SQLDatabase) async throws {
        let deadline = ContinuousClock.now + Self.busyWait
        var pause: Duration = .milliseconds(1)
        while true {
            do {
                try await db.raw("BEGIN IMMEDIATE").run()
                return
            } catch let error as SQLiteError where DatabaseUnavailable.classify(error) != nil {
                guard ContinuousClock.now + pause < deadline else { throw DatabaseUnavailable.busy }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(4))
            }
        }
    }

    /// The writer's `PRAGMA synchronous` (2 = FULL), for the durability test.
    func writerSynchronous() async throws -> Int {
        try await writeLock.withLock {
            let rows = try await writer.query("PRAGMA synchronous")
            return rows.first?.column("synchronous")?.integer ?? -1
        }
    }

    func close() async {
        await checkpointer.close()
        try? await writer.close()
        for reader in readers { try? await reader.close() }
        try? await writerThread.shutdownGracefully()
    }
}
