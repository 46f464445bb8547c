// Keeps this node's key cache honest when another process (another node, the CLI) changes credentials.
// PostgreSQL: LISTEN on a channel that every change NOTIFYs in its transaction; reconnects on failure and
// drops the cache then, since notifications may have been missed. SQLite: polls a one-row change counter
// every 200 ms (a primary-key read: microseconds). Either way a change is in force well within 1 second.
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

public struct CredentialChangeWatcher: Service {
    let database: Database
    let verifier: KeyVerifier
    let logger: Logger
    let pollInterval: Duration

    public init(database: Database, verifier: KeyVerifier, logger: Logger, pollInterval: Duration = .milliseconds(200)) {
        self.database = database
        self.verifier = verifier
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        switch database.engine {
        case .sqlite: await pollCounter()
        case .postgres: await listen()
        }
    }

    private func pollCounter() async {
        var last = (try? await database.read { try await ChangeSignal.currentValue(in: $0) }) ?? -1
        while !Task.isCancelledOrShuttingDown {
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            do {
                let value = try await database.read { try await ChangeSignal.currentValue(in: $0) }
                if value != last {
                    last = value
                    verifier.invalidateAll()
                }
            } catch {
                // Unknown state: trust nothing cached.
                verifier.invalidateAll()

                logger.warning("credential change poll failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    private func listen() async {
        var backoff: Duration = .milliseconds(100)
        let connected = NIOLockedValueBox(true)
        while !Task.isCancelledOrShuttingDown {
            let connectedAt = ContinuousClock.now
            do {
                try await database.listen(on: database.credentialsChannel) { notifications in
                    // Anything that happened while we were not listening is unknown: start from an empty cache.
                    verifier.setCaching(enabled: true)
                    connected.withLockedValue { $0 = true }
                    for try await _ in notifications.cancelOnGracefulShutdown() {
                        verifier.invalidateAll()
                    }
                }
            } catch {
                if Task.isCancelledOrShuttingDown { break }
                verifier.setCaching(enabled: false)
                // Once per lost connection, not once per retry (an outage retries every second).
                let wasConnected = connected.withLockedValue { value -> Bool in
                    defer { value = false }
                    return value
                }
                if wasConnected {
                    logger.warning("credential change listener lost its connection; reconnecting",
                                   metadata: ["error": "\(type(of: error))"])
                }
            }
            // A connection that lived a while starts the backoff over. At most 1 s: while the database is down the
            // attempt fails at once without touching it (PostgresBackend), and after an outage the cache should be
            // back within a second.
            backoff = ContinuousClock.now - connectedAt > .seconds(10)
                ? .milliseconds(100) : min(backoff * 2, .seconds(1))
            try? await Task.sleep(for: backoff)
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
