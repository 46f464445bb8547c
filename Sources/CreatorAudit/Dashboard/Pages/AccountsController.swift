// The accounts table and its actions (README, "Dashboard"): search, platform filter, sorting by any shown column,
// 50–200 a page with keyset paging, a range for the window columns, a column picker, add, pause / resume and bulk
// delete after a confirmation that names what goes. Reads and writes go through the organization's `TenantStore`
// and `AnalyticsService` — the API's repositories and rules (quota, duplicates, creators' pauses).
import Foundation
import Hummingbird

struct AccountsController {
    let services: DataPageServices

    static let notices = [
        "added": "The account is tracked. Its first refresh is queued.",
        "deleted": "The accounts were deleted with their videos and history.",
        "paused": "The account was paused: it is not refreshed until resumed.",
        "resumed": "The account was resumed.",
        "none": "Select at least one account first.",
        "linked": "The creator link was saved.", "settings": "The scraping settings were saved.",
    ]

    static let columns: [TableColumn] = [
        TableColumn(key: "account", label: "Account", storedSort: "username"),
        TableColumn(key: "platform", label: "Platform", visible: false, text: true),
        TableColumn(key: "creator", label: "Creator", text: true),
        TableColumn(key: "status", label: "Status", text: true),
        TableColumn(key: "followers", label: "Followers", numeric: true, storedSort: "follower_count"),
        TableColumn(key: "views_range", label: "Views in range", numeric: true),
        TableColumn(key: "avg_views", label: "Views per video", numeric: true),
        TableColumn(key: "rate_range", label: "Engagement rate", numeric: true),
        TableColumn(key: "views_total", label: "Total views", numeric: true, visible: false, storedSort: "view_count"),
        TableColumn(key: "likes_total", label: "Total likes", numeric: true, visible: false, storedSort: "like_count"),
        TableColumn(key: "refreshed", label: "Last refresh (UTC)", storedSort: "last_scrape_time", newestFirst: true),
        TableColumn(key: "added", label: "Added (UTC)", visible: false, storedSort: "added_at", newestFirst: true),
    ]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The accounts table with search, filter, sort, range, columns and paging.
        routes.on(.get, "accounts") { request, context in try await list(request, context) }
        /// Tracks an account (platform, username, optional creator).
        routes.on(.post, "accounts/add") { request, context in try await add(request, context) }
        /// The confirmation page for the selected accounts (nothing changes yet).
        routes.on(.post, "accounts/bulk") { request, context in try await confirmBulkDelete(request, context) }
        /// Deletes the confirmed accounts with their videos and history.
        routes.on(.post, "accounts/delete") { request, context in try await delete(request, context) }
        /// Pauses refreshing an account.
        routes.on(.post, "accounts/{id}/pause") { request, context in try await setActive(request, context, false) }
        /// Resumes refreshing an account.
        routes.on(.post, "accounts/{id}/resume") { request, context in try await setActive(request, context, true) }
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let range = DashboardRange.read(page.query)
        let search = page.query["q"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let platform = page.query["platform"].flatMap(Platform.init(rawValue:))
        let state = TableState.read(
            page.query, path: "/accounts", columns: Self.columns, defaultSort: "added", defaultDirection: .desc,
            filters: [("q", String(search.prefix(128))), ("platform", platform?.rawValue ?? "")], range: range)
        var filters = AccountFilters()
        filters.query = search.isEmpty ? nil : String(search.prefix(128))
        filters.platform = platform?.rawValue
        let cursor = try await ListCursor(page, path: "/accounts", binding: state.binding, kind: state.sortKind)
        let query = state.pageQuery(sortOptions: AccountRepository.sortOptions, after: cursor.after, before: cursor.before)

        let result: PageResult<Account>
        var figures: [String: AccountFigures]
        if state.sort.storedSort != nil {
            result = try await page.store.accounts.page(filters, query)
            figures = try await page.analytics.accountFigures(ids: result.items.map(\.id.description), window: range.window)
        } else if Self.windowColumns.contains(state.sort.key) {
            // A window column ranks every matching account by its figures (the same keyset, in memory); only the
            // page's accounts are read in full.
            let ids = try await page.store.accounts.ids(filters)
            figures = try await page.analytics.accountFigures(ids: ids, window: range.window)
            let ranked = query.page(ids.map { id in
                (position: CursorPosition(value: Self.sortValue(state.sort.key, nil, figures[id]), id: id), model: id)
            })
            result = PageResult(items: try await page.store.accounts.list(ids: ranked.items), next: ranked.next,
                                total: ranked.total, previous: ranked.previous)
        } else {
            // Another computed column (platform, creator, status) ranks the matching accounts' rows in memory.
            let all = try await page.store.accounts.all(filters)
            result = query.page(all.map { account in
                (position: CursorPosition(value: Self.sortValue(state.sort.key, account, nil), id: account.id.description),
                 model: account)
            })
            figures = try await page.analytics.accountFigures(ids: result.items.map(\.id.description), window: range.window)
        }

        var values = RangePicker.values(range, path: "/accounts", keep: state.fieldsWithoutRange)
        values["q"] = search
        values["platforms"] = PlatformChoice.all(selected: platform)
        values["headers"] = state.headers(sortOptions: AccountRepository.sortOptions)
        values["column_choices"] = state.columnChoices
        values["page_sizes"] = state.pageSizeChoices
        values["hidden_sort"] = [["hidden_name": "sort", "hidden_value": state.sort.key],
                                 ["hidden_name": "dir", "hidden_value": state.direction.rawValue]]
            + (range.fields.map { ["hidden_name": $0.0, "hidden_value": $0.1] })
        values["rows"] = result.items.map { Self.row($0, figures[$0.id.description], state: state) }
        values["has_rows"] = !result.items.isEmpty
        values["column_count"] = state.visible.count + (page.canManage ? 2 : 0)
        values["return_to"] = PageLink.make("/accounts", state.fields)
        for (name, value) in state.pager(result, cursor: cursor, noun: "accounts") { values[name] = value }
        if page.canManage {
            values["creators"] = try await page.store.creators.all().map { ["creator_id": $0.id.description, "creator_name": $0.name] }
        }
        if let notice = page.notice(Self.notices) { values["notice"] = notice }
        return try await page.render("accounts", title: "Accounts", section: "accounts", values)
    }

