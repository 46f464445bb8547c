// Account refreshes stored together (Collector/Scheduler/RefreshCommits.swift, docs/collection.md, "Refreshing": throughput):
// refreshes that finish while a transaction is written go into the next one, and a batch — across organizations
// and platforms, with a lost claim and a post two accounts share — stores each refresh exactly as it would alone.
import Foundation
import SQLiteNIO
import Synchronization
import Testing

@testable import CreatorAudit

@Suite("Collector: refreshes stored together")
struct CollectorBatchTests {
    @Test(
        "one batch: each refresh stored as alone, a lost claim stores nothing, a shared post is one video, levels equal a rebuild",
        arguments: TestEngines.all)
    func batch(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let first = try await Fixtures.organization(database)
            let second = try await Fixtures.organization(database)
            var added: [Account] = []
            for name in ["maya.chen", "lena.travels", "gone.soon"] {
                added.append(try await CollectorFixtures.account(database, first.id, .instagram, name, now: clock.timestamp))
            }
            for name in ["viral.clips.hub", "daily.dance"] {
                added.append(try await CollectorFixtures.account(database, second.id, .tiktok, name, now: clock.timestamp))
            }
            let queue = CollectorQueue(database: database)
            var claimed: [DueAccount] = []
            for platform in [Platform.instagram, .tiktok] {
                claimed += try await queue.claimAccounts(
                    platform: platform, limit: 10, owner: "batch test", now: clock.timestamp,
                    leaseUntil: clock.timestamp.adding(seconds: 600))
            }
            #expect(claimed.count == 5)
            let sandbox = SandboxSource(clock: { clock.timestamp })
            var items: [RefreshCommits.Item] = []
            for account in claimed {
                let refresh = try await sandbox.refreshAccount(
                    platform: account.platform, username: account.username, limits: account.limits)
                #expect(!refresh.posts.isEmpty)
                items.append(RefreshCommits.Item(refresh: refresh, account: account, source: "sandbox"))
            }
            // Two Instagram accounts share a post (a collaboration) that neither has yet.
            let shared = PlatformPost(
                platform: .instagram, externalID: "collab-1", url: "https://www.instagram.com/p/collab1/",
                counters: Counters(likes: 10, comments: 2))
            let sharing = items.indices.filter { ["maya.chen", "lena.travels"].contains(items[$0].account.username) }
            for index in sharing { items[index].refresh.posts.append(shared) }
            // The claim on gone.soon is lost before the batch is stored: the account was deleted.
            let gone = try #require(claimed.first { $0.username == "gone.soon" })
            #expect(try await database.tenant(first.id).accounts.delete(gone.id))

            let refresher = Refresher(
                database: database, owner: "batch test", schedule: RetrySchedule(), clock: clock,
                logger: TestDatabase.quietLogger)
            let results = await refresher.store(items)
            #expect(results == claimed.map { $0.id == gone.id ? .lost : .refreshed })

            for item in items where item.account.id != gone.id {
                let stored = try await CollectorFixtures.account(database, try #require(added.first { $0.id == item.account.id }))
                #expect(item.refresh.profile.followerCount != nil && stored.followerCount == item.refresh.profile.followerCount)
                #expect(stored.lastScrapeTime == item.refresh.observedAt && stored.collectionStatus == .ok)
                #expect(try await CollectorFixtures.accountSnapshots(database, stored) == 1)
                let videos = try await CollectorFixtures.discovered(database, stored)
                let own = Set(item.refresh.posts.map(\.externalID)).subtracting(["collab-1"])
                #expect(Set(videos.map(\.externalID)).subtracting(["collab-1"]) == own)
                for video in videos where video.externalID != "collab-1" {
                    let post = try #require(item.refresh.posts.first { $0.externalID == video.externalID })
                    #expect(video.counters == post.counters && video.lastScrapeTime == item.refresh.observedAt)
                }
                #expect(stored.totalPostCount == Int64(videos.count))
            }
            // The shared post is one video, discovered on the first account that reported it, with one snapshot per
            // account that saw it at that instant (the second is the same instant: kept once).
            #expect(try await CollectorFixtures.count(database, "videos", where: "external_id", is: "collab-1") == 1)
            #expect(try await CollectorFixtures.count(database, "account_snapshots", where: "account_id", is: gone.id.description) == 0)
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)

            // The organizations' and accounts' levels, written once for the whole batch, equal a rebuild.
            let today = UTCDay.of(clock.timestamp)
            for organization in [first.id, second.id] {
                let store = database.tenant(organization)
                let subjects: [LevelSubject] = [.organization] + (try await store.accounts.ids(linkedTo: nil)).map { .account($0) }
                var written: [[[Int64]]] = []
                for subject in subjects {
                    written.append(try await SubjectLevelsTests.evaluated(database, organization, subject, first: today - 120, last: today))
                }
                try await store.write { db in try await store.levels.rebuild(in: db) }
                var rebuilt: [[[Int64]]] = []
                for subject in subjects {
                    rebuilt.append(try await SubjectLevelsTests.evaluated(database, organization, subject, first: today - 120, last: today))
                }
                #expect(written == rebuilt)
            }
        }
    }

    @Test(
        "a post first seen is stored with its counters and schedule at once, exactly as a later refresh writes them",
        arguments: TestEngines.all)
    func firstSeen(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "maya.chen", now: clock.timestamp)
            let queue = CollectorQueue(database: database)
            let sandbox = SandboxSource(clock: { clock.timestamp })
            let refresher = Refresher(
                database: database, owner: "first seen test", schedule: RetrySchedule(), clock: clock,
                logger: TestDatabase.quietLogger)
            var firstSeenAt: [String: Timestamp] = [:]
            var timesSeen: [String: Int] = [:]
            for round in 0..<2 {
                if round == 1 {
                    clock.advance(86_400 + 3_600)
                    try await CollectorFixtures.makeDue(database, "accounts", account.id.description, at: clock.timestamp)
                }
                let claimed = try await queue.claimAccounts(
                    platform: .instagram, limit: 10, owner: "first seen test", now: clock.timestamp,
                    leaseUntil: clock.timestamp.adding(seconds: 600))
                let due = try #require(claimed.first)
                let refresh = try await sandbox.refreshAccount(
                    platform: .instagram, username: due.username, limits: due.limits)
                #expect(refresh.posts.count >= 3)
                let results = await refresher.store([RefreshCommits.Item(refresh: refresh, account: due, source: "sandbox")])
                #expect(results == [.refreshed])

                let stored = try await CollectorFixtures.account(database, account)
                let next = try #require(stored.collection.nextRefreshAt)
                #expect(next > clock.timestamp.adding(seconds: 20 * 3_600))
                let videos = try await CollectorFixtures.discovered(database, stored)
                for post in refresh.posts {
                    let video = try #require(videos.first { $0.externalID == post.externalID })
                    let first = firstSeenAt[post.externalID] ?? refresh.observedAt
                    firstSeenAt[post.externalID] = first
                    timesSeen[post.externalID, default: 0] += 1
                    #expect(video.counters == post.counters)
                    #expect(video.firstScrapeTime == first && video.lastScrapeTime == refresh.observedAt)
                    #expect(video.collection.nextRefreshAt == next && video.collection.lastAttemptAt == clock.timestamp)
                    #expect(video.collectionStatus == .ok && video.collection.consecutiveFailures == 0)
                    #expect(try await CollectorFixtures.count(database, "video_snapshots", where: "video_id", is: video.id.description) == timesSeen[post.externalID])
                }
            }
        }
    }

    @Test("an answer waiting for the SQLite write lock holds no request turn; a bounded number of answers wait")
    func turns() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            for index in 0..<8 {
                try await CollectorFixtures.account(database, organization.id, .instagram, "turns.\(index)", now: clock.timestamp)
            }
            let source = GatedSource(SandboxSource(clock: { clock.timestamp }))
            let collector = CollectorFixtures.collector(database, clock: clock, concurrency: 2, sources: { _ in source })
            // Two turns; jobs in flight: the two asking, and at least one full batch of answers waiting to be stored.
            #expect(collector.jobLimit == 2 + RefreshCommits.maximumBatch)
            let running = Task { await collector.run() }
            // All eight claimed (in rounds of two: every claim is a write); only the first two are asking.
            try await Self.waitUntil("eight accounts claimed, two requests asked") {
                try await CollectorFixtures.claimsHeld(database) == 8 && source.requests == 2
            }
            #expect(source.requests == 2)
            // Another connection holds the database's write lock: no refresh can be stored meanwhile (a store waits
            // up to 5 s for it, so the lock is held briefly).
            let holder = try await SQLiteConnection.open(storage: .file(path: test.dataDir + "/creatoraudit.sqlite"))
            _ = try await holder.query("BEGIN IMMEDIATE")
            source.open()
            // The first answers wait for the lock without their turns: the other six jobs ask, two at a time.
            try await Self.waitUntil("every claimed job asked while the first answers wait", seconds: 3) {
                source.requests == 8
            }
            #expect(source.requests == 8 && source.mostAtOnce <= 2)
            _ = try await holder.query("ROLLBACK")
            try await holder.close()
            try await Self.waitUntil("all eight refreshed", seconds: 60) { collector.totals.accountsRefreshed == 8 }
            collector.stop()
            await running.value
            #expect(collector.totals.accountsRefreshed == 8 && source.requests == 8 && source.mostAtOnce <= 2)
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)
        }
    }

    static func waitUntil(_ what: String, seconds: Int = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("refreshes finishing during a write go together into the next; a waiting refresh that is cancelled is released")
    func grouping() async throws {
        let commits = RefreshCommits()
        let batches = Mutex<[[String]]>([])
        let gate = AsyncStream<Void>.makeStream()
        let write: RefreshCommits.Write = { items in
            let first = batches.withLock { seen in
                seen.append(items.map(\.account.username))
                return seen.count == 1
            }
            if first { for await _ in gate.stream { break } }  // the first write waits until the others queue
            return items.map { _ in .refreshed }
        }
        let leader = Task { await commits.store(Self.item("leader"), write: write) }
        while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        var followers: [Task<RefreshResult, Never>] = []
        for index in 0..<5 {
            followers.append(Task { await commits.store(Self.item("follower \(index)"), write: write) })
        }
        let cancelled = Task { await commits.store(Self.item("cancelled"), write: write) }
        try await Task.sleep(for: .milliseconds(200))
        cancelled.cancel()
        #expect(await cancelled.value == .released)
        gate.continuation.yield()
        #expect(await leader.value == .refreshed)
        for follower in followers { #expect(await follower.value == .refreshed) }
        let seen = batches.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.first == ["leader"])
        #expect(Set(seen.last ?? []) == Set((0..<5).map { "follower \($0)" }), "the five that waited, in one batch")
    }

    static func item(_ username: String) -> RefreshCommits.Item {
        RefreshCommits.Item(
            refresh: AccountRefresh(
                observedAt: Timestamp(seconds: 0),
                profile: AccountProfile(platform: .instagram, username: username), posts: []),
            account: DueAccount(
                id: AccountID(uuid: UUID()), organizationID: OrganizationID(uuid: UUID()), platform: .instagram,
                username: username, limits: PostLimits(maxPosts: 10, lookbackDays: 30), scrapeIntervalHours: 24,
                consecutiveFailures: 0),
            source: "test")
    }
}

/// The sandbox behind a gate: requests wait until `open()`; counts requests and the most in flight at once.
private final class GatedSource: PlatformSource {
    private struct State {
        var open = false
        var requests = 0
        var inFlight = 0
        var mostAtOnce = 0
    }
    private let sandbox: SandboxSource
    private let state = Mutex(State())

    init(_ sandbox: SandboxSource) { self.sandbox = sandbox }

    var name: String { sandbox.name }
    var requests: Int { state.withLock { $0.requests } }
    var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }
    func open() { state.withLock { $0.open = true } }

    func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh {
        state.withLock { state in
            state.requests += 1
            state.inFlight += 1
            state.mostAtOnce = max(state.mostAtOnce, state.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        while !state.withLock({ $0.open }) { try await Task.sleep(for: .milliseconds(5)) }
        return try await sandbox.refreshAccount(platform: platform, username: username, limits: limits)
    }

    func refreshVideo(platform: Platform, externalID: String, ownerUsername: String?) async throws -> VideoRefresh {
        try await sandbox.refreshVideo(platform: platform, externalID: externalID, ownerUsername: ownerUsername)
    }

    func availability() -> SourceAvailability { sandbox.availability() }
}
