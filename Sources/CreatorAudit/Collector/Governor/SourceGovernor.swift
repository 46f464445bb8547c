// One governor per platform source, shared by every refresh in the process (docs/collection.md, "Platform
// limits"). Every platform request goes through `perform`, which
// - holds one of `maxConcurrentRequests` slots for the request's duration;
// - refuses at once, without sending, while the platform is paused (a 429 or throttling answer, usage at
//   100 %, the daily budget spent) — or waits in-process when the pause ends within `maxWaitSeconds`;
// - spaces requests out as the platform's reported usage nears 100 % (Instagram's usage headers);
// - counts metered requests against a persistent daily budget (TikTok), shared by every process on the database;
// - marks the whole source failing when the platform rejects the credentials, refusing requests until an
//   occasional probe request (after 1 minute, doubling to 15) shows the source works again.
// The governor learns all of this from the `PlatformSourceError`s the request throws and from `observeUsage`.
import Foundation
import Logging
import NIOConcurrencyHelpers

/// What a request was granted: for a metered request, the records the day's budget still allows.
public struct RequestGrant: Sendable {
    public let recordsLeft: Int?
    let day: Int
}

public final class SourceGovernor: Sendable {
    public struct Policy: Sendable, Equatable {
        /// Platform requests of this source in flight at once, in this process.
        public var maxConcurrentRequests: Int
        /// A pause or a slow-down shorter than this is waited out in-process; a longer one refuses the request
        /// with `PlatformSourceError.rateLimited(retryAfter:)` so the caller can schedule it later.
        public var maxWaitSeconds: Double
        /// A pause the platform asked for without saying how long: this, doubling per consecutive stop, up to
        /// `maxPauseSeconds`.
        public var firstPauseSeconds: Double
        public var maxPauseSeconds: Double
        /// How long a failing source waits before its first probe request; doubles per failed probe up to the max.
        public var firstFailingRetrySeconds: Double
        public var maxFailingRetrySeconds: Double
        /// Reported usage (percent of the platform's limit) from which requests are spaced out, linearly up to
        /// `maxSpacingSeconds` between two requests at 100 %.
        public var slowdownFromPercent: Double
        public var maxSpacingSeconds: Double
        /// The pause when usage reaches 100 % and the platform gives no estimate of when access returns.
        public var fullUsagePauseSeconds: Double
        /// A persistent per-day budget for metered requests (TikTok), or nil.
        public var dailyBudget: DailyBudgetLimits?

        public init(
            maxConcurrentRequests: Int = 8, maxWaitSeconds: Double = 5, firstPauseSeconds: Double = 60,
            maxPauseSeconds: Double = 3_600, firstFailingRetrySeconds: Double = 60,
            maxFailingRetrySeconds: Double = 900,
            slowdownFromPercent: Double = 75, maxSpacingSeconds: Double = 30, fullUsagePauseSeconds: Double = 300,
            dailyBudget: DailyBudgetLimits? = nil
        ) {
            self.maxConcurrentRequests = maxConcurrentRequests
            self.maxWaitSeconds = maxWaitSeconds
            self.firstPauseSeconds = firstPauseSeconds
            self.maxPauseSeconds = maxPauseSeconds
            self.firstFailingRetrySeconds = firstFailingRetrySeconds
            self.maxFailingRetrySeconds = maxFailingRetrySeconds
            self.slowdownFromPercent = slowdownFromPercent
            self.maxSpacingSeconds = maxSpacingSeconds
            self.fullUsagePauseSeconds = fullUsagePauseSeconds
            self.dailyBudget = dailyBudget
        }

        /// Seconds between two request starts at `usage` percent.
        func spacing(forUsage usage: Double) -> Double {
            guard usage > slowdownFromPercent, slowdownFromPercent < 100 else { return 0 }
            return min(1, (usage - slowdownFromPercent) / (100 - slowdownFromPercent)) * maxSpacingSeconds
        }
    }