    /// The columns computed from the range's figures.
    static let windowColumns: Set<String> = ["views_range", "avg_views", "rate_range"]

    /// The value a computed column sorts by (rates and averages in ten-thousandths, so positions are integers). The
    /// window columns need only the figures; the others only the account.
    static func sortValue(_ key: String, _ account: Account?, _ figures: AccountFigures?) -> CursorPosition.Value {
        func scaled(_ value: Double?) -> CursorPosition.Value { value.map { .integer(Int64(($0 * 10_000).rounded())) } ?? .null }
        switch key {
        case "platform": return account.map { .text($0.platform.rawValue) } ?? .null
        case "creator": return account?.creatorName.map { .text($0.lowercased()) } ?? .null
        case "status": return account.map { .text(AccountStatus.of($0).word) } ?? .null
        case "views_range": return figures?.totals.amounts.effectiveViews.map { .integer($0) } ?? .null
        case "avg_views": return scaled(figures?.averageViews)
        case "rate_range": return scaled(figures?.totals.amounts.engagementRate)
        default: return .null
        }
    }

    /// One table row: the cells of the visible columns.
    static func row(_ account: Account, _ figures: AccountFigures?, state: TableState) -> [String: Any] {
        let status = AccountStatus.of(account)
        let cells = state.visible.map { column -> [String: Any] in
            var cell = TableCell(key: column.key, numeric: column.numeric)
            switch column.key {
            case "account":
                cell.text = "@" + account.username
                cell.href = "/accounts/\(account.id)"
                cell.sub = ([PlatformChoice.label(account.platform)] + (account.name.map { [$0] } ?? [])).joined(separator: " · ")
            case "platform": cell.text = PlatformChoice.label(account.platform)
            case "creator":
                cell.text = account.creatorName ?? "—"
                cell.href = account.creatorID.map { "/creators/\($0)" } ?? ""
            case "status":
                cell.text = status.label
                cell.badgeClass = status.badgeClass
            case "followers": cell.text = Figure.count(account.followerCount)
            case "views_range": cell.text = Figure.count(figures?.totals.amounts.effectiveViews)
            case "avg_views": cell.text = Figure.count(figures?.averageViews.map { Int64($0.rounded()) })
            case "rate_range": cell.text = Figure.rate(figures?.totals.amounts.engagementRate)
            case "views_total": cell.text = Figure.count(account.totals.effectiveViews ?? 0)
            case "likes_total": cell.text = Figure.count(account.totals.likes ?? 0)
            case "refreshed":
                let fresh = Freshness.account(account)
                cell.text = fresh["fresh_short"] as? String ?? ""
                cell.muted = fresh["fresh_pending"] as? Bool ?? false
            case "added": cell.text = Figure.shortTime(account.addedAt)
            default: break
            }
            return cell.values
        }
        return [
            "id": account.id.description, "username": account.username, "cells": cells,
            "is_active": account.isActive,
        ]
    }

