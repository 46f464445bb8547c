// Cost follows the answer, not the history (docs/metrics.md, "Subject levels"): an account's or the organization's
// series and window totals read the same number of rows whatever the number of videos behind them. Rows are counted
// (QueryStats), not timed.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Analytics cost")
struct AnalyticsCostTests {
    /// An account with `videos` discovered videos, each with a snapshot every day of the last `days` days.
    static func account(_ store: TenantStore, _ username: String, videos: Int, days: Int, today: Int) async throws -> AccountID {
        let account = Account.new(organizationID: store.organizationID, platform: .instagram, username: username,
                                  now: UTCDay.start(today - days))
        try await store.write { db in
            try await store.accounts.insert(account, in: db)
            var snapshots: [VideoSnapshot] = []
            for index in 0..<videos {
                var video = Video.new(organizationID: store.organizationID, platform: .instagram, source: .account,
                                      externalID: "\(username)\(index)", url: "https://www.instagram.com/p/\(username)\(index)/",
                                      now: UTCDay.start(today - days))
                video.accountID = account.id
                video.createTime = UTCDay.start(today - days - 1)
                try await store.videos.insert(video, in: db)
                for day in 0..<days {
                    snapshots.append(VideoSnapshot(videoID: video.id, observedAt: UTCDay.start(today - days + 1 + day).adding(seconds: 600),
                                                   views: Int64(100 * (day + 1) + index), likes: Int64(day + index)))
                }
            }
            try await store.snapshots.write(videos: snapshots, in: db)
            try await store.snapshots.write(accounts: (0..<days).map { day in
                AccountSnapshot(accountID: account.id, observedAt: UTCDay.start(today - days + 1 + day), followerCount: Int64(1000 + day))
            }, in: db)
        }
        return account.id
    }

    static func rowsRead(_ body: () async throws -> Void) async rethrows -> Int {
        let stats = QueryStats()
        try await QueryStats.$current.withValue(stats) { try await body() }
        return stats.rows
    }

    @Test("an account's 30-day series and window totals read as many rows with 40 videos as with 4", arguments: TestEngines.all)
    func accountCost(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let database = testDatabase.database
            let organization = try await Fixtures.organization(database)
            let store = database.tenant(organization.id)
            let today = UTCDay.today
            let small = try await Self.account(store, "small", videos: 4, days: 35, today: today)
            let large = try await Self.account(store, "large", videos: 40, days: 35, today: today)
            let service = AnalyticsService(store: store)
            let window = Window(period: "30d", startDay: today - 29, endDay: today)

            let seriesSmall = try await Self.rowsRead { _ = try await service.series(.account(small), window: window) }
            let seriesLarge = try await Self.rowsRead { _ = try await service.series(.account(large), window: window) }
            #expect(seriesSmall == seriesLarge, "series rows: \(seriesSmall) vs \(seriesLarge)")
            #expect(seriesLarge <= 31 + 3, "about one row per day of the window")
            let totalsSmall = try await Self.rowsRead { _ = try await service.accountTotals(ids: [small.description], window: window) }
            let totalsLarge = try await Self.rowsRead { _ = try await service.accountTotals(ids: [large.description], window: window) }
            #expect(totalsSmall == totalsLarge, "totals rows: \(totalsSmall) vs \(totalsLarge)")
            let overview = try await Self.rowsRead { _ = try await service.overview(window: window) }
            #expect(overview <= 2 * 31 + 4, "the overview reads days, not videos (\(overview))")

            // And the answers are the videos' own sums: 10× the videos, 10× the views each day (plus the index term).
            let points = try await service.series(.account(large), window: window)
            #expect(points.allSatisfy { $0.amounts.views == 40 * 100 } && points.last?.followers == 1034)
            let totals = try #require(try await service.accountTotals(ids: [large.description], window: window)[large.description])
            #expect(totals.amounts.views == 40 * 100 * 30 && totals.followerChange == 30)
        }
    }
}
