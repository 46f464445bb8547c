// Account refreshes stored together (Collector/Scheduler/RefreshCommits.swift, docs/collection.md, "Refreshing": throughput):
// refreshes that finish while a transaction is written go into the next one, and a batch — across organizations
// and platforms, with a lost claim and a post two accounts share — stores each refresh exactly as it would alone.
import Foundation
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
                #expect(stored.followerCount == item.refresh.profile.followerCount && stored.followerCount != nil)
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
