// PostgreSQL behind an availability gate (README, "Reliability"). PostgresNIO's pool on its own waits for a
// connection for as long as it takes: while the server is down a request hangs, and after an outage the pool's
// reconnect backoff (growing to a minute) delays recovery. So:
// - a request waits at most `leaseTimeout` for a connection (the wait, never a running query, is cut short);
// - work over a connection whose socket has closed is answered 503 after `closedConnectionGrace`, finished or not;
// - a failed connection marks the database down; while down, requests fail at once with `DatabaseUnavailable`
//   and a probe opens a fresh connection every `probeInterval`;
// - when the probe succeeds the pool is replaced by a new one (no backoff to sit out) and requests flow again.
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import PostgresNIO

final class PostgresBackend: Sendable {
    /// How long a request may wait for a pooled connection before it is answered 503: 1 s, or
    /// CREATORAUDIT_POSTGRES_LEASE_TIMEOUT_MS (100–60,000) for a host whose connection set-up alone can take longer
    /// (README, "Reliability"; `scripts/test` raises it while 300 tests load two cores).
    static let leaseTimeout: Duration = {
        let setting = ProcessInfo.processInfo.environment["CREATORAUDIT_POSTGRES_LEASE_TIMEOUT_MS"].flatMap { Int($0) }
        guard let milliseconds = setting, (100...60_000).contains(milliseconds) else { return .seconds(1) }
        return .milliseconds(milliseconds)
    }()
    /// How often a down database is probed (recovery is noticed within this, plus one connection set-up).
    static let probeInterval: Duration = .milliseconds(250)
    /// `lock_timeout`: a statement waiting this long for a row or table lock fails (→ 503 busy, never a hang).
    static let lockTimeoutMilliseconds = 5_000

    private struct Pool {
        let client: PostgresClient
        let runTask: Task<Void, Never>
    }

    private struct State {
        var pool: Pool
        /// Bumped when the pool is replaced: a failure from a replaced pool says nothing about the database.
        var generation = 0
        var retired: [Task<Void, Never>] = []
        var down = false
        var probe: Task<Void, Never>?
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    private let configuration: PostgresClient.Configuration
    private let url: PostgresURL
    /// PostgresNIO's background logger (errors only).
    private let logger: Logger
    /// Ours: outages and recoveries.
    private let events: Logger

    init(url: PostgresURL, logger: Logger) async throws {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password,
            database: url.database, tls: url.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        var parameters = [("lock_timeout", String(Self.lockTimeoutMilliseconds))]
        if let searchPath = url.searchPath { parameters.append(("search_path", searchPath)) }
        configuration.options.additionalStartupParameters = parameters
        configuration.options.maximumConnections = 16
        configuration.options.connectTimeout = .seconds(2)
        var quiet = logger
        // `.error`: PostgresNIO warns when the first lease races `run()` starting below (harmless: the lease
        // waits), and that warning would break the CLI's one-line stderr on errors.
        quiet.logLevel = .error
        self.configuration = configuration
        self.url = url
        self.logger = quiet
        self.events = logger
        self.state = NIOLockedValueBox(State(pool: Self.startPool(configuration, logger: quiet)))
        // Fail fast with a clear message when the server is not there (a direct connection: the pool would retry).
        do {
            try await connectOnce(timeout: .seconds(10))
        } catch {
            await close()
            let reason = String(reflecting: error).prefix(200)
            throw ConfigurationError("cannot connect to PostgreSQL at \(url.redacted): \(reason)")
        }
    }

    private static func startPool(_ configuration: PostgresClient.Configuration, logger: Logger) -> Pool {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return Pool(client: client, runTask: Task { await client.run() })
    }

    /// Whether requests are currently refused without trying (a probe is looking for the server).
    var isDown: Bool { state.withLockedValue { $0.down } }

    /// How long work may go on over a connection whose socket has closed before its request is answered 503 anyway.
    /// PostgresNIO (1.33) fails such work at once nearly always; rarely, a query handed a connection as the server
    /// shut down never completes (OutageTests caught it), and the request would hang with it.
    static let closedConnectionGrace: Duration = .milliseconds(500)

