// The scheduler: claims due subjects and refreshes them, asking the platforms `concurrency` at a time (answers
// waiting to be stored hold no turn: `RequestTurns`), until told to stop (docs/collection.md, "Refreshing"). It never
// polls: when nothing is claimable it sleeps until the next subject is due (or its platform's pause ends), or until a
// subject is added (`Database.dueWork`, fed by PostgreSQL notifications in `CollectorService`). Before claiming a
// platform's subjects it asks the platform's source whether it can work at all: a paused platform's subjects are
// not claimed; a failing source gets one probe subject at a time, when its governor allows one, and its due
// subjects show `source_failing`.
//
// Stopping (SIGTERM): no more claims; claimed-but-not-started subjects (queued, or waiting for a request turn) are
// given back at once; refreshes in flight get `shutdownGraceSeconds` to finish, then are cancelled and given back;
// finally every claim this worker still holds is released.
import Foundation
import Logging
import NIOConcurrencyHelpers

/// What a collector has done so far.
public struct CollectorTotals: Sendable, Equatable {
    public var refreshed = 0
    public var retrying = 0
    public var unavailable = 0
    public var deferred = 0
    public var released = 0
    public var lost = 0
    public var accountsRefreshed = 0

    mutating func add(_ result: RefreshResult, account: Bool) {
        switch result {
        case .refreshed:
            refreshed += 1
            if account { accountsRefreshed += 1 }
        case .retrying: retrying += 1
        case .unavailable: unavailable += 1
        case .deferred: deferred += 1
        case .released: released += 1
        case .lost: lost += 1
        }
    }
}

public final class Collector: Sendable {
    /// One unit of work: accounts of one platform asked together (TikTok: several per query), or one video.
    enum Job: Sendable {
        case accounts(Platform, [DueAccount])
        case video(DueVideo)

        var platform: Platform {
            switch self {
            case .accounts(let platform, _): return platform
            case .video(let video): return video.platform
            }
        }
    }

    /// A claimed job; a probe is the one subject a failing source may try (docs/collection.md, "Failures").
    struct Claimed: Sendable {
        let job: Job
        var probe = false
    }

    private enum Event: Sendable {
        case finished(Claimed, [RefreshResult])
        case woke
        case graceOver
    }

    private struct State {
        var stopping = false
        var totals = CollectorTotals()
        var probing: Set<Platform> = []
        var failingMarkedAt: [Platform: Double] = [:]
        var lastClaimError: Double = -.infinity
        var lagMeasuredAt: Double = -.infinity
    }

    public let settings: CollectorSettings
    let database: Database
    let queue: CollectorQueue
    let source: @Sendable (Platform) -> any PlatformSource
    let clock: any CollectorClock
    let logger: Logger
    private let refresher: Refresher
    /// Refreshes by source and outcome, and the scheduler's lag, for the operator (README, "Operations").
    let metrics: ServerMetrics?
    private let stopSignal = DueWorkSignal()
    private let state: NIOLockedValueBox<State>

    /// Jobs in flight at once: `concurrency` asking their platform, and answers waiting to be stored — as many as
    /// there are turns, and at least one full batch of `RefreshCommits` (`RequestTurns`).
    var jobLimit: Int { settings.concurrency + max(settings.concurrency, RefreshCommits.maximumBatch) }

    public convenience init(
        database: Database, sources: PlatformSources, settings: CollectorSettings = CollectorSettings(),
        clock: any CollectorClock = SystemCollectorClock(), metrics: ServerMetrics? = nil, logger: Logger
    ) {
        self.init(
            database: database, source: { sources.source(for: $0) }, settings: settings, clock: clock,
            metrics: metrics, logger: logger)
    }

