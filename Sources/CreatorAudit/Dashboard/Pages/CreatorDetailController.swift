// One creator (README, "Dashboard"): its totals over the range and their change (`GET /v2/creators/{id}/analytics`),
// a combined chart of its accounts' views per day (one line each, `/v2/accounts/{id}/timeseries`), one card per
// account, and — for owners and admins — rename, pause / resume, add and remove accounts, delete.
import Foundation
import Hummingbird

struct CreatorDetailController {
    let services: DataPageServices
    /// Lines in the combined chart; more accounts are summed into "Other accounts".
    static let chartLines = 6

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Totals, the combined chart and the accounts of a creator.
        routes.on(.get, "creators/{id}") { request, context in try await show(request, context) }
        /// Renames a creator.
        routes.on(.post, "creators/{id}/rename") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let id = try DataPage.pathID(context, CreatorID.self, "creator")
            let name = try CreatorsController.name(try await FormData.read(request))
            _ = try await page.store.creators.update(id) { $0.name = name }
            return Pages.redirect("/creators/\(id)?notice=renamed")
        }
        /// Links an account to the creator.
        routes.on(.post, "creators/{id}/accounts") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let id = try DataPage.pathID(context, CreatorID.self, "creator")
            guard let accountID = try await FormData.read(request)["account_id"].flatMap(AccountID.init) else {
                throw APIError.validation([FieldError(field: "account_id", message: "choose an account")])
            }
            _ = try await page.store.creators.link(id, account: accountID)
            return Pages.redirect("/creators/\(id)?notice=linked")
        }
        /// Unlinks an account from the creator (it stays tracked).
        routes.on(.post, "creators/{id}/accounts/{account_id}/remove") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let id = try DataPage.pathID(context, CreatorID.self, "creator")
            try await page.store.creators.unlink(id, account: try DataPage.pathID(context, AccountID.self, "link", "account_id"))
            return Pages.redirect("/creators/\(id)?notice=unlinked")
        }
        /// The confirmation page before deleting one creator.
        routes.on(.get, "creators/{id}/delete") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            guard let creator = try await page.store.creators.find(try DataPage.pathID(context, CreatorID.self, "creator")) else {
                throw DomainError.notFound("creator")
            }
            return try await CreatorsController.confirmation(page, [creator])
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let id = try DataPage.pathID(context, CreatorID.self, "creator")
        let range = DashboardRange.read(page.query)
        let window = range.window
        // Not found before anything else is read, as the API's analytics answer.
        let analytics = try await page.analytics.creatorAnalytics(id, window: window)
        let creator = analytics.creator
        var filters = AccountFilters()
        filters.creatorID = id.description
        let accounts = try await page.store.accounts.all(filters).sorted { $0.username < $1.username }
        let figures = try await page.analytics.accountFigures(ids: accounts.map(\.id.description), window: window)
        let path = "/creators/\(id)"

        var values = RangePicker.values(range, path: path, keep: [])
        values["creator_id"] = id.description
        values["creator_name"] = creator.name
        values["is_active"] = creator.isActive
        values["status_label"] = creator.isActive ? "Active" : "Paused"
        values["status_class"] = creator.isActive ? "ok" : "muted"
        values["account_words"] = accounts.count == 1 ? "1 account" : "\(accounts.count) accounts"
        let (current, previous) = (analytics.current, analytics.previous)
        let against = range.previousLabel
        func card(_ key: String, _ label: String, _ text: String, raw: String, _ change: Double?) -> [String: Any] {
            var values: [String: Any] = ["metric": key, "metric_label": label, "metric_text": text, "metric_raw": raw]
            for (name, value) in Figure.change(change, against: against) { values[name] = value }
            return values
        }
        let views = current.amounts.views, rate = current.amounts.engagementRate
        values["metrics"] = [
            card("views", "Views", Figure.count(views), raw: views.map(String.init) ?? "",
                 PeriodChange.percent(current: views, previous: previous.amounts.views)),
            card("engagement_rate", "Engagement rate", Figure.rate(rate), raw: rate.map { String($0) } ?? "",
                 PeriodChange.percent(current: rate, previous: previous.amounts.engagementRate)),
            card("follower_count", "Followers", Figure.count(current.followerCount),
                 raw: current.followerCount.map(String.init) ?? "",
                 PeriodChange.percent(current: current.followerCount, previous: previous.followerCount)),
            card("follower_change", "Follower growth", current.followerChange.map { ($0 > 0 ? "+" : "") + ChartText.grouped($0) } ?? "—",
                 raw: current.followerChange.map(String.init) ?? "",
                 PeriodChange.percent(current: current.followerChange, previous: previous.followerChange)),
        ]
        values["chart"] = try await combinedChart(page, accounts: accounts, window: window).html()
        values["cards"] = accounts.map { account -> [String: Any] in
            let figure = figures[account.id.description]
            var card: [String: Any] = [
                "account_id": account.id.description, "username": account.username,
                "platform_label": PlatformChoice.label(account.platform),
                "status_label": AccountStatus.of(account).label, "status_class": AccountStatus.of(account).badgeClass,
                "followers": Figure.count(figure?.totals.followerCount ?? account.followerCount),
                "views_range": Figure.count(figure?.totals.amounts.effectiveViews),
                "rate_range": Figure.rate(figure?.totals.amounts.engagementRate),
            ]
            for (name, value) in Freshness.account(account) { card[name] = value }
            return card
        }
        values["has_cards"] = !accounts.isEmpty
        if page.canManage {
            let candidates = try await page.store.accounts.all(AccountFilters()).filter { $0.creatorID == nil }
                .sorted { $0.username < $1.username }
            values["candidates"] = candidates.map { ["candidate_id": $0.id.description,
                                                     "candidate_label": "@\($0.username) (\(PlatformChoice.label($0.platform)))"] }
            values["has_candidates"] = !candidates.isEmpty
        }
        values["return_to"] = PageLink.make(path, range.fields)
        if let notice = page.notice(CreatorsController.notices) { values["notice"] = notice }
        return try await page.render("creator-detail", title: creator.name, section: "creators", values)
    }

    /// Views per day, one line per account (the busiest first; the rest summed as "Other accounts").
    func combinedChart(_ page: DataPage, accounts: [Account], window: Window) async throws -> LineChart {
        var lines: [(name: String, values: [Int64?])] = []
        for account in accounts {
            let points = try await page.analytics.series(.account(account.id), window: window)
            lines.append(("@" + account.username, points.map(\.amounts.effectiveViews)))
        }
        lines.sort { $0.values.compactMap { $0 }.reduce(0, +) > $1.values.compactMap { $0 }.reduce(0, +) }
        if lines.count > Self.chartLines {
            let rest = lines[(Self.chartLines - 1)...]
            let summed = (0..<window.days).map { day -> Int64? in
                WindowTotals.sum(rest.map { $0.values[day] })
            }
            lines = Array(lines.prefix(Self.chartLines - 1)) + [("Other accounts", summed)]
        }
        return LineChart(id: "creator-chart", title: "Views per day by account", firstDay: window.startDay,
                         series: lines.map { ChartSeries(name: $0.name, values: $0.values.map { $0.map(Double.init) }) })
    }
}
