// SQLite WAL checkpoints off the writer's path (docs/architecture.md, "Storage"). With SQLite's automatic checkpoint,
// the commit that takes the WAL past 1,000 pages copies them into the database file itself, inside the writer's turn:
// in the collector benchmark that was about half of a batch's commit time, with every other write waiting behind it
// (BENCHMARKS.md, "Collector"). Here a connection and a thread of their own run a PASSIVE checkpoint shortly after
// writes commit — PASSIVE never waits for the writer or the readers, and the writer goes on appending to the WAL
// meanwhile. The writer's own automatic checkpoint stays, at a larger WAL (`backstopPages`), in case this one cannot
// keep up. Idle, nothing runs: the loop waits for the next commit.
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

final class WALCheckpointer: Sendable {
    /// Commits within this long share one checkpoint.
    static let delay: Duration = .milliseconds(100)
    /// The writer's `wal_autocheckpoint` (SQLite's default is 1,000 pages).
    static let backstopPages = 10_000

    private let connection: SQLiteConnection
    private let thread: NIOThreadPool
    private let commits: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>

    init(path: String, synchronous: String, logger: Logger) async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: thread, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
            // A checkpoint writes the database file: as durable as the writer's commits.
            _ = try await connection.query("PRAGMA synchronous=\(synchronous)")
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
        let (stream, commits) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.connection = connection
        self.thread = thread
        self.commits = commits
        self.loop = Task.detached {
            for await _ in stream {
                try? await Task.sleep(for: Self.delay)
                do {
                    _ = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
                } catch {
                    // The writer's automatic checkpoint is the backstop; nothing of a client's waits on this.
                    logger.debug("WAL checkpoint failed", metadata: ["error": "\(String(describing: error).prefix(200))"])
                }
            }
        }
    }

    /// A write transaction committed: checkpoint soon.
    func committed() {
        commits.yield()
    }

    /// Runs the checkpoint under way to its end, then closes.
    func close() async {
        commits.finish()
        await loop.value
        try? await connection.close()
        try? await thread.shutdownGracefully()
    }
}