    private struct Failing {
        var reason: String
        var since: Double
        var nextAttemptAt: Double
        var retryInterval: Double
        var probing: Bool
    }

    private struct State {
        var restored = false
        var pausedUntil: Double = 0
        var pauseReason = ""
        var consecutivePauses = 0
        var usagePercent: Double = 0
        var lastStart = -Double.infinity
        var failing: Failing?
    }

    private enum Admission {
        case go(probe: Bool)
        case wait(Double)
        case refuse(PlatformSourceError)
    }

    /// The source's name (`instagram`, `tiktok`): the key of its budget and status rows.
    public let source: String
    public let policy: Policy
    let clock: any CollectorClock
    let logger: Logger
    private let slots: RequestSlots
    private let budgets: SourceBudgetRepository
    private let statuses: SourceStatusRepository
    private let state = NIOLockedValueBox(State())

    public init(
        source: String, policy: Policy, database: Database, clock: any CollectorClock = SystemCollectorClock(),
        logger: Logger
    ) {
        self.source = source
        self.policy = policy
        self.clock = clock
        var logger = logger
        logger[metadataKey: "source"] = .string(source)
        self.logger = logger
        self.slots = RequestSlots(limit: policy.maxConcurrentRequests)
        self.budgets = SourceBudgetRepository(database: database)
        self.statuses = SourceStatusRepository(database: database)
    }

    // MARK: Requests

    /// Runs one platform request under the governor. `metered`: counts against the daily budget (refused with
    /// `rateLimited` until 00:00 UTC once it is spent). `body` sends the request and throws `PlatformSourceError`s.
    public func perform<T>(metered: Bool = false, _ body: (RequestGrant) async throws -> T) async throws -> T {
        await restoreIfNeeded()
        await slots.acquire()
        defer { slots.release() }
        let probe = try await admit()
        do {
            let grant = metered ? try await reserveBudget() : RequestGrant(recordsLeft: nil, day: day(clock.now()))
            let result = try await body(grant)
            await succeeded()
            return result
        } catch let error as PlatformSourceError {
            throw await failed(error, probe: probe)
        } catch {
            if probe { endProbe() }
            throw error
        }
    }

    /// Adds the records a metered request returned to its day's budget.
    public func addRecords(_ records: Int, grant: RequestGrant) async {
        guard policy.dailyBudget != nil, records > 0 else { return }
        do {
            try await budgets.addRecords(records, source: source, day: grant.day)
        } catch {
            logger.warning("could not count records against the daily budget", metadata: ["error": "\(error)"])
        }
    }

    /// What the platform reported of our usage of its limit (percent, the highest of its figures) and, when it
    /// throttles us, when access returns. Usage near 100 % spaces requests out; at 100 % (or with an estimate)
    /// the platform is paused.
    public func observeUsage(percent: Double, regainAccessSeconds: Double? = nil) async {
        state.withLockedValue { $0.usagePercent = percent }
        if let regainAccessSeconds, regainAccessSeconds > 0 {
            _ = await pause(
                seconds: regainAccessSeconds, reason: "the platform reports usage at \(Int(percent)) % of its limit")
        } else if percent >= 100 {
            _ = await pause(
                seconds: policy.fullUsagePauseSeconds,
                reason: "the platform reports usage at \(Int(percent)) % of its limit")
        }
    }

    // MARK: State

    /// Platform-wide state now.
    public func availability() -> SourceAvailability {
        let now = clock.now()
        return state.withLockedValue { state in
            if let failing = state.failing {
                return .failing(reason: failing.reason, nextAttemptAt: Self.timestamp(max(now, failing.nextAttemptAt)))
            }
            if state.pausedUntil > now {
                return .paused(until: Self.timestamp(state.pausedUntil.rounded(.up)), reason: state.pauseReason)
            }
            return .ready
        }
    }

    /// The last reported usage of the platform's limit, in percent.
    public var usagePercent: Double { state.withLockedValue { $0.usagePercent } }

