// The collector as a long-lived service of `serve` or `creatoraudit worker` (docs/collection.md, "Refreshing"):
// the scheduler (`Collector`), on PostgreSQL a LISTEN connection that wakes it when another process adds a
// subject, the platform sources' connections, and — on SQLite — the one-collector-per-file lock. On graceful
// shutdown (SIGTERM, SIGINT) it stops claiming, lets refreshes in flight finish within the grace period, releases
// the rest, then closes the sources.
import Logging
import ServiceLifecycle

public struct CollectorService: Service {
    public let collector: Collector
    public let sources: PlatformSources
    let database: Database
    let lock: CollectorLock?
    let logger: Logger

    /// A collector for this process. On SQLite it takes the one-collector lock — throwing a one-line
    /// `ConfigurationError` that names the collector already running — and gives back the claims a collector
    /// that died left behind. `holder` names this process in that message ("creatoraudit serve").
    public static func prepare(
        database: Database, sources: PlatformSources, settings: CollectorSettings, holder: String,
        clock: any CollectorClock = SystemCollectorClock(), logger: Logger
    ) async throws -> CollectorService {
        var lock: CollectorLock?
        if let path = database.sqlitePath {
            lock = try CollectorLock.acquire(databasePath: path, holder: holder)
            try await CollectorQueue(database: database).releaseEveryLease()
        }
        let collector = Collector(
            database: database, sources: sources, settings: settings, clock: clock, logger: logger)
        return CollectorService(collector: collector, sources: sources, database: database, lock: lock, logger: logger)
    }

    public func run() async throws {
        let settings = collector.settings
        logger.info(
            "collector started",
            metadata: [
                "concurrency": "\(settings.concurrency)", "lease_s": "\(settings.leaseSeconds)",
                "sources": "\(sources.configuration.summary.joined(separator: " | "))",
            ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if database.engine == .postgres { group.addTask { await listen() } }
                await collector.run()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            collector.stop()
        }
        await sources.shutdown()
        lock?.release()
        let totals = collector.totals
        logger.info(
            "collector stopped",
            metadata: [
                "refreshed": "\(totals.refreshed)", "retrying": "\(totals.retrying)",
                "unavailable": "\(totals.unavailable)", "deferred": "\(totals.deferred)",
                "released": "\(totals.released)",
            ])
    }

    /// PostgreSQL: wakes the collector on every notification that a subject was added or resumed anywhere.
    /// Reconnects after a failure, and then looks at the queue at once (notifications may have been missed).
    private func listen() async {
        var backoff = 0.1
        while !Task.isCancelledOrShuttingDown {
            let connectedAt = ContinuousClock.now
            do {
                try await database.listen(on: database.dueWorkChannel) { notifications in
                    database.dueWork.notify()
                    for try await _ in notifications.cancelOnGracefulShutdown() {
                        database.dueWork.notify()
                    }
                }
            } catch {
                if Task.isCancelledOrShuttingDown { break }
                logger.warning(
                    "collector's due-work listener lost its connection; reconnecting",
                    metadata: ["error": "\(type(of: error))"])
            }
            backoff = ContinuousClock.now - connectedAt > .seconds(10) ? 0.1 : min(backoff * 2, 5)
            try? await Task.sleep(nanoseconds: UInt64(backoff * 1_000_000_000))
        }
    }
}
