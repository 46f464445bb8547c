// The collector with the sandbox source on a manual clock: what a refresh stores, when a subject is due again,
// what pausing and deleting do, failures and back-off, claims and leases — on both engines.
import Foundation
import Testing

@testable import CreatorAudit

@Suite("Collector: scheduling and refreshes")
struct CollectorTests {
    @Test(
        "a new account is refreshed at once: profile, posts, snapshots, scrape times; due again one interval later",
        arguments: TestEngines.all)
    func firstRefresh(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let added = try await CollectorFixtures.account(
                database, organization.id, .instagram, "maya.chen", now: clock.timestamp
            ) { $0.scrapeIntervalHours = 6 }
            #expect(added.collectionStatus == .pending)
            #expect(added.collection.nextRefreshAt == clock.timestamp, "due at once")

            let collector = CollectorFixtures.collector(database, clock: clock)
            let pass = await collector.refreshDue()
            #expect(pass.refreshed == 1 && pass.accountsRefreshed == 1)

            let account = try await CollectorFixtures.account(database, added)
            let sandbox = SandboxSource(clock: { clock.timestamp })
            let expected = try await sandbox.refreshAccount(
                platform: .instagram, username: "maya.chen", limits: PostLimits(maxPosts: 50, lookbackDays: 30))
            #expect(account.name == expected.profile.name && account.name != nil)
            #expect(account.description == expected.profile.description)
            #expect(account.profilePicURL == expected.profile.profilePicURL)
            #expect(account.followerCount == expected.profile.followerCount)
            #expect(account.profilePostCount == expected.profile.profilePostCount)
            #expect(account.firstScrapeTime == clock.timestamp && account.lastScrapeTime == clock.timestamp)
            #expect(account.dataSource == "sandbox")
            #expect(account.totalPostCount == Int64(expected.posts.count) && !expected.posts.isEmpty)
            #expect(account.collectionStatus == .ok)
            #expect(account.collection.lastAttemptAt == clock.timestamp)
            #expect(account.collection.consecutiveFailures == 0 && account.collection.lastError == nil)
            // Due again 6 hours later, give or take the 1 % jitter.
            let next = try #require(account.collection.nextRefreshAt)
            #expect(abs(next.seconds - clock.timestamp.seconds - 6 * 3_600) <= 216)
            #expect(try await CollectorFixtures.accountSnapshots(database, account) == 1)

            let videos = try await CollectorFixtures.discovered(database, account)
            #expect(Set(videos.map(\.externalID)) == Set(expected.posts.map(\.externalID)))
            for video in videos {
                let post = try #require(expected.posts.first { $0.externalID == video.externalID })
                #expect(video.counters == post.counters)
                #expect(video.lastScrapeTime == clock.timestamp && video.collectionStatus == .ok)
                #expect(video.collection.nextRefreshAt == next, "refreshed with its account")
            }

            // Nothing is due before then: another pass refreshes nothing and sends nothing.
            clock.advance(3_600)
            #expect(await collector.refreshDue().refreshed == 0)
            clock.advance(Double(next.seconds) - clock.now() + 1)
            #expect(await collector.refreshDue().refreshed == 1)
            #expect(try await CollectorFixtures.accountSnapshots(database, account) == 2)
            let again = try await CollectorFixtures.account(database, added)
            #expect(again.lastScrapeTime == clock.timestamp && again.firstScrapeTime == account.firstScrapeTime)
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)
        }
    }

    @Test(
        "an individually tracked video is refreshed on its own; a counter the platform does not report stays null",
        arguments: TestEngines.all)
    func individualVideo(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let sandbox = SandboxSource(clock: { clock.timestamp })
            let post = try #require(
                sandbox.posts(
                    platform: .tiktok, username: "viral.clips.hub",
                    publishedFrom: clock.timestamp.adding(seconds: -90 * 86_400),
                    through: clock.timestamp
                ).first)
            let added = try await CollectorFixtures.video(
                database, organization.id, .tiktok, externalID: post.externalID, now: clock.timestamp)
            #expect(added.counters == Counters() && added.collectionStatus == .pending)

            #expect(await CollectorFixtures.collector(database, clock: clock).refreshDue().refreshed == 1)
            let video = try await CollectorFixtures.video(database, added)
            #expect(
                video.counters == sandbox.counters(platform: .tiktok, externalID: post.externalID, at: clock.timestamp))
            #expect(video.counters.views != nil && video.counters.saves == nil, "TikTok reports no saves: null, not 0")
            #expect(video.description == post.caption && video.createTime == post.createTime)
            #expect(video.lastScrapeTime == clock.timestamp && video.collectionStatus == .ok)
            #expect(
                try await CollectorFixtures.count(
                    database, "video_snapshots", where: "video_id", is: video.id.description) == 1)
        }
    }

    @Test(
        "pausing an account or its creator stops its refreshes, resuming restarts them; deleting drops the due work",
        arguments: TestEngines.all)
    func pausedAndDeleted(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let tenant = database.tenant(organization.id)
            let now = clock.timestamp
            let paused = try await CollectorFixtures.account(
                database, organization.id, .instagram, "paused.one", now: now)
            _ = try await tenant.accounts.update(paused.id) { $0.isActive = false }
            let creator = try await tenant.creators.create(
                Creator(
                    id: CreatorID(), organizationID: organization.id, name: "Leo", isActive: true, metadata: [:],
                    createdAt: now))
            let underCreator = try await CollectorFixtures.account(
                database, organization.id, .tiktok, "creator.paused", now: now
            ) { $0.creatorID = creator.id }
            _ = try await tenant.creators.update(creator.id) { $0.isActive = false }
            let deleted = try await CollectorFixtures.account(
                database, organization.id, .tiktok, "deleted.one", now: now)
            #expect(try await tenant.accounts.delete(deleted.id))

            let collector = CollectorFixtures.collector(database, clock: clock)
            #expect(await collector.refreshDue() == CollectorTotals(), "nothing is refreshed")
            for account in [paused, underCreator] {
                let row = try await CollectorFixtures.account(database, account)
                #expect(row.lastScrapeTime == nil && row.collectionStatus == .paused)
                #expect(row.collection.nextRefreshAt != nil)
                #expect(try await CollectorFixtures.accountSnapshots(database, account) == 0)
            }
            let figures = try await CollectorQueue(database: database).figures(now: now)
            #expect(figures.map(\.activeAccounts).reduce(0, +) == 0, "paused and deleted accounts are not waiting")

            _ = try await tenant.accounts.update(paused.id) { $0.isActive = true }
            _ = try await tenant.creators.update(creator.id) { $0.isActive = true }
            let pass = await collector.refreshDue()
            #expect(pass.refreshed == 2)
            #expect(try await CollectorFixtures.account(database, paused).collectionStatus == .ok)
            #expect(try await CollectorFixtures.account(database, underCreator).lastScrapeTime == clock.timestamp)
        }
    }

    @Test(
        "a gone or private profile becomes unavailable, backing off from a minute; a source failure only waits",
        arguments: TestEngines.all)
    func failures(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let now = clock.timestamp
            let gone = try await CollectorFixtures.account(database, organization.id, .instagram, "gone_maya", now: now)
            let hidden = try await CollectorFixtures.account(
                database, organization.id, .tiktok, "private_leo", now: now)
            let failing = try await CollectorFixtures.account(
                database, organization.id, .tiktok, "failing_app", now: now)

            let pass = await CollectorFixtures.collector(database, clock: clock).refreshDue()
            #expect(pass.unavailable == 2 && pass.deferred == 1 && pass.refreshed == 0)
            for account in [gone, hidden] {
                let row = try await CollectorFixtures.account(database, account)
                #expect(row.isUnavailable && row.collectionStatus == .unavailable)
                #expect(row.collection.consecutiveFailures == 1 && row.collection.lastAttemptAt == now)
                #expect(row.collection.lastError?.isEmpty == false)
                let wait = try #require(row.collection.nextRefreshAt).seconds - now.seconds
                #expect((48...72).contains(wait), "about a minute: \(wait) s")
                #expect(row.lastScrapeTime == nil && row.followerCount == 0)
            }
            let waiting = try await CollectorFixtures.account(database, failing)
            #expect(waiting.collectionStatus == .sourceFailing && waiting.collection.consecutiveFailures == 0)
            #expect(waiting.collection.lastError?.contains("simulated") == true)
            #expect(!waiting.isUnavailable && waiting.collection.lastAttemptAt == nil)
            let wait = try #require(waiting.collection.nextRefreshAt).seconds - now.seconds
            #expect((60...66).contains(wait), "waits the source's retry time (60 s): \(wait) s")
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)
        }
    }

    @Test("back-off: about a minute, doubling, at most a day, with jitter; intervals move by at most 1 %")
    func retrySchedule() {
        let schedule = RetrySchedule()
        #expect(schedule.backoffSeconds(failures: 1, random: 0) == 48)
        #expect(schedule.backoffSeconds(failures: 1, random: 0.5) == 60)
        #expect(schedule.backoffSeconds(failures: 1, random: 0.999) == 72)
        #expect(schedule.backoffSeconds(failures: 2, random: 0.5) == 120)
        #expect(schedule.backoffSeconds(failures: 5, random: 0.5) == 960)
        for failures in [12, 20, 100, Int.max] {
            #expect(schedule.backoffSeconds(failures: failures, random: 0.999) == 86_400, "capped at a day")
            #expect(schedule.backoffSeconds(failures: failures, random: 0) == 69_120)
        }
        let at = Timestamp(seconds: 1_000_000)
        #expect(schedule.nextRefresh(after: at, intervalHours: 24, random: 0.5).seconds == 1_000_000 + 86_400)
        #expect(schedule.nextRefresh(after: at, intervalHours: 24, random: 0).seconds == 1_000_000 + 86_400 - 864)
        #expect(schedule.deferralSeconds(retryAfter: 120, random: 0) == 120)
        #expect(schedule.deferralSeconds(retryAfter: 120, random: 0.999) <= 132)
        #expect(schedule.deferralSeconds(retryAfter: nil, random: 0) == 60)
    }

    @Test(
        "a claim is a lease: others skip the subject until it ends; a refresh that lost its claim stores nothing",
        arguments: TestEngines.all)
    func leases(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "maya.chen", now: clock.timestamp)
            let queue = CollectorQueue(database: database)
            let now = clock.timestamp
            let first = try await queue.claimAccounts(
                platform: .instagram, limit: 10, owner: "worker a", now: now, leaseUntil: now.adding(seconds: 300))
            #expect(first.map(\.id) == [account.id])
            #expect(first.first?.limits == PostLimits(maxPosts: 50, lookbackDays: 30), "the organization's defaults")
            #expect(
                try await queue.claimAccounts(
                    platform: .instagram, limit: 10, owner: "worker b", now: now, leaseUntil: now.adding(seconds: 300)
                ).isEmpty)
            #expect(try await queue.nextClaimableTime(platform: .instagram) == now.adding(seconds: 300))

            // Worker a's lease runs out; b takes the account over; a's late refresh must not be stored.
            clock.advance(301)
            let later = clock.timestamp
            let taken = try await queue.claimAccounts(
                platform: .instagram, limit: 10, owner: "worker b", now: later, leaseUntil: later.adding(seconds: 300))
            #expect(taken.map(\.id) == [account.id])
            let sandbox = SandboxSource(clock: { clock.timestamp })
            let refresher = Refresher(
                database: database, owner: "worker a", schedule: RetrySchedule(), clock: clock,
                logger: TestDatabase.quietLogger)
            #expect(await refresher.refresh(first, platform: .instagram, with: sandbox) == [.lost])
            #expect(try await CollectorFixtures.accountSnapshots(database, account) == 0)
            #expect(try await CollectorFixtures.account(database, account).lastScrapeTime == nil)
            let owner = Refresher(
                database: database, owner: "worker b", schedule: RetrySchedule(), clock: clock,
                logger: TestDatabase.quietLogger)
            #expect(await owner.refresh(taken, platform: .instagram, with: sandbox) == [.refreshed])
            #expect(try await CollectorFixtures.accountSnapshots(database, account) == 1)
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)
        }
    }

    @Test(
        "a shorter interval brings the next refresh forward; adding a subject wakes an idle collector at once",
        arguments: TestEngines.all)
    func wakeUps(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let organization = try await Fixtures.organization(database)
            // A running collector on the real clock: idle, it sleeps until woken.
            let collector = CollectorFixtures.collector(database, clock: SystemCollectorClock())
            let running = Task { await collector.run() }
            try await Task.sleep(for: .milliseconds(300))
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "maya.chen", now: .now)
            var refreshed: Account?
            for _ in 0..<100 {
                let row = try await CollectorFixtures.account(database, account)
                if row.lastScrapeTime != nil {
                    refreshed = row
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let row = try #require(refreshed, "refreshed within 5 s of being added")
            let next = try #require(row.collection.nextRefreshAt)
            #expect(next.seconds - Timestamp.now.seconds > 23 * 3_600)
            _ = try await database.tenant(organization.id).accounts.update(account.id) { $0.scrapeIntervalHours = 1 }
            let moved = try #require(try await CollectorFixtures.account(database, account).collection.nextRefreshAt)
            #expect(moved.seconds == (row.lastScrapeTime?.seconds ?? 0) + 3_600)
            collector.stop()
            await running.value
            #expect(try await CollectorFixtures.claimsHeld(database) == 0)
        }
    }

    @Test("SQLite: a second collector on the same file is refused with one line naming the first")
    func oneCollectorPerSQLiteFile() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let path = try #require(test.database.sqlitePath)
            let lock = try CollectorLock.acquire(databasePath: path, holder: "creatoraudit serve")
            do {
                _ = try CollectorLock.acquire(databasePath: path, holder: "creatoraudit worker")
                Issue.record("a second lock was granted")
            } catch let error as ConfigurationError {
                #expect(error.description.contains("creatoraudit serve, pid \(getpid())"))
                #expect(!error.description.contains("\n"))
            }
            // The real command, from another process: exit status 1 and one line on stderr naming this process.
            let result = try await CLIRunner.run(["worker"] + test.cliStorageArguments)
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("another collector already works on this SQLite database"))
            #expect(result.stderr.contains("creatoraudit serve, pid \(getpid())"))
            lock.release()
            // Released: the next collector may start.
            let again = try CollectorLock.acquire(databasePath: path, holder: "creatoraudit worker")
            again.release()
        }
    }
}