    /// Today's (UTC) spending of the daily budget; nil when the source has none.
    public func budgetUsage() async throws -> BudgetUsage? {
        guard policy.dailyBudget != nil else { return nil }
        return try await budgets.usage(source: source, day: day(clock.now()))
    }

    // MARK: Internals

    private func day(_ time: Double) -> Int { Int((time / 86_400).rounded(.down)) }

    private static func timestamp(_ seconds: Double) -> Timestamp { Timestamp(seconds: Int64(seconds.rounded(.down))) }

    /// Once per process: a pause recorded by an earlier run (or another process) still holds.
    private func restoreIfNeeded() async {
        let first = state.withLockedValue { state -> Bool in
            defer { state.restored = true }
            return !state.restored
        }
        guard first else { return }
        // A recorded failing state is not restored: the operator may have fixed the credentials and restarted,
        // and the first request finds out either way.
        if let record = try? await statuses.find(source: source), record.state == .paused,
            let until = record.pausedUntil, Double(until.seconds) > clock.now()
        {
            state.withLockedValue { state in
                state.pausedUntil = max(state.pausedUntil, Double(until.seconds))
                state.pauseReason = record.reason ?? "paused by an earlier run"
            }
        }
        if policy.dailyBudget != nil {
            try? await budgets.prune(source: source, before: day(clock.now()) - 7)
        }
    }

    private func admit() async throws -> Bool {
        while true {
            let now = clock.now()
            let admission = state.withLockedValue { state -> Admission in
                if state.pausedUntil > now {
                    let wait = state.pausedUntil - now
                    guard wait > policy.maxWaitSeconds else { return .wait(wait) }
                    return .refuse(.rateLimited(retryAfter: Int(wait.rounded(.up)), reason: state.pauseReason))
                }
                if var failing = state.failing {
                    guard now >= failing.nextAttemptAt, !failing.probing else {
                        return .refuse(
                            .sourceFailing(
                                failing.reason, retryAfter: Int(max(1, failing.nextAttemptAt - now).rounded(.up))))
                    }
                    failing.probing = true
                    state.failing = failing
                    state.lastStart = now
                    return .go(probe: true)
                }
                let next = state.lastStart + policy.spacing(forUsage: state.usagePercent)
                if next > now {
                    let wait = next - now
                    guard wait > policy.maxWaitSeconds else { return .wait(wait) }
                    return .refuse(
                        .rateLimited(
                            retryAfter: Int(wait.rounded(.up)),
                            reason:
                                "slowing down: the platform reports usage at \(Int(state.usagePercent)) % of its limit")
                    )
                }
                state.lastStart = now
                return .go(probe: false)
            }
            switch admission {
            case .go(let probe): return probe
            case .wait(let seconds): try await clock.sleep(seconds: seconds)
            case .refuse(let error): throw error
            }
        }
    }

    private func reserveBudget() async throws -> RequestGrant {
        let now = clock.now()
        let today = day(now)
        guard let limits = policy.dailyBudget else { return RequestGrant(recordsLeft: nil, day: today) }
        let usage: BudgetUsage?
        do {
            usage = try await budgets.reserveRequest(source: source, day: today, limits: limits)
        } catch {
            throw PlatformSourceError.upstream("cannot count the daily budget in the database")
        }
        guard let usage else {
            let midnight = Double(today + 1) * 86_400
            throw PlatformSourceError.rateLimited(
                retryAfter: Int((midnight - now).rounded(.up)),
                reason:
                    "the daily budget (\(limits.requests) requests, \(limits.records) records) is spent until 00:00 UTC"
            )
        }
        return RequestGrant(recordsLeft: max(0, limits.records - usage.records), day: today)
    }

    private func succeeded() async {
        let recovered = state.withLockedValue { state -> Failing? in
            state.consecutivePauses = 0
            defer { state.failing = nil }
            return state.failing
        }
        guard let recovered else { return }
        let now = clock.now()
        logger.notice(
            "platform source works again",
            metadata: [
                "was_failing_for_s": "\(Int(now - recovered.since))"
            ])
        await record(
            SourceStatusRecord(source: source, state: .ok, since: Self.timestamp(now), updatedAt: Self.timestamp(now)))
    }

