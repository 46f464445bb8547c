// One video (README, "Dashboard"): its latest counters, its amounts over the range (`POST /v2/videos/metrics`) and its
// counters day by day (`/v2/videos/{id}/timeseries`): views (and plays where they differ), likes, comments, shares
// and saves where the platform reports them. Individual videos can be paused, resumed and deleted; account videos
// belong to their account. Another organization's video is "not found", like a missing one.
import Foundation
import Hummingbird

struct VideoDetailController {
    let services: DataPageServices

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// A video discovered on a tracked account.
        routes.on(.get, "account-videos/{id}") { request, context in try await show(request, context, source: .account) }
        /// A video tracked one by one.
        routes.on(.get, "videos/{id}") { request, context in try await show(request, context, source: .individual) }
        /// Pauses refreshing an individual video.
        routes.on(.post, "videos/{id}/pause") { request, context in try await setActive(request, context, false) }
        /// Resumes refreshing an individual video.
        routes.on(.post, "videos/{id}/resume") { request, context in try await setActive(request, context, true) }
        /// The confirmation page before deleting an individual video.
        routes.on(.get, "videos/{id}/delete") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let video = try await find(page, context, source: .individual)
            return try await page.render("video-delete", title: "Delete video", section: "videos", [
                "video_id": video.id.description, "caption": VideoRows.caption(video),
            ])
        }
        /// Stops tracking an individual video; its history goes with it.
        routes.on(.post, "videos/{id}/delete") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            guard try await page.store.videos.delete(try DataPage.pathID(context, VideoID.self, "video"), source: .individual)
            else { throw DomainError.notFound("video") }
            return Pages.redirect("/videos?notice=deleted")
        }
    }

    func find(_ page: DataPage, _ context: AppRequestContext, source: VideoSource) async throws -> Video {
        guard let video = try await page.store.videos.find(try DataPage.pathID(context, VideoID.self, "video"), source: source)
        else { throw DomainError.notFound("video") }
        return video
    }

    func show(_ request: Request, _ context: AppRequestContext, source: VideoSource) async throws -> Response {
        let page = try DataPage(request, context, services)
        let video = try await find(page, context, source: source)
        let id = video.id.description
        let range = DashboardRange.read(page.query)
        let window = range.window
        let amount = try await page.analytics.videoAmounts(ids: [id], source: source, window: window)[id]
        let points = try await page.analytics.series(.video(video.id, source), window: window)
        let path = VideoRows.href(video)

        var values = RangePicker.values(range, path: path, keep: [])
        values["video_id"] = id
        values["caption"] = VideoRows.caption(video)
        values["description"] = shown(video.description)
        values["platform_label"] = PlatformChoice.label(video.platform)
        values["is_individual"] = source == .individual
        values["source_label"] = source == .account ? "Account video" : "Individual video"
        values["list_href"] = source == .account ? "/account-videos" : "/videos"
        values["list_label"] = source == .account ? "Account videos" : "Individual videos"
        values["account_label"] = shown(video.accountUsername.map { "@" + $0 })
        values["account_href"] = shown(video.accountID.map { "/accounts/\($0)" })
        values["published"] = Figure.time(video.createTime, never: "unknown")
        values["url"] = shown(video.url.hasPrefix("https://") ? video.url : nil)
        values["is_active"] = video.isActive
        values["status_label"] = video.isUnavailable ? "Unavailable" : video.isActive ? "Active" : "Paused"
        values["status_class"] = video.isUnavailable ? "warn" : video.isActive ? "ok" : "muted"
        for (name, value) in Freshness.video(video) { values[name] = value }

        let c = video.counters
        var latest: [[String: Any]] = []
        for (key, label, value) in [("view_count", "Views", c.views), ("play_count", "Plays", c.plays),
                                    ("like_count", "Likes", c.likes), ("comment_count", "Comments", c.comments),
                                    ("share_count", "Shares", c.shares), ("saved_count", "Saves", c.saves)] where value != nil {
            latest.append(["counter": key, "counter_label": label, "counter_text": Figure.count(value)])
        }
        latest.append(["counter": "engagement_rate", "counter_label": "Engagement rate", "counter_text": Figure.rate(video.engagementRate)])
        values["latest"] = latest
        values["has_counters"] = c.views != nil || c.plays != nil

        var inRange: [[String: Any]] = []
        for (key, label, value) in [("views", "Views", amount?.views), ("plays", "Plays", amount?.plays),
                                    ("likes", "Likes", amount?.likes), ("comments", "Comments", amount?.comments),
                                    ("shares", "Shares", amount?.shares), ("saves", "Saves", amount?.saves)] where value != nil {
            inRange.append(["metric": key, "metric_label": label, "metric_text": Figure.count(value),
                            "metric_raw": value.map(String.init) ?? ""])
        }
        let rate = amount?.engagementRate
        inRange.append(["metric": "engagement_rate", "metric_label": "Engagement rate", "metric_text": Figure.rate(rate),
                        "metric_raw": rate.map { String($0) } ?? ""])
        values["in_range"] = inRange
        values["charts"] = Self.charts(points, window: window)
        values["return_to"] = PageLink.make(path, range.fields)
        if let notice = page.notice(VideosController.notices) { values["notice"] = notice }
        return try await page.render("video-detail", title: VideoRows.caption(video),
                                     section: source == .account ? "account_videos" : "videos", values)
    }

    /// Views per day (plays too when both are reported and differ); likes, comments, shares and saves per day —
    /// only the counters the platform reports.
    static func charts(_ points: [SeriesPoint], window: Window) -> [[String: Any]] {
        func series(_ name: String, _ path: KeyPath<Counters, Int64?>) -> ChartSeries? {
            let values = points.map { $0.amounts[keyPath: path].map(Double.init) }
            return values.contains { $0 != nil } ? ChartSeries(name: name, values: values) : nil
        }
        var reach = [series("Views", \.views)].compactMap { $0 }
        let plays = series("Plays", \.plays)
        if let plays, reach.isEmpty || plays.values != reach[0].values { reach.append(plays) }
        let engagement = [series("Likes", \.likes), series("Comments", \.comments), series("Shares", \.shares),
                          series("Saves", \.saves)].compactMap { $0 }
        var charts: [LineChart] = []
        if !reach.isEmpty {
            charts.append(LineChart(id: "reach-chart", title: reach.count > 1 ? "Views and plays per day" : "Views per day",
                                    firstDay: window.startDay, series: reach))
        }
        if !engagement.isEmpty {
            let names = engagement.map { $0.name.lowercased() }
            let title = (names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") : names[0])
            charts.append(LineChart(id: "interactions-chart", title: title.prefix(1).uppercased() + title.dropFirst() + " per day",
                                    firstDay: window.startDay, series: engagement))
        }
        return charts.map { ["chart_title": $0.title, "chart_html": $0.html()] }
    }

    func setActive(_ request: Request, _ context: AppRequestContext, _ active: Bool) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let id = try DataPage.pathID(context, VideoID.self, "video")
        _ = try await page.store.videos.update(id, source: .individual) { $0.isActive = active }
        return Pages.redirect("/videos/\(id)?notice=\(active ? "resumed" : "paused")")
    }
}