    /// Runs `body` on a pooled connection; `DatabaseUnavailable` when none can be had in time, or when the
    /// connection's socket closes under work that then does not finish (`closedConnectionGrace`).
    ///
    /// The work runs in a task of its own and this call waits for the first of: its result, the lease deadline
    /// passing before a connection was handed out, or the connection staying closed. A task group would have to
    /// await a stuck child before returning. `body` never starts after the deadline has answered (the lease and
    /// the deadline settle under one lock), and work answered 503 over a closed socket cannot commit anything.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, generation) = try state.withLockedValue { state -> (PostgresClient, Int) in
            if state.down || state.closed { throw DatabaseUnavailable.unreachable }
            return (state.pool.client, state.generation)
        }
        let race = LeaseRace<T>()
        do {
            return try await race.run(
                leaseTimeout: Self.leaseTimeout, closedGrace: Self.closedConnectionGrace
            ) {
                try await client.withConnection { connection in
                    guard race.leased(connection) else { throw LeaseTimedOut() }
                    return try await body(connection)
                }
            }
        } catch {
            let acquired = race.wasLeased
            if let unavailable = DatabaseUnavailable.classify(error) {
                if !unavailable.isBusy { markDown(generation) }
                throw unavailable
            }
            if error is ConnectionClosedUnderWork {
                events.warning("PostgreSQL connection closed under a request that did not finish; answered 503")
                markDown(generation)
                throw DatabaseUnavailable.unreachable
            }
            // An error before our closure ran is the pool failing to hand out a connection.
            if !acquired {
                if error is LeaseTimedOut { checkReachability() } else { markDown(generation) }
                throw DatabaseUnavailable.unreachable
            }
            throw error
        }
    }

    /// A lease timed out: either every connection is busy (the database is fine) or the server is gone.
    /// One probe tells which; only a failed probe refuses further requests.
    private func checkReachability() {
        startProbing()
    }

    private func markDown(_ generation: Int) {
        let changed = state.withLockedValue { state -> Bool in
            guard !state.down, !state.closed, state.generation == generation else { return false }
            state.down = true
            return true
        }
        if changed {
            events.warning("PostgreSQL is unreachable; answering 503 until it is back")
            startProbing()
        }
    }

    private func startProbing() {
        state.withLockedValue { state in
            guard state.probe == nil, !state.closed else { return }
            state.probe = Task { [self] in await probeUntilReachable() }
        }
    }

    /// Opens a fresh connection (outside the pool) until one answers `SELECT 1`; then, if the database had been
    /// marked down, replaces the pool so that no connection backoff is left to wait out.
    private func probeUntilReachable() async {
        while !Task.isCancelled {
            if await probe() {
                let retired = state.withLockedValue { state -> Task<Void, Never>? in
                    state.probe = nil
                    guard state.down, !state.closed else { return nil }
                    let old = state.pool
                    state.pool = Self.startPool(configuration, logger: logger)
                    state.generation += 1
                    state.retired.append(old.runTask)
                    state.down = false
                    return old.runTask
                }
                if let retired {
                    retired.cancel()
                    events.notice("PostgreSQL is reachable again")
                }
                return
            }
            let changed = state.withLockedValue { state -> Bool in
                defer { state.down = true }
                return !state.down
            }
            if changed { events.warning("PostgreSQL is unreachable; answering 503 until it is back") }
            try? await Task.sleep(for: Self.probeInterval)
        }
        state.withLockedValue { $0.probe = nil }
    }

    private func probe() async -> Bool {
        do {
            try await connectOnce(timeout: .seconds(1))
            return true
        } catch {
            return false
        }
    }

    /// Opens one connection outside the pool, runs `SELECT 1`, closes it.
    private func connectOnce(timeout: TimeAmount) async throws {
        var connectionConfiguration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
        connectionConfiguration.options.connectTimeout = timeout
        connectionConfiguration.options.additionalStartupParameters = configuration.options.additionalStartupParameters
        let connection = try await PostgresConnection.connect(
            configuration: connectionConfiguration, id: 0, logger: logger)
        do {
            _ = try await connection.query("SELECT 1", logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    func close() async {
        let (pool, retired, probe) = state.withLockedValue { state in
            state.closed = true
            return (state.pool, state.retired, state.probe)
        }
        probe?.cancel()
        await probe?.value
        pool.runTask.cancel()
        await pool.runTask.value
        for task in retired { await task.value }
    }
}

private struct LeaseTimedOut: Error {}
private struct ConnectionClosedUnderWork: Error {}

/// One database call's race between its work, the lease deadline and a closed connection
/// (`PostgresBackend.withConnection`). Whichever settles first answers the caller, exactly once.
private final class LeaseRace<T: Sendable>: Sendable {
    private enum Phase {
        case waiting
        case leased(PostgresConnection)
        case abandoned
    }

    private struct State {
        var phase = Phase.waiting
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
    }

    private let state = NIOLockedValueBox(State())

    /// Called by the work once the pool hands it a connection: false when the deadline has already answered.
    func leased(_ connection: PostgresConnection) -> Bool {
        state.withLockedValue { state in
            guard case .waiting = state.phase, state.outcome == nil else { return false }
            state.phase = .leased(connection)
            return true
        }
    }

    var wasLeased: Bool {
        state.withLockedValue { state in
            if case .leased = state.phase { return true }
            return false
        }
    }

    func run(
        leaseTimeout: Duration, closedGrace: Duration, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let workTask = Task { [self] in
            do { settle(.success(try await work())) } catch { settle(.failure(error)) }
        }
        let watchdog = Task { [self] in await watch(leaseTimeout: leaseTimeout, closedGrace: closedGrace, workTask: workTask) }
        defer { watchdog.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled = state.withLockedValue { state -> Result<T, any Error>? in
                    if let outcome = state.outcome { return outcome }
                    state.continuation = continuation
                    return nil
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            workTask.cancel()
        }
    }

    /// The first outcome wins; later ones are dropped.
    private func settle(_ outcome: Result<T, any Error>) {
        let continuation = state.withLockedValue { state -> CheckedContinuation<T, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: outcome)
    }

    private func watch(leaseTimeout: Duration, closedGrace: Duration, workTask: Task<Void, Never>) async {
        do { try await Task.sleep(for: leaseTimeout) } catch { return }
        // Deadline: still no connection → the work must not start; cancel its lease request.
        let abandoned = state.withLockedValue { state -> Bool in
            guard state.outcome == nil, case .waiting = state.phase else { return false }
            state.phase = .abandoned
            return true
        }
        if abandoned {
            workTask.cancel()
            settle(.failure(LeaseTimedOut()))
            return
        }
        // Leased work is never cut short while its connection is open (a long import, a slow report).
        var closedSince: ContinuousClock.Instant?
        while true {
            do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
            let connection = state.withLockedValue { state -> PostgresConnection? in
                guard state.outcome == nil, case .leased(let connection) = state.phase else { return nil }
                return connection
            }
            guard let connection else { return }
            if connection.isClosed {
                let since = closedSince ?? .now
                closedSince = since
                if since.duration(to: .now) >= closedGrace {
                    workTask.cancel()
                    settle(.failure(ConnectionClosedUnderWork()))
                    return
                }
            } else {
                closedSince = nil
            }
        }
    }
}
