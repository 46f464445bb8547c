// `last_used_at` (to the minute) and per-day request counts, accumulated in memory and written in one
// transaction every `interval` and at shutdown — never a database write per request.
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SQLKit

public final class UsageRecorder: Sendable {
    struct Pending: Equatable {
        var organizationID: OrganizationID
        var lastUsed: Timestamp
        var countsByDay: [String: Int]
    }

    private let pending = NIOLockedValueBox([APIKeyID: Pending]())
    let database: Database

    public init(database: Database) { self.database = database }

    public func record(_ key: AuthenticatedKey, at time: Timestamp = .now) {
        let day = DayCache.day(of: time)
        pending.withLockedValue { pending in
            if var entry = pending[key.keyID] {
                if entry.lastUsed < time { entry.lastUsed = time }
                entry.countsByDay[day, default: 0] += 1
                pending[key.keyID] = entry
            } else {
                pending[key.keyID] = Pending(organizationID: key.organizationID, lastUsed: time, countsByDay: [day: 1])
            }
        }
    }

    /// What this node has counted for a key but not written yet: last use and requests per day (the dashboard
    /// adds them to what the database holds, so a key just used shows as used).
    public func pendingUsage(of keyID: APIKeyID) -> (lastUsed: Timestamp, countsByDay: [String: Int])? {
        pending.withLockedValue { $0[keyID].map { ($0.lastUsed, $0.countsByDay) } }
    }

    /// Writes everything accumulated so far; on failure the counts are put back for the next attempt.
    public func flush() async throws {
        let batch = pending.withLockedValue { pending -> [APIKeyID: Pending] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            let keys = APIKeyRepository(database: database)
            try await database.write { db in
                for (keyID, entry) in batch {
                    try await keys.recordUse(keyID, organizationID: entry.organizationID, lastUsed: entry.lastUsed.minute,
                                             countsByDay: entry.countsByDay, in: db)
                }
            }
        } catch {
            pending.withLockedValue { pending in
                for (keyID, entry) in batch {
                    if var existing = pending[keyID] {
                        existing.lastUsed = max(existing.lastUsed, entry.lastUsed)
                        existing.countsByDay.merge(entry.countsByDay, uniquingKeysWith: +)
                        pending[keyID] = existing
                    } else {
                        pending[keyID] = entry
                    }
                }
            }
            throw error
        }
    }
}

/// Flushes the recorder periodically and once more on graceful shutdown.
public struct UsageFlushService: Service {
    let recorder: UsageRecorder
    let interval: Duration
    let logger: Logger

    public init(recorder: UsageRecorder, interval: Duration = .seconds(10), logger: Logger) {
        self.recorder = recorder
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
        await flush()
    }

    private func flush() async {
        do { try await recorder.flush() } catch {
            logger.warning("usage flush failed; will retry", metadata: ["error": "\(type(of: error))"])
        }
    }
}

/// `YYYY-MM-DD` of a timestamp, computed once per day rather than per request.
enum DayCache {
    private static let cache = NIOLockedValueBox<(start: Int, day: String)>((Int.min, ""))

    static func day(of time: Timestamp) -> String {
        let start = UTCDay.of(time)
        if let hit = cache.withLockedValue({ $0.start == start ? $0.day : nil }) { return hit }
        let day = time.day
        cache.withLockedValue { $0 = (start, day) }
        return day
    }
}
