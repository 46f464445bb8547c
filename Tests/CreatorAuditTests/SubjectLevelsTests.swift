// The organization's and the accounts' levels are maintained at write time (Store/LevelRepository.swift). Their daily
// amounts must equal, day by day and null for null, what summing every video's own history gives, and their followers
// the sum of the accounts' follower levels — whatever order history arrives in, with counters missing, several
// snapshots a day, unknown publication times, and videos and accounts deleted. Incremental equals rebuilt.
import Foundation
import Testing
@testable import CreatorAudit

/// A small deterministic generator (SplitMix64), so a failure is reproducible.
struct SeededRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}

@Suite("Subject levels")
struct SubjectLevelsTests {
    /// Every day's amounts from the videos' own histories (the per-video path of the analytics endpoints); with
    /// `accountID`, only that account's discovered videos.
    static func expectedSeries(_ database: Database, _ organizationID: OrganizationID, first: Int, last: Int,
                               accountID: String? = nil) async throws -> [Counters] {
        let rollups = database.tenant(organizationID).rollups
        let videos = try await rollups.videos(accountIDs: accountID.map { [$0] }, includeIndividual: true)
        let histories = try await rollups.histories(videos: videos, firstDay: first - 1, lastDay: last)
        var daily = [Counters](repeating: Counters(), count: last - first + 1)
        for history in histories {
            let levels = history.levels(from: first - 1, through: last)
            for index in daily.indices { daily[index] = daily[index] + (levels[index + 1] - levels[index]) }
        }
        return daily
    }

    /// Followers at each day's end: the sum of the accounts' known levels (nil while none is known).
    static func expectedFollowers(_ database: Database, _ organizationID: OrganizationID, accountIDs: [String],
                                  first: Int, last: Int) async throws -> [Int64?] {
        let histories = try await database.tenant(organizationID).rollups.followerHistories(accountIDs: accountIDs, firstDay: first, lastDay: last)
        return (first...last).map { day in WindowTotals.sum(histories.map { $0.level(at: day) }) }
    }

    /// A subject's levels evaluated on every day of a range (rows that a later write made redundant do not matter).
    static func evaluated(_ database: Database, _ organizationID: OrganizationID, _ subject: LevelSubject, first: Int, last: Int)
        async throws -> [[Int64]] {
        try await database.tenant(organizationID).levels.levels(subject, from: first, through: last).each(from: first, through: last)
    }

