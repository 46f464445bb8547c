// Window arithmetic over histories (SPEC §6): amounts per video, sums up the hierarchy
// (account = its videos, creator = its accounts, organization = everything), follower levels and changes,
// daily series whose points add up to the window's amount.
import Foundation

struct WindowTotals: Sendable, Equatable {
    var amounts: Counters
    var followerCount: Int64?
    var followerChange: Int64?
}

struct MetricsService: Sendable {
    let store: MetricsStore

    init(database: Database) { self.store = MetricsStore(database: database) }

    /// Amount of each counter in the window, per video.
    func amounts(_ histories: [VideoHistory], window: Window) -> [String: Counters] {
        var result: [String: Counters] = [:]
        for history in histories {
            result[history.videoID] = history.level(at: window.endDay) - history.level(at: window.startDay - 1)
        }
        return result
    }

    /// Totals of a group of videos and accounts (followers) over a window.
    func totals(organizationID: OrganizationID, videos: [MetricsStore.VideoRef], accountIDs: [String], window: Window) async throws -> WindowTotals {
        let histories = try await store.endpointHistories(organizationID: organizationID, videos: videos, days: [window.startDay - 1, window.endDay])
        var sum = Counters()
        for amount in amounts(histories, window: window).values { sum = sum + amount }
        let followers = try await store.followerHistories(organizationID: organizationID, accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
        return WindowTotals(amounts: sum, followerCount: Self.sum(followers.map { $0.level(at: window.endDay) }),
                            followerChange: Self.sum(followers.map { history in
                                guard let end = history.level(at: window.endDay), let before = history.level(at: window.startDay - 1) else { return nil }
                                return end - before
                            }))
    }

    /// Per-account totals for the batch endpoint.
    func accountTotals(organizationID: OrganizationID, accountIDs: [String], window: Window) async throws -> [String: WindowTotals] {
        let videos = try await store.videos(organizationID: organizationID, accountIDs: accountIDs, includeIndividual: false)
        let histories = try await store.endpointHistories(organizationID: organizationID, videos: videos, days: [window.startDay - 1, window.endDay])
        let perVideo = amounts(histories, window: window)
        var sums: [String: Counters] = [:]
        for video in videos {
            guard let accountID = video.accountID, let amount = perVideo[video.id] else { continue }
            sums[accountID] = (sums[accountID] ?? Counters()) + amount
        }
        let followers = try await store.followerHistories(organizationID: organizationID, accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
        var result: [String: WindowTotals] = [:]
        for history in followers {
            let end = history.level(at: window.endDay)
            let before = history.level(at: window.startDay - 1)
            result[history.accountID] = WindowTotals(
                amounts: Self.zeroIfEmpty(sums[history.accountID]), followerCount: end,
                followerChange: end.flatMap { e in before.map { e - $0 } })
        }
        return result
    }

    /// One point per day: the day's amounts, followers at the day's end.
    func series(organizationID: OrganizationID, videos: [MetricsStore.VideoRef], accountIDs: [String]?, window: Window) async throws -> [JSONOut] {
        let histories = try await store.histories(organizationID: organizationID, videos: videos, firstDay: window.startDay - 1, lastDay: window.endDay)
        var daily = [Counters](repeating: Counters(), count: window.days)
        for history in histories {
            let levels = history.levels(from: window.startDay - 1, through: window.endDay)
            for index in 0..<window.days { daily[index] = daily[index] + (levels[index + 1] - levels[index]) }
        }
        var followers = [Int64?](repeating: nil, count: window.days)
        if let accountIDs {
            let histories = try await store.followerHistories(organizationID: organizationID, accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
            for history in histories {
                let levels = history.levels(from: window.startDay, through: window.endDay)
                for index in 0..<window.days {
                    if let level = levels[index] { followers[index] = (followers[index] ?? 0) + level }
                }
            }
        }
        return (0..<window.days).map { index in
            let day = daily[index]
            return .object([
                ("date", .string(UTCDay.date(window.startDay + index))),
                ("follower_count", .optional(followers[index])),
                ("views", .optional(day.views)), ("plays", .optional(day.plays)), ("likes", .optional(day.likes)),
                ("comments", .optional(day.comments)), ("shares", .optional(day.shares)), ("saves", .optional(day.saves)),
                ("engagement_rate", .optional(day.engagementRate)),
            ])
        }
    }

    static func sum(_ values: [Int64?]) -> Int64? {
        let known = values.compactMap { $0 }
        return known.isEmpty ? nil : known.reduce(0, +)
    }

    /// An account without any video has amounts of 0 (nothing happened), not unknown.
    static func zeroIfEmpty(_ counters: Counters?) -> Counters {
        counters ?? Counters(views: 0, plays: 0, likes: 0, comments: 0, shares: 0, saves: nil)
    }

    static func json(_ totals: WindowTotals, followers: Bool) -> JSONOut {
        var fields = json(totals.amounts)
        if followers {
            fields.append(("follower_count", .optional(totals.followerCount)))
            fields.append(("follower_change", .optional(totals.followerChange)))
        }
        return .object(fields)
    }

    static func json(_ amounts: Counters) -> [(String, JSONOut)] {
        [("views", .optional(amounts.views)), ("plays", .optional(amounts.plays)), ("likes", .optional(amounts.likes)),
         ("comments", .optional(amounts.comments)), ("shares", .optional(amounts.shares)), ("saves", .optional(amounts.saves)),
         ("engagement", .optional(amounts.engagement)), ("engagement_rate", .optional(amounts.engagementRate))]
    }
}
