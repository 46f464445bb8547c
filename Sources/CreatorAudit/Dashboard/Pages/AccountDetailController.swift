// One account (README, "Dashboard"): profile, its figures over the range (what `POST /v2/accounts/metrics` answers),
// charts of followers, views and engagement rate per day (`/v2/accounts/{id}/timeseries`), its videos, the creator
// link and its scraping overrides. Another organization's account is "not found", like a missing one.
import Foundation
import Hummingbird

struct AccountDetailController {
    let services: DataPageServices

    /// Post age limits offered (the organization's default is the empty choice).
    static let lookbackPresets: [(days: Int, label: String)] = [(30, "30 days"), (90, "90 days"), (180, "6 months"), (365, "1 year")]
    static let intervalPresets = [1, 6, 12, 24, 48, 72, 168]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Profile, figures and charts over a range, videos, creator link and scraping overrides.
        routes.on(.get, "accounts/{id}") { request, context in try await show(request, context) }
        /// The confirmation page before deleting one account.
        routes.on(.get, "accounts/{id}/delete") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            return try await AccountsController.confirmation(page, [try await find(page, context)])
        }
        /// Links the account to a creator, moves it to another, or unlinks it (empty choice).
        routes.on(.post, "accounts/{id}/creator") { request, context in try await link(request, context) }
        /// Saves the account's scraping overrides (empty = the organization's default) and refresh interval.
        routes.on(.post, "accounts/{id}/settings") { request, context in try await saveSettings(request, context) }
    }

    func find(_ page: DataPage, _ context: AppRequestContext) async throws -> Account {
        guard let account = try await page.store.accounts.find(try DataPage.pathID(context, AccountID.self, "account")) else {
            throw DomainError.notFound("account")
        }
        return account
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let account = try await find(page, context)
        let id = account.id.description
        let range = DashboardRange.read(page.query)
        let window = range.window
        let figures = try await page.analytics.accountFigures(ids: [id], window: window)[id]
        let points = try await page.analytics.series(.account(account.id), window: window)
        let status = AccountStatus.of(account)
        let path = "/accounts/\(id)"

        var values = RangePicker.values(range, path: path, keep: [])
        values["account_id"] = id
        values["username"] = account.username
        values["display_name"] = shown(account.name)
        values["platform_label"] = PlatformChoice.label(account.platform)
        values["status_label"] = status.label
        values["status_class"] = status.badgeClass
        values["is_active"] = account.isActive
        values["is_verified"] = account.isVerified
        values["creator_name"] = shown(account.creatorName)
        values["creator_href"] = shown(account.creatorID.map { "/creators/\($0)" })
        values["category"] = shown(account.category)
        values["added"] = Pages.date(account.addedAt)
        for (name, value) in Freshness.account(account) { values[name] = value }
        values["metrics"] = Self.metrics(figures, range: range)
        values["totals"] = [
            ["total_label": "Followers now", "total_value": Figure.count(account.followerCount)],
            ["total_label": "Following", "total_value": Figure.count(account.followingCount)],
            ["total_label": "Posts on profile", "total_value": Figure.count(account.profilePostCount)],
            ["total_label": "Total views", "total_value": Figure.count(account.totals.effectiveViews ?? 0)],
            ["total_label": "Total likes", "total_value": Figure.count(account.totals.likes ?? 0)],
            ["total_label": "Engagement rate (all time)", "total_value": Figure.rate(account.engagementRate)],
        ]
        values["charts"] = Self.charts(points, window: window)
        values["return_to"] = PageLink.make(path, range.fields)

        // Its videos, newest first, with their views in the range (20 a page).
        let table = try await VideoTable.accountVideos(page, accountID: id, range: range, path: path)
        for (name, value) in table { values[name] = value }

        if page.canManage {
            let creators = try await page.store.creators.all()
            values["creator_choices"] = creators.map { creator -> [String: Any] in
                ["choice_id": creator.id.description, "choice_name": creator.name, "choice_selected": creator.id == account.creatorID]
            }
            values["has_creator"] = account.creatorID != nil
        }
        values["max_recent"] = account.maxRecentPostsPerAccount.map(String.init) ?? ""
        values["org_max_recent"] = account.organizationMaxRecentPosts
        values["effective_max_recent"] = account.effectiveMaxRecentPosts
        values["org_lookback"] = LookbackText.words(account.organizationLookbackDays)
        values["effective_lookback"] = LookbackText.words(account.effectiveLookbackDays)
        values["lookback_default_selected"] = account.postLookbackDays == nil
        var lookbacks = Self.lookbackPresets.map { preset -> [String: Any] in
            ["lookback_days": preset.days, "lookback_label": preset.label,
             "lookback_selected": account.postLookbackDays == preset.days]
        }
        if let days = account.postLookbackDays, !Self.lookbackPresets.contains(where: { $0.days == days }) {
            lookbacks.append(["lookback_days": days, "lookback_label": LookbackText.words(days), "lookback_selected": true])
        }
        values["lookbacks"] = lookbacks
        var intervals = Self.intervalPresets
        if !intervals.contains(account.scrapeIntervalHours) { intervals.append(account.scrapeIntervalHours) }
        values["intervals"] = intervals.sorted().map { hours -> [String: Any] in
            ["interval_hours": hours, "interval_label": hours == 1 ? "every hour" : "every \(hours) hours",
             "interval_selected": hours == account.scrapeIntervalHours]
        }
        values["interval_words"] = account.scrapeIntervalHours == 1 ? "every hour" : "every \(account.scrapeIntervalHours) hours"
        if let notice = page.notice(AccountsController.notices) { values["notice"] = notice }
        return try await page.render("account-detail", title: "@\(account.username)", section: "accounts", values)
    }

    /// The range's figures as cards; `data-metric` names match `POST /v2/accounts/metrics`.
    static func metrics(_ figures: AccountFigures?, range: DashboardRange) -> [[String: Any]] {
        let amounts = figures?.totals.amounts
        func card(_ key: String, _ label: String, _ value: Int64?, note: String = "") -> [String: Any] {
            ["metric": key, "metric_label": label, "metric_text": Figure.count(value), "metric_raw": value.map(String.init) ?? "",
             "metric_note": shown(note)]
        }
        var cards: [[String: Any]] = []
        let change = figures?.totals.followerChange
        cards.append(card("follower_count", "Followers", figures?.totals.followerCount,
                          note: change.map { "\($0 >= 0 ? "+" : "")\(ChartText.grouped($0)) in range" } ?? "no history yet"))
        cards.append(card("views", "Views", amounts?.views ?? amounts?.plays))
        cards.append(card("likes", "Likes", amounts?.likes))
        cards.append(card("comments", "Comments", amounts?.comments))
        cards.append(card("shares", "Shares", amounts?.shares))
        if let saves = amounts?.saves { cards.append(card("saves", "Saves", saves)) }
        let rate = amounts?.engagementRate
        cards.append(["metric": "engagement_rate", "metric_label": "Engagement rate", "metric_text": Figure.rate(rate),
                      "metric_raw": rate.map { String($0) } ?? "", "metric_note": false])
        cards.append(["metric": "videos", "metric_label": "Views per video",
                      "metric_text": Figure.count(figures?.averageViews.map { Int64($0.rounded()) }),
                      "metric_raw": "", "metric_note": "\(figures?.videos ?? 0) videos tracked by the end"])
        return cards
    }

    /// Followers, views and engagement rate per day.
    static func charts(_ points: [SeriesPoint], window: Window) -> [[String: Any]] {
        let followers = LineChart(id: "followers-chart", title: "Followers", firstDay: window.startDay, series: [
            ChartSeries(name: "Followers", values: points.map { $0.followers.map(Double.init) }, includeZero: false),
        ])
        let views = LineChart(id: "views-chart", title: "Views per day", firstDay: window.startDay, series: [
            ChartSeries(name: "Views", values: points.map { $0.amounts.effectiveViews.map(Double.init) }),
        ])
        let engagement = LineChart(id: "engagement-chart", title: "Engagement rate per day", firstDay: window.startDay, series: [
            ChartSeries(name: "Engagement rate", values: points.map(\.amounts.engagementRate), format: .percent),
        ])
        return [followers, views, engagement].map { ["chart_title": $0.title, "chart_html": $0.html()] }
    }

    func link(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let account = try await find(page, context)
        let form = try await FormData.read(request)
        let chosen = form["creator_id"].flatMap { $0.isEmpty ? nil : $0 }
        if let chosen {
            guard let creatorID = CreatorID(chosen) else {
                throw APIError.validation([FieldError(field: "creator_id", message: "does not exist")])
            }
            if account.creatorID != creatorID {
                // Moving to another creator is an explicit choice: unlink from the first, then link.
                if let current = account.creatorID { try await page.store.creators.unlink(current, account: account.id) }
                _ = try await page.store.creators.link(creatorID, account: account.id)
            }
        } else if let current = account.creatorID {
            try await page.store.creators.unlink(current, account: account.id)
        }
        return Pages.redirect(ReturnPath.adding(notice: "linked", to: ReturnPath.safe(form["return_to"], default: "/accounts/\(account.id)")))
    }

    func saveSettings(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let id = try DataPage.pathID(context, AccountID.self, "account")
        let form = try await FormData.read(request)
        var errors: [FieldError] = []
        func optional(_ name: String, _ range: ClosedRange<Int>) -> Int?? {
            guard let raw = form[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .some(nil) }
            guard let value = Int(raw), range.contains(value) else {
                errors.append(FieldError(field: name, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return .some(value)
        }
        let maxPosts = optional("max_recent_posts_per_account", 1...500)
        let lookback = optional("post_lookback_days", 1...365)
        let interval = optional("scrape_interval_hours", 1...168)
        guard errors.isEmpty, let maxPosts, let lookback, let interval else { throw APIError.validation(errors) }
        _ = try await page.store.accounts.update(id) { account in
            account.maxRecentPostsPerAccount = maxPosts
            account.postLookbackDays = lookback
            if let interval { account.scrapeIntervalHours = interval }
        }
        return Pages.redirect("/accounts/\(id)?notice=settings")
    }
}

/// A post age limit in words: 30 → "30 days", 180 → "6 months", 365 → "1 year".
enum LookbackText {
    static func words(_ days: Int) -> String {
        switch days {
        case 365: return "1 year"
        case 180: return "6 months"
        case 1: return "1 day"
        default: return "\(days) days"
        }
    }
}
