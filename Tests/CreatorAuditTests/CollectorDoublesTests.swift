// The collector with the real Instagram and TikTok sources against the platform doubles, on a manual clock shared
// by the sources, their governors and the doubles: what reaches the database when the platforms page, leave
// counters out, lose accounts, reject the token, throttle, run out of budget or answer garbage — on both engines.
import Foundation
import PlatformDoubles
import Testing

@testable import CreatorAudit

@Suite("Collector against the platform doubles")
struct CollectorDoublesTests {
    /// A collector whose Instagram and TikTok sources are `instagram` and `tiktok`.
    static func collector(
        _ bed: SourceTestbed, instagram: InstagramSource? = nil, tiktok: TikTokSource? = nil, concurrency: Int = 8
    ) -> Collector {
        let instagram = instagram ?? bed.instagram()
        let tiktok = tiktok ?? bed.tiktok()
        return CollectorFixtures.collector(bed.database, clock: bed.clock, concurrency: concurrency) { platform in
            platform == .instagram ? instagram as any PlatformSource : tiktok
        }
    }

    /// A business account like `bed.instagramAccount`, with media ids of its own (the fixture's ids repeat).
    static func instagramAccount(
        _ bed: SourceTestbed, _ username: String, posts: Int, every: Double = 43_200, offset: UInt64,
        hidesLikeCounts: Bool = false
    ) -> InstagramAccountDouble {
        var account = bed.instagramAccount(username, posts: posts, every: every, hidesLikeCounts: hidesLikeCounts)
        account.media = account.media.enumerated().map { index, media in
            var media = media
            media.id = String(18_000_000_000_000_000 + offset * 10_000 + UInt64(index))
            media.shortcode = "S\(offset)x\(index)"
            return media
        }
        return account
    }

    /// A public TikTok account like `bed.tiktokUser`, with video ids of its own (the fixture's ids depend only on
    /// the creation time, so they repeat across accounts).
    static func tiktokUser(_ bed: SourceTestbed, _ username: String, videos: Int, offset: UInt64) -> TikTokUserDouble {
        var user = bed.tiktokUser(username, videos: videos)
        user.videos = user.videos.enumerated().map { index, video in
            var video = video
            video.id = UInt64(video.createTime) << 32 | (offset * 1_000 + UInt64(index))
            return video
        }
        return user
    }

    static func instagramRequests(_ bed: SourceTestbed) -> Int { bed.requests(.instagram).count }