    @Test("equal to the sums of every video's and account's history, in-order and out-of-order writes, deletions, and a rebuild", arguments: TestEngines.all)
    func matchesPerVideoSums(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let database = server.database
            let organization = try await Fixtures.organization(database)
            try await Fixtures.setRateLimit(database, organization, 1_000_000)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let other = try await Fixtures.organization(database)
            let today = UTCDay.today
            var random = SeededRandom(state: 20261126)
            func at(_ day: Int, _ second: Int) -> Timestamp { Timestamp(seconds: Int64(today + day) * 86_400 + Int64(second)) }

            // Two accounts, 14 account videos and 4 individual videos; publication known, unknown, or after tracking began.
            let accounts = (0..<2).map { Account.new(organizationID: organization.id, platform: $0 == 0 ? .instagram : .tiktok, username: "acct\($0)") }
            var videos: [Video] = []
            for index in 0..<18 {
                let tiktok = index % 3 == 2
                var video = Video.new(organizationID: organization.id, platform: tiktok ? .tiktok : .instagram,
                                      source: index < 14 ? .account : .individual,
                                      externalID: tiktok ? "7\(100_000_000_00 + index)" : "V\(1000 + index)",
                                      url: tiktok ? "https://www.tiktok.com/video/7\(100_000_000_00 + index)" : "https://www.instagram.com/p/V\(1000 + index)/",
                                      now: at(-60, 0))
                if index < 14 { video.accountID = accounts[index % 2].id }
                switch index % 4 {
                case 0: video.createTime = nil
                case 1: video.createTime = at(-50 + index, 3600)
                case 2: video.createTime = at(-5, 0)  // published after its first snapshots
                default: video.createTime = at(-200, 0)
                }
                videos.append(video)
            }
            // Another organization's video: its history must not leak into this organization's rows.
            let foreign = Video.new(organizationID: other.id, platform: .instagram, source: .individual, externalID: "F1000",
                                    url: "https://www.instagram.com/p/F1000/", now: at(-60, 0))
            let (accounts0, videos0) = (accounts, videos)
            let store = database.tenant(organization.id), otherStore = database.tenant(other.id)
            try await store.write { db in
                for account in accounts0 { try await store.accounts.insert(account, in: db) }
                for video in videos0 { try await store.videos.insert(video, in: db) }
            }
            try await otherStore.write { db in try await otherStore.videos.insert(foreign, in: db) }

            // Histories: rising counters, gaps, counters sometimes missing, plays-only TikToks, several snapshots a day.
            var snapshots: [VideoSnapshot] = []
            for (index, video) in videos.enumerated() {
                var views: Int64 = Int64(random.int(0...500)), likes: Int64 = 0, saves: Int64 = 0
                let start = -45 + random.int(0...20)
                for day in start...0 where random.chance(70) {
                    for _ in 0..<random.int(1...3) {
                        views += Int64(random.int(0...400))
                        likes += Int64(random.int(0...30))
                        saves += Int64(random.int(0...5))
                        let tiktok = index % 3 == 2
                        snapshots.append(VideoSnapshot(
                            videoID: video.id, observedAt: at(day, random.int(0...86_399)),
                            views: tiktok ? nil : views, plays: tiktok ? views : nil,
                            likes: random.chance(15) ? nil : likes,
                            comments: index % 5 == 4 && day < -20 ? nil : likes / 4,  // reported only later for some
                            shares: random.chance(10) ? nil : likes / 8,
                            saves: tiktok ? nil : saves))
                    }
                }
            }
            snapshots.append(VideoSnapshot(videoID: foreign.id, observedAt: at(-10, 0), views: 1_000_000, likes: 5))
            // In order for half of the videos (the fast path), shuffled in small batches for the rest (out of order).
            let inOrder = snapshots.filter { s in videos.prefix(9).contains { $0.id == s.videoID } }.sorted { $0.observedAt < $1.observedAt }
            var shuffled = snapshots.filter { s in !videos.prefix(9).contains { $0.id == s.videoID } }
            for index in shuffled.indices.reversed() { shuffled.swapAt(index, random.int(0...index)) }
            let batches = inOrder.chunked(37).map(Array.init) + shuffled.chunked(23).map(Array.init)
            for batch in batches {
                let own = batch.filter { $0.videoID != foreign.id }
                try await store.write { db in try await store.snapshots.write(videos: own, in: db) }
                if own.count != batch.count {
                    try await otherStore.write { db in
                        try await otherStore.snapshots.write(videos: batch.filter { $0.videoID == foreign.id }, in: db)
                    }
                }
            }
            // Followers: in order for one account, shuffled small batches for the other; some snapshots without a count.
            for (index, account) in accounts.enumerated() {
                var followers = Int64(random.int(100...5000))
                var accountSnapshots: [AccountSnapshot] = []
                for day in -50...0 where random.chance(60) {
                    followers += Int64(random.int(-20...80))
                    accountSnapshots.append(AccountSnapshot(
                        accountID: account.id, observedAt: at(day, random.int(0...86_399)),
                        followerCount: random.chance(10) ? nil : followers, followingCount: Int64(day + 100)))
                }
                if index == 1 {
                    for position in accountSnapshots.indices.reversed() { accountSnapshots.swapAt(position, random.int(0...position)) }
                }
                for batch in accountSnapshots.chunked(index == 0 ? 9 : 5).map(Array.init) {
                    try await store.write { db in try await store.snapshots.write(accounts: batch, in: db) }
                }
            }
            // A repeated instant and a same-day correction arriving late.
            let repeated = inOrder[inOrder.count / 2]
            try await store.write { db in
                try await store.snapshots.write(videos: [repeated], in: db)
                var late = repeated
                late.observedAt = Timestamp(seconds: repeated.observedAt.seconds - 1)
                late.counters.views = (repeated.counters.views ?? 0) + 77
                try await store.snapshots.write(videos: [late], in: db)
            }

            func compare(_ label: String) async throws {
                let liveAccounts = try await store.accounts.ids(linkedTo: nil)
                for (first, last) in [(today - 6, today), (today - 29, today), (today - 60, today - 10), (today - 3, today - 3)] {
                    let window = Window(period: "custom", startDay: first, endDay: last)
                    let stored = try await store.levels.levels(.organization, from: first - 1, through: last).series(window)
                    let expected = try await Self.expectedSeries(database, organization.id, first: first, last: last)
                    #expect(stored.map(\.amounts) == expected, "\(label): days \(first)...\(last)")
                    let followers = try await Self.expectedFollowers(database, organization.id, accountIDs: liveAccounts, first: first, last: last)
                    #expect(stored.map(\.followers) == followers, "\(label): followers \(first)...\(last)")
                    for account in liveAccounts {
                        let accountSeries = try await store.levels.levels(.account(account), from: first - 1, through: last).series(window)
                        let accountExpected = try await Self.expectedSeries(database, organization.id, first: first, last: last, accountID: account)
                        #expect(accountSeries.map(\.amounts) == accountExpected, "\(label): account days \(first)...\(last)")
                        let accountFollowers = try await Self.expectedFollowers(database, organization.id, accountIDs: [account], first: first, last: last)
                        #expect(accountSeries.map(\.followers) == accountFollowers, "\(label): account followers")
                    }
                }
                // The overview's video counts at a day's end: per-day additions summed, against counting the rows.
                for day in [today - 70, today - 59, today - 30, today] {
                    let end = try await store.levels.levels(.organization, from: day, through: day).at(day)
                    let counted = (account: end[12], tracked: end[13])
                    let rows = try await database.read(scope: .test) { db in
                        try await db.raw("""
                            SELECT source, COUNT(*) AS n FROM videos WHERE organization_id = \(bind: organization.id.description)
                                AND added_at < \(bind: Int64(day + 1) * 86_400) GROUP BY source
                            """).all().map { (try $0.decode(column: "source", as: String.self), try $0.decode(column: "n", as: Int64.self)) }
                    }
                    let direct = Dictionary(uniqueKeysWithValues: rows)
                    #expect(counted.account == (direct["account"] ?? 0) && counted.tracked == (direct["individual"] ?? 0), "\(label): counts at \(day - today)")
                }
            }
            try await compare("after writes")

            // Deleting a video and an account takes their contributions out.
            let deletedVideo = videos[15].id
            _ = try await store.videos.delete(deletedVideo, source: .individual)
            _ = try await store.accounts.delete(accounts[1].id)
            try await compare("after deletions")

            // Incremental maintenance equals building from scratch (what the migration does).
            let subjects: [LevelSubject] = [.organization] + (try await store.accounts.ids(linkedTo: nil)).map { .account($0) }
            var incremental: [[[Int64]]] = []
            for subject in subjects { incremental.append(try await Self.evaluated(database, organization.id, subject, first: today - 400, last: today)) }
            try await store.write { db in try await store.levels.rebuild(in: db) }
            var rebuilt: [[[Int64]]] = []
            for subject in subjects { rebuilt.append(try await Self.evaluated(database, organization.id, subject, first: today - 400, last: today)) }
            #expect(rebuilt == incremental)
            #expect(incremental[0].last?.allSatisfy { $0 == 0 } == false)

            // Over HTTP: the overview's 30-day views are the sum of the daily series' views.
            let series = try await server.request(.GET, "/v2/overview/timeseries?period=30d", key: key)
            #expect(series.status == 200)
            let points = try #require((series.data["points"] as? [[String: Any]]))
            #expect(points.count == 30)
            let expected = try await Self.expectedSeries(database, organization.id, first: today - 29, last: today)
            #expect(points.map { $0["views"] as? Int } == expected.map { $0.views.map(Int.init) })
            let overview = try await server.request(.GET, "/v2/overview?period=30d", key: key)
            let current = try #require((overview.data["current"] as? [String: Any]))
            #expect(current["total_views"] as? Int == Int(expected.compactMap(\.views).reduce(0, +)))
        }
    }

    @Test("the demo's levels, written once per account, equal a rebuild from its history", arguments: TestEngines.all)
    func demoLevelsEqualRebuild(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let organization = try await Fixtures.organization(database)
            let store = database.tenant(organization.id)
            try await DemoData(store: store).fill()
            let today = UTCDay.today
            let subjects: [LevelSubject] = [.organization] + (try await store.accounts.ids(linkedTo: nil)).map { .account($0) }
            var written: [[[Int64]]] = []
            for subject in subjects {
                written.append(try await Self.evaluated(database, organization.id, subject, first: today - 370, last: today))
            }
            try await store.write { db in try await store.levels.rebuild(in: db) }
            var rebuilt: [[[Int64]]] = []
            for subject in subjects {
                rebuilt.append(try await Self.evaluated(database, organization.id, subject, first: today - 370, last: today))
            }
            #expect(written == rebuilt)
            #expect(written[0].last?[12] ?? 0 > 1_000, "the demo's account videos are counted")
        }
    }
}