    /// `source` answers which source collects a platform (tests hand in their own).
    public init(
        database: Database, source: @escaping @Sendable (Platform) -> any PlatformSource,
        settings: CollectorSettings = CollectorSettings(), clock: any CollectorClock = SystemCollectorClock(),
        metrics: ServerMetrics? = nil, logger: Logger
    ) {
        self.settings = settings
        self.metrics = metrics
        self.database = database
        self.queue = CollectorQueue(database: database)
        self.source = source
        self.clock = clock
        var logger = logger
        logger[metadataKey: "component"] = "collector"
        self.logger = logger
        let state = NIOLockedValueBox(State())
        self.state = state
        self.refresher = Refresher(
            database: database, owner: settings.owner, schedule: settings.schedule, clock: clock, logger: logger,
            turns: RequestTurns(limit: settings.concurrency, stopping: { state.withLockedValue { $0.stopping } }))
    }

    public var totals: CollectorTotals { state.withLockedValue { $0.totals } }

    /// Collects until `stop()`; then gives back what it holds (see the file's header).
    public func run() async {
        _ = await loop(untilIdle: false)
    }

    /// Refreshes everything claimable now, then returns what it did (tests; the service uses `run`).
    @discardableResult
    public func refreshDue() async -> CollectorTotals {
        await loop(untilIdle: true)
    }

    /// Stop claiming; `run` returns once refreshes in flight are done or released.
    public func stop() {
        state.withLockedValue { $0.stopping = true }
        stopSignal.notify()
    }

    private var stopping: Bool { state.withLockedValue { $0.stopping } }

    // MARK: The loop