    func add(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let form = try await FormData.read(request)
        var errors: [FieldError] = []
        let platform = form["platform"].flatMap(Platform.init(rawValue:))
        if platform == nil { errors.append(FieldError(field: "platform", message: "must be Instagram or TikTok")) }
        let username = Username.normalize(form["username"] ?? "")
        if username == nil {
            errors.append(FieldError(field: "username", message: "must be 1 to 100 letters, digits, dots or underscores"))
        }
        var creatorID: CreatorID?
        if let raw = form["creator_id"], !raw.isEmpty {
            creatorID = CreatorID(raw)
            if creatorID == nil { errors.append(FieldError(field: "creator_id", message: "does not exist")) }
        }
        guard errors.isEmpty, let platform, let username else { throw APIError.validation(errors) }
        var account = Account.new(organizationID: page.organizationID, platform: platform, username: username)
        account.creatorID = creatorID
        _ = try await page.store.accounts.create(account)
        return Pages.redirect("/accounts?notice=added")
    }

    func selectedIDs(_ form: FormData) -> [String] {
        var seen = Set<String>()
        return form.all("id").compactMap { AccountID($0)?.description }.filter { seen.insert($0).inserted }
    }

    func confirmBulkDelete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let accounts = try await page.store.accounts.list(ids: selectedIDs(try await FormData.read(request)))
        guard !accounts.isEmpty else { return Pages.redirect("/accounts?notice=none") }
        return try await Self.confirmation(page, accounts)
    }

    /// The confirmation page: every account by name, with what goes with it.
    static func confirmation(_ page: DataPage, _ accounts: [Account]) async throws -> Response {
        try await page.render("accounts-delete", title: "Delete accounts", section: "accounts", [
            "accounts": accounts.map { ["id": $0.id.description, "username": $0.username,
                                        "platform_label": PlatformChoice.label($0.platform)] },
            "count_words": accounts.count == 1 ? "1 account" : "\(accounts.count) accounts",
        ])
    }

    func delete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        for id in selectedIDs(try await FormData.read(request)) {
            if let accountID = AccountID(id) { _ = try await page.store.accounts.delete(accountID) }
        }
        return Pages.redirect("/accounts?notice=deleted")
    }

    func setActive(_ request: Request, _ context: AppRequestContext, _ active: Bool) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let id = try DataPage.pathID(context, AccountID.self, "account")
        let form = try await FormData.read(request)
        _ = try await page.store.accounts.update(id) { account in
            account.isActive = active
            account.pausedByCreator = false  // an explicit choice overrides a creator's pause (as in the API)
        }
        let back = ReturnPath.safe(form["return_to"], default: "/accounts/\(id)")
        return Pages.redirect(ReturnPath.adding(notice: active ? "resumed" : "paused", to: back))
    }
}

/// A cell of a data table (every key always set: Mustache would otherwise find a parent's value of the same name).
struct TableCell {
    let key: String
    let numeric: Bool
    var text = ""
    var href = ""
    var sub = ""
    var badge = ""
    var badgeClass = ""
    var muted = false

    var values: [String: Any] {
        ["cell_key": key, "cell_numeric": numeric, "cell_text": text, "cell_href": shown(href), "cell_sub": shown(sub),
         "cell_badge": shown(badge), "cell_badge_class": shown(badgeClass), "cell_muted": muted]
    }
}

/// An account's state in words.
struct AccountStatus {
    let word: String
    let label: String
    let badgeClass: String

    static func of(_ account: Account) -> AccountStatus {
        if account.isUnavailable { return AccountStatus(word: "unavailable", label: "Unavailable", badgeClass: "warn") }
        if !account.isActive {
            return account.pausedByCreator
                ? AccountStatus(word: "paused", label: "Paused with its creator", badgeClass: "muted")
                : AccountStatus(word: "paused", label: "Paused", badgeClass: "muted")
        }
        return AccountStatus(word: "active", label: "Active", badgeClass: "ok")
    }
}

/// The platform select and labels.
enum PlatformChoice {
    static func label(_ platform: Platform) -> String { platform == .instagram ? "Instagram" : "TikTok" }

    static func all(selected: Platform?) -> [[String: Any]] {
        Platform.allCases.map { ["platform_value": $0.rawValue, "platform_label": label($0), "platform_selected": $0 == selected] }
    }
}

/// Where a form sends the reader back to: only a path of this dashboard (never another site).
enum ReturnPath {
    static func safe(_ raw: String?, default fallback: String) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), raw.count <= 2048 else { return fallback }
        return raw
    }

    static func adding(notice: String, to path: String) -> String {
        let cleaned = path.split(separator: "?", maxSplits: 1)
        var fields = cleaned.count > 1 ? FormData(String(cleaned[1])).pairs.filter { $0.0 != "notice" } : []
        fields.append(("notice", notice))
        return PageLink.make(String(cleaned[0]), fields)
    }
}
