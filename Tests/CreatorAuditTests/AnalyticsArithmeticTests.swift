// The pure arithmetic of Analytics/ and Domain/, without a database: daily levels, contributions to the organization's
// daily amounts, window totals, period-over-period changes, the overview's figures, the creator ranking, rounding and
// days (docs/metrics.md). The live tests (MetricsArithmeticTests, OrganizationDailyTests) check the wiring.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Analytics arithmetic")
struct AnalyticsArithmeticTests {
    static func views(_ value: Int64?) -> Counters { Counters(views: value) }

    @Test("daily levels: 0 before publication, the first snapshot's value from it on, then the last value of each day")
    func levels() {
        // Published day 10, first seen day 12 at 100 views, day 14 at 150.
        let history = VideoHistory(videoID: "v", accountID: nil, publicationDay: 10,
                                   rows: [(12, Self.views(100)), (14, Self.views(150))], first: Self.views(100))
        #expect(history.levels(from: 8, through: 15).map(\.views) == [0, 0, 100, 100, 100, 100, 150, 150])
        #expect(history.level(at: 9).views == 0 && history.level(at: 13).views == 100 && history.level(at: 99).views == 150)
        // Daily amounts add up to the window's amount.
        let levels = history.levels(from: 8, through: 15)
        let daily = (1..<levels.count).map { (levels[$0] - levels[$0 - 1]).views ?? 0 }
        #expect(daily.reduce(0, +) == (history.level(at: 15) - history.level(at: 8)).views)
    }

    @Test("unknown publication: the first snapshot's value on every earlier day (tracking late adds no fake growth)")
    func unknownPublication() {
        let history = VideoHistory(videoID: "v", accountID: nil, publicationDay: nil, rows: [(20, Self.views(5000))], first: Self.views(5000))
        #expect(history.levels(from: 1, through: 20).allSatisfy { $0.views == 5000 })
    }

    @Test("a counter never reported stays nil; views and plays stand in for each other")
    func unknownAndStandIns() {
        let tiktok = VideoHistory(videoID: "t", accountID: nil, publicationDay: 1,
                                  rows: [(3, Counters(plays: 40, likes: 4))], first: Counters(plays: 40, likes: 4))
        let level = tiktok.level(at: 3)
        #expect(level.views == 40 && level.plays == 40 && level.likes == 4)
        #expect(level.saves == nil && level.shares == nil)
    }

    @Test("contributions: a history added then removed cancels out; video counts land on the day added")
    func contributions() {
        let history = VideoHistory(videoID: "v", accountID: nil, publicationDay: 10,
                                   rows: [(12, Self.views(100)), (14, Self.views(150))], first: Self.views(100))
        var added = DailyContributions()
        let span = DailyContributions.span(history)
        #expect(span == 10...14)
        added.add(history, from: 10, through: 14, sign: 1)
        #expect(!added.isEmpty)
        // 100 views on the publication day (day 10), +50 on day 14; the views level is usable from day 11.
        #expect(added.days[10]?[0] == 100 && added.days[14]?[0] == 50)
        var both = added
        both.add(history, from: 10, through: 14, sign: -1)
        #expect(both.isEmpty)
        var counted = DailyContributions()
        counted.countVideo(source: .account, addedAt: UTCDay.start(30).adding(seconds: 5), sign: 1)
        counted.countVideo(source: .individual, addedAt: UTCDay.start(31), sign: 1)
        #expect(counted.days[30]?[12] == 1 && counted.days[31]?[13] == 1)
        counted.countVideo(source: .account, addedAt: UTCDay.start(30), sign: -1)
        #expect(counted.days[30] == nil)
    }

    @Test("window totals: amount = level at the end − level before the start; followers at the end and their change")
    func windowTotals() {
        let history = VideoHistory(videoID: "v", accountID: nil, publicationDay: 1,
                                   rows: [(5, Self.views(10)), (8, Self.views(25)), (12, Self.views(40))], first: Self.views(10))
        #expect(WindowTotals.amounts(history, window: Window(period: "custom", startDay: 6, endDay: 12)).views == 30)
        let followers = FollowerHistory(accountID: "a", rows: [(3, 100), (9, 130)])
        let (count, change) = WindowTotals.followers(followers, window: Window(period: "custom", startDay: 5, endDay: 10))
        #expect(count == 130 && change == 30)
        let before = WindowTotals.followers(followers, window: Window(period: "custom", startDay: 1, endDay: 2))
        #expect(before.count == nil && before.change == nil)
        #expect(WindowTotals.sum([nil, 3, nil, 4]) == 7 && WindowTotals.sum([nil]) == nil)
    }