    private func loop(untilIdle: Bool) async -> CollectorTotals {
        var pass = CollectorTotals()
        await withTaskGroup(of: Event.self) { group in
            var running = 0
            var queued: [Claimed] = []
            var drained = false
            var wakeAt: Double?
            // Deadlines of the waiters in the group (a waiter ends at its deadline, on new work, or on `stop()`).
            var waiters: [Double] = []
            var generation = database.dueWork.generation
            while true {
                // Read before looking at `stopping`: a `stop()` after this read changes it and wakes the waiter.
                let stopGeneration = stopSignal.generation
                // A cancelled task (its service group failed) stops like a stopped collector.
                if stopping || Task.isCancelled { break }
                if queued.isEmpty && !drained && running < jobLimit {
                    await measureLag()
                    generation = database.dueWork.generation
                    let round = await claimRound(limit: settings.concurrency)
                    queued = round.jobs
                    if round.exhausted {
                        drained = true
                        wakeAt = await nextWake()
                    }
                }
                while running < jobLimit, !queued.isEmpty {
                    let claimed = queued.removeFirst()
                    group.addTask { [self] in .finished(claimed, await perform(claimed.job)) }
                    running += 1
                }
                // Room for more and more may be due: claim the next round at once.
                if running < jobLimit && queued.isEmpty && !drained { continue }
                if running == 0 && queued.isEmpty && untilIdle { break }
                if !untilIdle {
                    // Always listening while looping: for new work, for the next due time, and for `stop()`. A new
                    // waiter only when it would wake earlier than the ones already waiting.
                    let seconds = drained ? idleSeconds(until: wakeAt) : settings.idleCheckSeconds
                    let deadline = clock.now() + seconds
                    if deadline < (waiters.min() ?? .infinity) - 0.5 {
                        let since = generation
                        group.addTask { [self] in
                            await waitForWork(since: since, stopGeneration: stopGeneration, seconds: seconds)
                            return .woke
                        }
                        waiters.append(deadline)
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .finished(let claimed, let results):
                    running -= 1
                    record(claimed, results, into: &pass)
                    // After a probe the source may work again: look at once, not at the next due time.
                    if claimed.probe || untilIdle { drained = false }
                case .woke:
                    if let first = waiters.indices.min(by: { waiters[$0] < waiters[$1] }) { waiters.remove(at: first) }
                    drained = false
                case .graceOver:
                    break
                }
            }
            await shutDown(group: &group, running: running, queued: queued, pass: &pass)
        }
        return pass
    }

    private func record(_ claimed: Claimed, _ results: [RefreshResult], into pass: inout CollectorTotals) {
        let isAccount: Bool
        if case .accounts = claimed.job { isAccount = true } else { isAccount = false }
        state.withLockedValue { state in
            if claimed.probe { state.probing.remove(claimed.job.platform) }
            for result in results { state.totals.add(result, account: isAccount) }
        }
        for result in results { pass.add(result, account: isAccount) }
    }

    private func perform(_ job: Job) async -> [RefreshResult] {
        let source = source(job.platform)
        let started = ContinuousClock.now
        let results: [RefreshResult]
        switch job {
        case .accounts(let platform, let accounts):
            results = await refresher.refresh(accounts, platform: platform, with: source)
        case .video(let video):
            results = [await refresher.refresh(video, with: source)]
        }
        if let metrics {
            // A batch of accounts is one call to the platform: each gets the batch's time.
            let duration = ContinuousClock.now - started
            for result in results {
                metrics.recordRefresh(source: source.name, outcome: Self.outcome(result), duration: duration)
            }
        }
        return results
    }

    /// The metric's word for a result (fixed words, never a subject's id or name).
    static func outcome(_ result: RefreshResult) -> String {
        switch result {
        case .refreshed: return "ok"
        case .retrying: return "failed"
        case .unavailable: return "unavailable"
        case .deferred: return "deferred"
        case .released: return "released"
        case .lost: return "lost"
        }
    }

    /// How long the longest-waiting claimable subject of a ready platform has been due: at most every 5 s, before a
    /// claim round (two indexed MIN queries per platform).
    private func measureLag() async {
        guard let metrics else { return }
        let now = clock.now()
        let due = state.withLockedValue { state -> Bool in
            guard now - state.lagMeasuredAt >= 5 else { return false }
            state.lagMeasuredAt = now
            return true
        }
        guard due else { return }
        var oldest: Double?
        for platform in Platform.allCases {
            guard case .ready = source(platform).availability(),
                let time = try? await queue.nextClaimableTime(platform: platform)
            else { continue }
            oldest = min(oldest ?? Double(time.seconds), Double(time.seconds))
        }
        metrics.setSchedulerLag(seconds: oldest.map { now - $0 } ?? 0)
    }

    /// Seconds to sleep until `wakeAt` — at least one (a subject claimable now that no claim got is another
    /// worker's this instant), at most the idle check.
    private func idleSeconds(until wakeAt: Double?) -> Double {
        guard let wakeAt else { return settings.idleCheckSeconds }
        return min(settings.idleCheckSeconds, max(1, wakeAt - clock.now()))
    }

    private func waitForWork(since generation: UInt64, stopGeneration: UInt64, seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.database.dueWork.wait(since: generation, seconds: seconds) }
            group.addTask { await self.stopSignal.wait(since: stopGeneration, seconds: seconds) }
            await group.next()
            group.cancelAll()
        }
    }

    private func shutDown(
        group: inout TaskGroup<Event>, running: Int, queued: [Claimed], pass: inout CollectorTotals
    ) async {
        var running = running
        if !queued.isEmpty {
            await giveBack(queued.map(\.job))
            for claimed in queued {
                record(claimed, Array(repeating: .released, count: Self.subjects(claimed.job)), into: &pass)
            }
        }
        if running > 0 {
            let grace = settings.shutdownGraceSeconds
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(0, grace) * 1_000_000_000))
                return .graceOver
            }
            while running > 0, let event = await group.next() {
                switch event {
                case .finished(let claimed, let results):
                    running -= 1
                    record(claimed, results, into: &pass)
                case .graceOver:
                    logger.warning(
                        "refreshes still running after the shutdown grace period; cancelling them",
                        metadata: ["running": "\(running)"])
                    group.cancelAll()
                case .woke:
                    break
                }
            }
        }
        group.cancelAll()
        while await group.next() != nil {}
        // Whatever this worker still holds (nothing, normally) is free again at once, not after its lease.
        let owner = settings.owner
        let queue = queue
        if case .failure(let error) = await Task(operation: { try await queue.releaseAll(owner: owner) }).result {
            logger.warning(
                "could not release this collector's claims; they expire with their lease",
                metadata: ["error": "\(String(describing: error).prefix(200))"])
        }
    }

    private static func subjects(_ job: Job) -> Int {
        switch job {
        case .accounts(_, let accounts): return accounts.count
        case .video: return 1
        }
    }

    private func giveBack(_ jobs: [Job]) async {
        var accounts: [AccountID] = []
        var videos: [VideoID] = []
        for job in jobs {
            switch job {
            case .accounts(_, let due): accounts += due.map(\.id)
            case .video(let video): videos.append(video.id)
            }
        }
        let owner = settings.owner
        let queue = queue
        _ = await Task { try await queue.release(accounts: accounts, videos: videos, owner: owner) }.result
    }

    // MARK: Claims

    /// Claims up to `limit` jobs per platform whose source can work now, every platform in one transaction
    /// (`CollectorQueue.claim`). `exhausted`: no platform had more.
    private func claimRound(limit: Int) async -> (jobs: [Claimed], exhausted: Bool) {
        let now = clock.timestamp
        let leaseUntil = now.adding(seconds: settings.leaseSeconds)
        let owner = settings.owner
        var jobs: [Claimed] = []
        var exhausted = true
        do {
            // What to ask of each platform: nothing while paused; one probe subject while its source is failing.
            var requests: [CollectorQueue.ClaimRequest] = []
            var probes: Set<Platform> = []
            for platform in Platform.allCases {
                let source = source(platform)
                switch source.availability() {
                case .ready:
                    break
                case .paused:
                    continue
                case .failing(let reason, let nextAttemptAt):
                    try await showFailing(platform, reason: reason, now: now)
                    // One probe subject at a time, when the governor will let one request through.
                    let probing = state.withLockedValue { $0.probing.contains(platform) }
                    guard nextAttemptAt <= now, !probing else { continue }
                    probes.insert(platform)
                }
                let probe = probes.contains(platform)
                requests.append(
                    CollectorQueue.ClaimRequest(
                        platform: platform, jobs: probe ? 1 : limit, accountBatch: source.accountBatchSize))
            }
            let claimed = try await queue.claim(requests, owner: owner, now: now, leaseUntil: leaseUntil)
            for request in requests {
                let platform = request.platform
                let probe = probes.contains(platform)
                let claim = claimed[platform] ?? CollectorQueue.Claim()
                var platformJobs = claim.videos.map { Claimed(job: .video($0), probe: probe) }
                platformJobs += claim.accounts.chunked(request.accountBatch).map {
                    Claimed(job: .accounts(platform, Array($0)), probe: probe)
                }
                if probe {
                    if !platformJobs.isEmpty { state.withLockedValue { _ = $0.probing.insert(platform) } }
                } else if claim.full {
                    exhausted = false
                }
                jobs += platformJobs
            }
        } catch {
            let shouldLog = state.withLockedValue { state -> Bool in
                defer { state.lastClaimError = clock.now() }
                return clock.now() - state.lastClaimError > 60
            }
            if shouldLog {
                logger.error(
                    "could not claim due work; trying again shortly",
                    metadata: ["error": "\(String(describing: error).prefix(300))"])
            }
            return (jobs, true)
        }
        return (jobs, exhausted)
    }

    /// Marks the failing platform's due subjects `source_failing` (at most every 30 s: it is a bulk update).
    private func showFailing(_ platform: Platform, reason: String, now: Timestamp) async throws {
        let due = state.withLockedValue { state -> Bool in
            guard clock.now() - (state.failingMarkedAt[platform] ?? -.infinity) >= 30 else { return false }
            state.failingMarkedAt[platform] = clock.now()
            return true
        }
        if due { try await queue.markSourceFailing(platform: platform, reason: reason, now: now) }
    }

    /// When something may become claimable: the next due subject of each platform, not before its source can work.
    private func nextWake() async -> Double? {
        var earliest: Double?
        for platform in Platform.allCases {
            guard let due = try? await queue.nextClaimableTime(platform: platform) else { continue }
            var time = Double(due.seconds)
            switch source(platform).availability() {
            case .ready: break
            case .paused(let until, _): time = max(time, Double(until.seconds))
            case .failing(_, let nextAttemptAt): time = max(time, Double(nextAttemptAt.seconds))
            }
            earliest = min(earliest ?? time, time)
        }
        return earliest
    }
}
