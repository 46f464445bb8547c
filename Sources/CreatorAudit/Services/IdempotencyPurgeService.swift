// Deletes idempotency records older than 24 hours, every hour (and once at start), so the table holds one day of
// records whatever the traffic (README, "Idempotency").
import Logging
import ServiceLifecycle

struct IdempotencyPurgeService: Service {
    let database: Database
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            do {
                let purged = try await IdempotencyRetention.purge(database)
                if purged > 0 { logger.info("purged idempotency records", metadata: ["count": "\(purged)"]) }
            } catch {
                logger.warning("idempotency purge failed; will retry", metadata: ["error_type": "\(type(of: error))"])
            }
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
