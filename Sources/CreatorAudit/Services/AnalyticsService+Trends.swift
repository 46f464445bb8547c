// What the dashboard shows beyond the API's answers, computed from the same reads and arithmetic
// (docs/metrics.md): an account's views per video, and the overview's figures day by day for the KPI sparklines.

/// An account's totals over a window, and the videos it had by the window's end.
struct AccountFigures: Sendable, Equatable {
    let totals: WindowTotals
    let videos: Int

    /// Views in the window per video the account had by its end; nil without such videos or views.
    var averageViews: Double? {
        guard videos > 0, let views = totals.amounts.effectiveViews else { return nil }
        return Double(views) / Double(videos)
    }
}

/// The overview's figures for each day of a window: daily views and engagement rate (from the organization's
/// levels), and the levels of active accounts and videos at each day's end.
struct OverviewTrends: Sendable, Equatable {
    let window: Window
    let daily: [Counters]
    let activeAccounts: [Int64]
    let accountVideos: [Int64]
    let trackedVideos: [Int64]

    var views: [Int64?] { daily.map(\.effectiveViews) }
    var engagementRates: [Double?] { daily.map(\.engagementRate) }
}

extension AnalyticsService {
    /// The overview's figures day by day over the window (the last day's levels are the overview's).
    func overviewTrends(window: Window) async throws -> OverviewTrends {
        let levels = try await store.levels.levels(.organization, from: window.startDay - 1, through: window.endDay)
        let values = levels.each(from: window.startDay - 1, through: window.endDay)
        let days = values.dropFirst()
        let daily = zip(values, days).map { Levels.amounts(from: $0, to: $1) }
        let accounts = try await store.accounts.activeCounts(from: window.startDay, through: window.endDay)
        return OverviewTrends(window: window, daily: daily, activeAccounts: accounts, accountVideos: days.map { $0[12] },
                              trackedVideos: days.map { $0[13] })
    }
}