    /// Updates the state from a request's error; returns the error to throw (with the governor's retry time).
    private func failed(_ error: PlatformSourceError, probe: Bool) async -> PlatformSourceError {
        if error.isSourceFailing {
            let retry = await markFailing(reason: error.reason)
            return error.with(retryAfter: Int(retry.rounded(.up)))
        }
        if error.isRateLimited {
            let remaining = await pause(seconds: error.retryAfter.map(Double.init), reason: error.reason)
            return error.with(retryAfter: Int(remaining.rounded(.up)))
        }
        if error.isUnavailable {
            // The platform answered about the subject: the source works.
            await succeeded()
            return error
        }
        if probe {
            // A 5xx or a timeout says nothing about the credentials: try again after the same interval.
            let now = clock.now()
            state.withLockedValue { state in
                guard var failing = state.failing else { return }
                failing.probing = false
                failing.nextAttemptAt = now + failing.retryInterval
                state.failing = failing
            }
        }
        return error
    }

    private func endProbe() {
        state.withLockedValue { state in state.failing?.probing = false }
    }

    /// Pauses the platform for `seconds` (or the doubling default); returns the seconds left in the pause.
    private func pause(seconds: Double?, reason: String) async -> Double {
        let now = clock.now()
        let (remaining, started) = state.withLockedValue { state -> (Double, Bool) in
            let length =
                seconds
                ?? min(policy.maxPauseSeconds, policy.firstPauseSeconds * pow(2, Double(state.consecutivePauses)))
            state.consecutivePauses += 1
            let wasPaused = state.pausedUntil > now
            if now + length > state.pausedUntil {
                state.pausedUntil = now + length
                state.pauseReason = reason
            }
            return (state.pausedUntil - now, !wasPaused)
        }
        if started {
            logger.warning(
                "platform source paused",
                metadata: ["reason": "\(reason)", "seconds": "\(Int(remaining.rounded(.up)))"])
        }
        await record(
            SourceStatusRecord(
                source: source, state: .paused, reason: reason, since: Self.timestamp(now),
                pausedUntil: Self.timestamp((now + remaining).rounded(.up)), updatedAt: Self.timestamp(now)))
        return remaining
    }

    /// Marks the source failing (or schedules the next probe of a failing one); returns seconds until that probe.
    private func markFailing(reason: String) async -> Double {
        let now = clock.now()
        let (failing, isNew) = state.withLockedValue { state -> (Failing, Bool) in
            if var failing = state.failing {
                if failing.probing || now >= failing.nextAttemptAt {
                    failing.retryInterval = min(policy.maxFailingRetrySeconds, failing.retryInterval * 2)
                    failing.nextAttemptAt = now + failing.retryInterval
                }
                failing.probing = false
                failing.reason = reason
                state.failing = failing
                return (failing, false)
            }
            let failing = Failing(
                reason: reason, since: now, nextAttemptAt: now + policy.firstFailingRetrySeconds,
                retryInterval: policy.firstFailingRetrySeconds, probing: false)
            state.failing = failing
            return (failing, true)
        }
        if isNew {
            logger.error(
                "platform source failing: its subjects wait until it works again", metadata: ["reason": "\(reason)"])
        }
        await record(
            SourceStatusRecord(
                source: source, state: .failing, reason: reason, since: Self.timestamp(failing.since),
                nextAttemptAt: Self.timestamp(failing.nextAttemptAt.rounded(.up)), updatedAt: Self.timestamp(now)))
        return failing.nextAttemptAt - now
    }

    private func record(_ status: SourceStatusRecord) async {
        do {
            try await statuses.save(status)
        } catch {
            logger.warning(
                "could not record the source's status", metadata: ["error": "\(String(describing: error).prefix(200))"])
        }
    }
}
