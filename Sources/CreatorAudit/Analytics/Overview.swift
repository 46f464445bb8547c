// The overview's headline figures for a window and the one before it, and their period-over-period changes
// (docs/metrics.md). Pure: the service gathers the inputs, this file does the arithmetic.

struct OverviewFigures: Sendable, Equatable {
    var totalViews: Int64
    var engagementRate: Double?
    var activeAccounts: Int64
    var accountVideos: Int64
    var trackedVideos: Int64

    /// A window's figures from its amounts (views where reported, else plays) and the levels at its end.
    init(amounts: Counters, activeAccounts: Int64, accountVideos: Int64, trackedVideos: Int64) {
        self.totalViews = amounts.effectiveViews ?? 0
        self.engagementRate = amounts.engagementRate
        self.activeAccounts = activeAccounts
        self.accountVideos = accountVideos
        self.trackedVideos = trackedVideos
    }

    /// The same from the window's daily amounts, which add up to its amount.
    init(daily: some Sequence<Counters>, activeAccounts: Int64, accountVideos: Int64, trackedVideos: Int64) {
        var sum = Counters()
        for day in daily { sum = sum + day }
        self.init(amounts: sum, activeAccounts: activeAccounts, accountVideos: accountVideos, trackedVideos: trackedVideos)
    }

    /// `<figure>_pct` against `previous`: integers exactly, the rate from its rounded value; nil from 0 or unknown.
    func changes(from previous: OverviewFigures) -> [(name: String, percent: Double?)] {
        [("total_views_pct", PeriodChange.percent(current: totalViews, previous: previous.totalViews)),
         ("engagement_rate_pct", PeriodChange.percent(current: engagementRate, previous: previous.engagementRate)),
         ("active_accounts_pct", PeriodChange.percent(current: activeAccounts, previous: previous.activeAccounts)),
         ("account_videos_pct", PeriodChange.percent(current: accountVideos, previous: previous.accountVideos)),
         ("tracked_videos_pct", PeriodChange.percent(current: trackedVideos, previous: previous.trackedVideos))]
    }
}