    @Test(
        "an account refresh pages through the posts up to the cap and stops at the look-back",
        arguments: TestEngines.all)
    func pagination(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            bed.world.put(Self.instagramAccount(bed, "capped", posts: 40, offset: 1))
            bed.world.put(Self.instagramAccount(bed, "lookback", posts: 40, offset: 2))
            let organization = try await Fixtures.organization(database)
            let now = bed.clock.timestamp
            let capped = try await CollectorFixtures.account(database, organization.id, .instagram, "capped", now: now)
            {
                $0.maxRecentPostsPerAccount = 12
            }
            // A post every 12 hours: a 5-day look-back holds 10 of them (the newest is an hour old).
            let recent = try await CollectorFixtures.account(
                database, organization.id, .instagram, "lookback", now: now
            ) {
                $0.postLookbackDays = 5
            }
            let collector = Self.collector(bed, instagram: bed.instagram(pageSize: 5))
            #expect(await collector.refreshDue().refreshed == 2)

            let cappedVideos = try await CollectorFixtures.discovered(database, capped)
            #expect(cappedVideos.count == 12)
            let cappedPages = bed.requests(.instagram).filter { $0.uri.contains("capped") }
            #expect(cappedPages.count == 3, "pages of 5, 5 and 2")
            let recentVideos = try await CollectorFixtures.discovered(database, recent)
            #expect(recentVideos.count == 10)
            let oldest = now.adding(seconds: -5 * 86_400)
            #expect(recentVideos.allSatisfy { ($0.createTime ?? oldest) >= oldest })
            #expect(try await CollectorFixtures.account(database, capped).totalPostCount == 12)
            for video in cappedVideos + recentVideos {
                #expect(video.dataSource == "instagram" && video.accountID != nil)
            }
        }
    }

    @Test(
        "a counter the platform does not report stays null, never 0 — through every refresh",
        arguments: TestEngines.all)
    func missingCounters(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            bed.world.put(Self.instagramAccount(bed, "hidden.likes", posts: 3, offset: 3, hidesLikeCounts: true))
            let organization = try await Fixtures.organization(database)
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "hidden.likes", now: bed.clock.timestamp)
            let collector = Self.collector(bed)
            #expect(await collector.refreshDue().refreshed == 1)
            bed.clock.advance(25 * 3_600)
            #expect(await collector.refreshDue().refreshed == 1)
            let videos = try await CollectorFixtures.discovered(database, account)
            #expect(videos.count == 3)
            for video in videos {
                #expect(video.counters.comments != nil)
                #expect(video.counters.likes == nil, "hidden likes are unknown")
                #expect(video.counters.views == nil && video.counters.plays == nil, "business discovery has no views")
                #expect(video.counters.shares == nil && video.counters.saves == nil)
                #expect(
                    try await CollectorFixtures.count(
                        database, "video_snapshots", where: "video_id", is: video.id.description) == 2)
            }
        }
    }

    @Test(
        "a profile that is gone becomes unavailable, keeps its values, and comes back when it answers again",
        arguments: TestEngines.all)
    func unavailableAndBack(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            let double = Self.instagramAccount(bed, "comes.and.goes", posts: 2, offset: 4)
            bed.world.put(double)
            let tiktokUser = bed.tiktokUser("private.later", videos: 2)
            bed.world.put(tiktokUser)
            let organization = try await Fixtures.organization(database)
            let now = bed.clock.timestamp
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "comes.and.goes", now: now)
            let tiktok = try await CollectorFixtures.account(
                database, organization.id, .tiktok, "private.later", now: now)
            let collector = Self.collector(bed)
            #expect(await collector.refreshDue().refreshed == 2)
            let good = try await CollectorFixtures.account(database, account)

            bed.world.removeInstagram("comes.and.goes")
            bed.world.updateTikTok("private.later") { $0.isPrivate = true }
            bed.clock.advance(25 * 3_600)
            #expect(await collector.refreshDue().unavailable == 2)
            for subject in [account, tiktok] {
                let row = try await CollectorFixtures.account(database, subject)
                #expect(row.isUnavailable && row.collectionStatus == .unavailable)
                #expect(row.collection.consecutiveFailures == 1 && row.collection.lastError != nil)
            }
            let gone = try await CollectorFixtures.account(database, account)
            #expect(gone.followerCount == good.followerCount && gone.lastScrapeTime == good.lastScrapeTime)
            #expect(gone.name == good.name, "the last good profile stays")

            bed.world.put(double)
            bed.world.updateTikTok("private.later") { $0.isPrivate = false }
            bed.clock.advance(80)
            #expect(await collector.refreshDue().refreshed == 2, "retried after the back-off")
            for subject in [account, tiktok] {
                let row = try await CollectorFixtures.account(database, subject)
                #expect(!row.isUnavailable && row.collectionStatus == .ok)
                #expect(row.collection.consecutiveFailures == 0 && row.collection.lastError == nil)
                #expect(row.lastScrapeTime == bed.clock.timestamp)
            }
        }
    }

    @Test(
        "an expired token: the source fails, subjects wait untouched, one probe a minute, all resume when it works",
        arguments: TestEngines.all)
    func tokenExpiry(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            let organization = try await Fixtures.organization(database)
            var accounts: [Account] = []
            for index in 0..<3 {
                bed.world.put(Self.instagramAccount(bed, "expiry\(index)", posts: 2, offset: 10 + UInt64(index)))
                accounts.append(
                    try await CollectorFixtures.account(
                        database, organization.id, .instagram, "expiry\(index)", now: bed.clock.timestamp))
            }
            let instagram = bed.instagram(policy: SourceGovernor.Policy(maxConcurrentRequests: 1))
            let collector = Self.collector(bed, instagram: instagram)
            #expect(await collector.refreshDue().refreshed == 3)
            let before = try await accounts.asyncMap { try await CollectorFixtures.account(database, $0) }

            bed.world.expireInstagramToken()
            bed.clock.advance(25 * 3_600)
            let pass = await collector.refreshDue()
            #expect(pass.refreshed == 0 && pass.retrying == 0 && pass.unavailable == 0)
            #expect(Self.instagramRequests(bed) <= 3 + 2 + 1, "one refused request, and nothing sent once failing")
            guard case .failing(let reason, _) = instagram.availability() else {
                Issue.record("the source is not failing")
                return
            }
            #expect(!reason.contains(bed.credentials.instagramAccessToken))
            for (account, old) in zip(accounts, before) {
                let row = try await CollectorFixtures.account(database, account)
                #expect(row.collectionStatus == .sourceFailing, "\(account.username)")
                #expect(row.collection.consecutiveFailures == 0 && !row.isUnavailable)
                #expect(row.followerCount == old.followerCount && row.lastScrapeTime == old.lastScrapeTime)
                #expect(row.collection.lastAttemptAt == old.collection.lastAttemptAt)
            }
            // While failing, passes send nothing until the governor's next probe.
            let sent = Self.instagramRequests(bed)
            #expect(await collector.refreshDue() == CollectorTotals())
            #expect(Self.instagramRequests(bed) == sent)

            // The probe after a minute still fails: one request, nothing punished.
            bed.clock.advance(70)
            _ = await collector.refreshDue()
            #expect(Self.instagramRequests(bed) == sent + 1)

            // The token works again: the next probe succeeds and everything due is refreshed.
            bed.world.restoreInstagramToken()
            bed.clock.advance(200)
            let recovered = await collector.refreshDue()
            #expect(recovered.refreshed == 3)
            #expect(instagram.availability() == .ready)
            for account in accounts {
                let row = try await CollectorFixtures.account(database, account)
                #expect(row.collectionStatus == .ok && row.lastScrapeTime == bed.clock.timestamp)
            }
        }
    }

    @Test(
        "a 429 or usage at 100 % pauses the platform: nothing is claimed or sent until the pause ends",
        arguments: TestEngines.all)
    func rateLimits(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            let organization = try await Fixtures.organization(database)
            var accounts: [Account] = []
            for index in 0..<3 {
                bed.world.put(Self.instagramAccount(bed, "limited\(index)", posts: 1, offset: 20 + UInt64(index)))
                accounts.append(
                    try await CollectorFixtures.account(
                        database, organization.id, .instagram, "limited\(index)", now: bed.clock.timestamp))
            }
            let instagram = bed.instagram(policy: SourceGovernor.Policy(maxConcurrentRequests: 1))
            let collector = Self.collector(bed, instagram: instagram)
            bed.world.inject(.rateLimited(retryAfter: 600), on: .instagram, times: 1)
            let first = await collector.refreshDue()
            #expect(first.refreshed == 0 && first.deferred == 3)
            #expect(Self.instagramRequests(bed) == 1, "one 429, then nothing sent")
            guard case .paused = instagram.availability() else {
                Issue.record("the platform is not paused")
                return
            }
            for account in accounts {
                let row = try await CollectorFixtures.account(database, account)
                #expect(row.collectionStatus == .pending && row.collection.consecutiveFailures == 0)
                let wait = try #require(row.collection.nextRefreshAt).seconds - bed.clock.timestamp.seconds
                #expect(wait >= 590, "waits out the pause: \(wait) s")
            }
            bed.clock.advance(300)
            #expect(await collector.refreshDue() == CollectorTotals())
            #expect(Self.instagramRequests(bed) == 1, "nothing is sent during the pause")

            bed.clock.advance(400)
            #expect(await collector.refreshDue().refreshed == 3)

            // Usage headers: at 100 % the platform pauses (5 minutes without an estimate).
            bed.world.setInstagramUsage(InstagramUsageDouble(appCallCount: 100, businessCallCount: 10))
            bed.clock.advance(25 * 3_600)
            let usage = await collector.refreshDue()
            #expect(usage.refreshed == 1 && usage.deferred == 2)
            let sent = Self.instagramRequests(bed)
            bed.clock.advance(200)
            #expect(await collector.refreshDue() == CollectorTotals())
            #expect(Self.instagramRequests(bed) == sent)
            bed.world.setInstagramUsage(InstagramUsageDouble())
            bed.clock.advance(400)
            #expect(await collector.refreshDue().refreshed == 2)
        }
    }

    @Test(
        "the TikTok daily budget is counted in the database: a restarted collector does not spend it again",
        arguments: TestEngines.all)
    func budgetAcrossRestarts(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            let organization = try await Fixtures.organization(database)
            var accounts: [Account] = []
            for index in 0..<6 {
                bed.world.put(Self.tiktokUser(bed, "budget\(index)", videos: 2, offset: UInt64(index)))
                accounts.append(
                    try await CollectorFixtures.account(
                        database, organization.id, .tiktok, "budget\(index)", now: bed.clock.timestamp))
            }
            // Three accounts per video query: each batch costs 3 user infos + 1 query = 4 requests.
            var limits = DailyBudgetLimits.tiktokResearch
            limits.requests = 4
            let policy = SourceGovernor.Policy(maxConcurrentRequests: 1, dailyBudget: limits)
            let first = Self.collector(
                bed, tiktok: bed.tiktok(policy: policy, usernamesPerQuery: 3), concurrency: 1)
            let pass = await first.refreshDue()
            #expect(pass.refreshed == 3 && pass.deferred == 3)
            let midnight = (Int64(bed.clock.now()) / 86_400 + 1) * 86_400
            var waiting: [Account] = []
            for account in accounts {
                let row = try await CollectorFixtures.account(database, account)
                guard row.lastScrapeTime == nil else { continue }
                waiting.append(row)
                #expect(row.collection.consecutiveFailures == 0 && row.collectionStatus == .pending)
                #expect(try #require(row.collection.nextRefreshAt).seconds >= midnight, "waits for 00:00 UTC")
            }
            #expect(waiting.count == 3)

            // "Restart": new sources and a new collector on the same database, later the same UTC day, with the
            // waiting accounts made due again: the spent budget is read from the database, nothing is sent.
            bed.clock.advance(60)
            for account in waiting {
                try await CollectorFixtures.makeDue(
                    database, "accounts", account.id.description, at: bed.clock.timestamp)
            }
            let research = bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/") }.count
            let restarted = Self.collector(
                bed, tiktok: bed.tiktok(policy: policy, usernamesPerQuery: 3), concurrency: 1)
            let later = await restarted.refreshDue()
            #expect(later.refreshed == 0 && later.deferred == 3)
            #expect(bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/") }.count == research)
        }
    }

    @Test(
        "malformed or truncated answers are retried with back-off and the last good values are kept",
        arguments: TestEngines.all)
    func malformedAnswers(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            bed.world.put(Self.instagramAccount(bed, "garbled", posts: 2, offset: 30))
            let organization = try await Fixtures.organization(database)
            let account = try await CollectorFixtures.account(
                database, organization.id, .instagram, "garbled", now: bed.clock.timestamp)
            let collector = Self.collector(bed)
            #expect(await collector.refreshDue().refreshed == 1)
            let good = try await CollectorFixtures.account(database, account)
            let goodVideos = try await CollectorFixtures.discovered(database, account)

            bed.world.updateInstagram("garbled") { $0.followersCount = 99_999 }
            bed.world.inject(.malformedJSON, on: .instagram, for: .username("garbled"), times: 1)
            bed.world.inject(.truncatedJSON, on: .instagram, for: .username("garbled"), times: 1)
            bed.clock.advance(25 * 3_600)
            #expect(await collector.refreshDue().retrying == 1)
            var row = try await CollectorFixtures.account(database, account)
            #expect(row.collectionStatus == .retrying && row.collection.consecutiveFailures == 1)
            #expect(row.collection.lastError?.contains("unreadable") == true)
            #expect(row.followerCount == good.followerCount && row.lastScrapeTime == good.lastScrapeTime)
            #expect(
                try await CollectorFixtures.discovered(database, account).map(\.counters) == goodVideos.map(\.counters))
            let firstWait = try #require(row.collection.nextRefreshAt).seconds - bed.clock.timestamp.seconds
            #expect((48...72).contains(firstWait))

            bed.clock.advance(Double(firstWait) + 1)
            #expect(await collector.refreshDue().retrying == 1)
            row = try await CollectorFixtures.account(database, account)
            #expect(row.collection.consecutiveFailures == 2)
            let secondWait = try #require(row.collection.nextRefreshAt).seconds - bed.clock.timestamp.seconds
            #expect((96...144).contains(secondWait), "the back-off doubles: \(secondWait) s")

            bed.clock.advance(Double(secondWait) + 1)
            #expect(await collector.refreshDue().refreshed == 1)
            row = try await CollectorFixtures.account(database, account)
            #expect(row.collectionStatus == .ok && row.followerCount == 99_999)
            #expect(row.collection.consecutiveFailures == 0 && row.collection.lastError == nil)
        }
    }

    @Test("TikTok accounts are refreshed ten to a video query", arguments: TestEngines.all)
    func tiktokBatches(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let database = bed.database
            let organization = try await Fixtures.organization(database)
            var accounts: [Account] = []
            for index in 0..<20 {
                bed.world.put(Self.tiktokUser(bed, "batch\(index)", videos: 2, offset: UInt64(index)))
                accounts.append(
                    try await CollectorFixtures.account(
                        database, organization.id, .tiktok, "batch\(index)", now: bed.clock.timestamp))
            }
            #expect(await Self.collector(bed).refreshDue().refreshed == 20)
            let queries = bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/video/query/") }
            #expect(queries.count == 2, "20 accounts, two queries")
            for account in accounts {
                let videos = try await CollectorFixtures.discovered(database, account)
                #expect(videos.count == 2 && videos.allSatisfy { $0.counters.plays == $0.counters.views })
                #expect(videos.allSatisfy { $0.accountUsername == account.username })
            }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