/// Writers of one organization at the same time (two collector workers, the API, an import) on PostgreSQL: each
/// reads the organization's level rows and writes them back with its change. Without the organization's level lock
/// (`LevelRepository.apply`), two of them read the same rows and the later write lost the earlier one's change —
/// seen with two collector workers: 24,810 account videos counted of 30,000.
@Suite("Subject levels under concurrent writers")
struct SubjectLevelsConcurrencyTests {
    @Test("videos added by many transactions at once are all counted in the organization's levels", arguments: TestEngines.all)
    func concurrentWritersAllCounted(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let organization = try await Fixtures.organization(database)
            let tenant = database.tenant(organization.id)
            let now = Timestamp.now
            let writers = 16, perWriter = 8
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in 0..<perWriter {
                            let video = Video.new(
                                organizationID: organization.id, platform: .instagram, source: .individual,
                                externalID: "C\(writer)x\(index)", url: "https://www.instagram.com/p/C\(writer)x\(index)/",
                                now: now)
                            try await tenant.write { db in try await tenant.videos.insert(video, in: db) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let day = UTCDay.of(now)
            let levels = try await tenant.levels.levels(.organization, from: day, through: day)
            #expect(levels.at(day)[13] == Int64(writers * perWriter), "tracked videos counted in the organization's levels")
        }
    }
}
