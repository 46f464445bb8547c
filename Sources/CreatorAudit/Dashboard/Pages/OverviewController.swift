// The overview (`/`, the landing page after sign-in; README, "Dashboard"): KPI cards with sparklines and the change
// against the previous period, the performance chart, top creators and recent videos. The figures come from
// `AnalyticsService.overview` — what `GET /v2/overview` answers for the same window.
import Foundation
import Hummingbird

struct OverviewController {
    let services: DataPageServices

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// KPI cards, the performance chart, top creators and recent videos for a range (default 30 days).
        routes.on(.get, "") { request, context in try await overview(request, context) }
    }

    func overview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let range = DashboardRange.read(page.query)
        let window = range.window
        let analytics = page.analytics
        let (current, previous) = try await analytics.overview(window: window)
        let trends = try await analytics.overviewTrends(window: window)
        let changes = Dictionary(current.changes(from: previous).map { ($0.name, $0.percent) }, uniquingKeysWith: { a, _ in a })
        let against = range.previousLabel
        func card(_ key: String, _ label: String, _ text: String, raw: String, spark: [Double?]) -> [String: Any] {
            var values: [String: Any] = [
                "kpi": key, "kpi_label": label, "kpi_text": text, "kpi_raw": raw, "sparkline": Sparkline(values: spark).svg(),
            ]
            for (name, value) in Figure.change(changes[key + "_pct"] ?? nil, against: against) { values[name] = value }
            return values
        }
        let cards = [
            card("total_views", "Total views", Figure.count(current.totalViews), raw: String(current.totalViews),
                 spark: trends.views.map { $0.map(Double.init) }),
            card("engagement_rate", "Engagement rate", Figure.rate(current.engagementRate),
                 raw: current.engagementRate.map { String($0) } ?? "", spark: trends.engagementRates),
            card("active_accounts", "Active accounts", Figure.count(current.activeAccounts),
                 raw: String(current.activeAccounts), spark: trends.activeAccounts.map { Double($0) }),
            card("account_videos", "Account videos", Figure.count(current.accountVideos), raw: String(current.accountVideos),
                 spark: trends.accountVideos.map { Double($0) }),
            card("tracked_videos", "Individual videos", Figure.count(current.trackedVideos),
                 raw: String(current.trackedVideos), spark: trends.trackedVideos.map { Double($0) }),
        ]
        let chart = LineChart(id: "performance-chart", title: "Views and engagement rate per day", firstDay: window.startDay,
                              series: [
                                  ChartSeries(name: "Views", values: trends.views.map { $0.map(Double.init) }),
                                  ChartSeries(name: "Engagement rate", values: trends.engagementRates, axis: .right,
                                              format: .percent),
                              ])
        let top = try await analytics.topCreators(window: window, order: .views, limit: 5)
        var values = RangePicker.values(range, path: "/", keep: [])
        values["cards"] = cards
        values["chart"] = chart.html()
        values["top_creators"] = top.enumerated().map { index, standing -> [String: Any] in
            ["rank": index + 1, "creator_id": standing.id, "creator_name": standing.name,
             "creator_views": Figure.count(standing.views), "creator_rate": Figure.rate(standing.engagementRate),
             "creator_growth": standing.followerGrowth.map { ($0 > 0 ? "+" : "") + ChartText.grouped($0) } ?? "—"]
        }
        values["has_top_creators"] = !top.isEmpty
        let recent = try await recentVideos(page.store, limit: 6)
        values["recent_videos"] = recent.map(VideoRows.summary)
        values["has_recent_videos"] = !recent.isEmpty
        return try await page.render("overview", title: "Overview", section: "overview", values)
    }

    /// The most recently published videos, discovered or tracked one by one (two keyset pages, merged).
    func recentVideos(_ store: TenantStore, limit: Int) async throws -> [Video] {
        guard let published = VideoRepository.sortOptions.first(where: { $0.name == "create_time" }) else { return [] }
        let query = PageQuery(limit: limit, includeTotal: false, sort: published, direction: .desc, after: nil)
        var videos: [Video] = []
        for source in [VideoSource.account, .individual] {
            videos += try await store.videos.page(source: source, VideoFilters(), query).items
        }
        return Array(videos.sorted { ($0.createTime?.seconds ?? .min, $0.id.description) > ($1.createTime?.seconds ?? .min, $1.id.description) }
            .prefix(limit))
    }
}