    @Test("period-over-period: exact from integers, rounded half away from zero, nil from 0 or unknown")
    func periodChange() {
        func change(_ current: Int64?, _ previous: Int64?) -> Double? { PeriodChange.percent(current: current, previous: previous) }
        #expect(change(150, 100) == 50)
        #expect(change(1, 3) == -66.6667)
        #expect(change(2, 3) == -33.3333)
        #expect(change(5, 0) == nil)
        #expect(change(nil, 5) == nil)
        #expect(PeriodChange.percent(current: Double(2.5), previous: Double(2.0)) == 25)
        #expect(Rounding.fourDecimals(numerator: 1, denominator: 20_000) == 0.0001)  // 0.00005 → away from zero
        #expect(Rounding.fourDecimals(numerator: -1, denominator: 20_000) == -0.0001)
    }

    @Test("overview figures: views summed, rate over the same window, changes per figure")
    func overview() {
        let current = OverviewFigures(daily: [Counters(views: 100, likes: 10), Counters(views: 100, plays: 100, likes: 5)],
                                      activeAccounts: 4, accountVideos: 10, trackedVideos: 0)
        let previous = OverviewFigures(daily: [Counters(views: 100, likes: 10)], activeAccounts: 4, accountVideos: 8, trackedVideos: 0)
        #expect(current.totalViews == 200 && current.engagementRate == 7.5)
        let changes = Dictionary(uniqueKeysWithValues: current.changes(from: previous).map { ($0.name, $0.percent) })
        #expect(changes["total_views_pct"] == 100 && changes["active_accounts_pct"] == 0 && changes["account_videos_pct"] == 25)
        #expect(changes["engagement_rate_pct"] == -25 && changes["tracked_videos_pct"] == .some(nil))
    }

    @Test("creator ranking: best first by the chosen figure, unknowns last, ties by id, at most limit")
    func ranking() {
        let standings = [
            CreatorStanding(id: "c", name: "C", views: 50, engagementRate: nil, followerGrowth: 5),
            CreatorStanding(id: "a", name: "A", views: 90, engagementRate: 2.5, followerGrowth: nil),
            CreatorStanding(id: "b", name: "B", views: 90, engagementRate: 7.0, followerGrowth: -3),
        ]
        #expect(CreatorRanking.rank(standings, by: .views, limit: 10).map(\.id) == ["a", "b", "c"])
        #expect(CreatorRanking.rank(standings, by: .engagementRate, limit: 10).map(\.id) == ["b", "a", "c"])
        #expect(CreatorRanking.rank(standings, by: .followerGrowth, limit: 2).map(\.id) == ["c", "b"])
        let fromAccounts = CreatorStanding(id: "x", name: "X", accounts: [
            WindowTotals(amounts: Counters(views: 10, likes: 1), followerCount: 5, followerChange: nil),
            WindowTotals(amounts: Counters(views: 30, plays: 30, likes: 3), followerCount: 9, followerChange: 2),
        ])
        #expect(fromAccounts.views == 40 && fromAccounts.followerGrowth == 2 && fromAccounts.engagementRate == 10)
    }

    @Test("days: floor division for times before 1970, real dates only")
    func days() {
        #expect(UTCDay.of(Timestamp(seconds: -1)) == -1)
        #expect(UTCDay.of(Timestamp(seconds: 86_399)) == 0 && UTCDay.of(Timestamp(seconds: 86_400)) == 1)
        #expect(UTCDay.parse("2026-03-01") == UTCDay.of(Timestamp(seconds: 1_772_323_200)))
        #expect(UTCDay.date(UTCDay.parse("2024-02-29")!) == "2024-02-29")
        for bad in ["2026-02-30", "2025-02-29", "2026-13-01", "26-03-01", "2026-3-1", "2026-03-01T00:00:00Z", "0000-01-01",
                    "2026-03-01\n", "+2026-03-01"] {
            #expect(UTCDay.parse(bad) == nil, "\(bad)")
        }
        // Any real date of years 1–9999 is a date (JSON Schema's `format: date`, which the document promises).
        #expect(UTCDay.parse("1969-12-31") == -1)
        #expect(UTCDay.parse("0001-01-01").map(UTCDay.date) == "0001-01-01")
    }
}
