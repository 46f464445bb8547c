// Account videos (discovered on tracked accounts) and individual videos (tracked one by one) as tables (README,
// "Dashboard"): search in captions, platform filter, sorting by the stored columns with keyset paging, views in the
// range; individual videos can be added by URL. The same repositories as `/v2/account-videos` and `/v2/videos`.
import Foundation
import Hummingbird

struct VideosController {
    let services: DataPageServices

    static let notices = [
        "added": "The video is tracked. Its first refresh is queued.",
        "deleted": "The video was deleted with its history.",
        "paused": "The video was paused.", "resumed": "The video was resumed.",
    ]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Videos discovered on tracked accounts.
        routes.on(.get, "account-videos") { request, context in try await list(request, context, source: .account) }
        /// Videos tracked one by one, and the form to add one by URL.
        routes.on(.get, "videos") { request, context in try await list(request, context, source: .individual) }
        /// Tracks one video by URL, shortcode or platform id.
        routes.on(.post, "videos/add") { request, context in try await add(request, context) }
    }

    func list(_ request: Request, _ context: AppRequestContext, source: VideoSource) async throws -> Response {
        let page = try DataPage(request, context, services)
        let range = DashboardRange.read(page.query)
        let path = source == .account ? "/account-videos" : "/videos"
        let search = page.query["q"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let platform = page.query["platform"].flatMap(Platform.init(rawValue:))
        let accountID = source == .account ? page.query["account"].flatMap(AccountID.init) : nil
        let state = TableState.read(
            page.query, path: path, columns: VideoTable.columns(source), defaultSort: source == .account ? "published" : "added",
            defaultDirection: .desc,
            filters: [("q", String(search.prefix(128))), ("platform", platform?.rawValue ?? ""),
                      ("account", accountID?.description ?? "")], range: range)
        var filters = VideoFilters()
        filters.query = search.isEmpty ? nil : String(search.prefix(128))
        filters.platform = platform?.rawValue
        filters.accountID = accountID?.description
        let cursor = try await ListCursor(page, path: path, binding: state.binding, kind: state.sortKind)
        let query = state.pageQuery(sortOptions: VideoRepository.sortOptions, after: cursor.after, before: cursor.before)
        let result = try await page.store.videos.page(source: source, filters, query)
        let amounts = try await page.analytics.videoAmounts(ids: result.items.map(\.id.description), source: source,
                                                            window: range.window)

        var values = RangePicker.values(range, path: path, keep: state.fieldsWithoutRange)
        values["heading"] = source == .account ? "Account videos" : "Individual videos"
        values["intro"] = source == .account
            ? "Posts discovered on the accounts you track, with their counters and views in the range."
            : "Videos you track one by one, by URL, whoever posted them."
        values["list_path"] = path
        values["is_individual"] = source == .individual
        values["q"] = search
        values["platforms"] = PlatformChoice.all(selected: platform)
        values["headers"] = state.headers(sortOptions: VideoRepository.sortOptions)
        values["column_choices"] = state.columnChoices
        values["page_sizes"] = state.pageSizeChoices
        values["hidden_sort"] = ([("sort", state.sort.key), ("dir", state.direction.rawValue), ("account", accountID?.description ?? "")]
            + range.fields).filter { !$0.1.isEmpty }.map { ["hidden_name": $0.0, "hidden_value": $0.1] }
        values["rows"] = result.items.map { VideoTable.row($0, amount: amounts[$0.id.description], state: state) }
        values["has_rows"] = !result.items.isEmpty
        values["column_count"] = state.visible.count
        if let accountID, let account = try await page.store.accounts.find(accountID) {
            values["account_filter"] = "@" + account.username
            values["account_filter_clear"] = PageLink.make(path, state.fields.filter { $0.0 != "account" })
        }
        for (name, value) in state.pager(result, cursor: cursor, noun: "videos") { values[name] = value }
        if let notice = page.notice(Self.notices) { values["notice"] = notice }
        let section = source == .account ? "account_videos" : "videos"
        return try await page.render("videos", title: values["heading"] as? String ?? "Videos", section: section, values)
    }

    func add(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let form = try await FormData.read(request)
        guard let platform = form["platform"].flatMap(Platform.init(rawValue:)) else {
            throw APIError.validation([FieldError(field: "platform", message: "must be Instagram or TikTok")])
        }
        guard let identifier = VideoIdentifier.parse(form["identifier"] ?? "", platform: platform) else {
            throw APIError.validation([FieldError(field: "identifier",
                                                  message: "is not a \(PlatformChoice.label(platform)) video URL, shortcode or id")])
        }
        // As `POST /v2/videos` builds it.
        var video = Video.new(organizationID: page.organizationID, platform: platform, source: .individual,
                              externalID: identifier.externalID, url: identifier.url)
        video.shortcode = identifier.shortcode
        video.accountUsername = identifier.accountUsername
        _ = try await page.store.videos.create(video)
        return Pages.redirect("/videos?notice=added")
    }
}

/// The videos tables' columns and rows (also the account page's list of its videos and the overview's recent ones).
enum VideoTable {
    static func columns(_ source: VideoSource) -> [TableColumn] {
        [
            TableColumn(key: "video", label: "Video", sortable: false),
            TableColumn(key: "account", label: "Account", visible: source == .account, sortable: false),
            TableColumn(key: "published", label: "Published (UTC)", storedSort: "create_time", newestFirst: true),
            TableColumn(key: "views_total", label: "Views", numeric: true, storedSort: "view_count"),
            TableColumn(key: "likes_total", label: "Likes", numeric: true, storedSort: "like_count"),
            TableColumn(key: "plays_total", label: "Plays", numeric: true, visible: false, storedSort: "play_count"),
            TableColumn(key: "views_range", label: "Views in range", numeric: true, sortable: false),
            TableColumn(key: "rate", label: "Engagement rate", numeric: true, sortable: false),
            TableColumn(key: "refreshed", label: "Last refresh (UTC)", sortable: false),
            TableColumn(key: "added", label: "Added (UTC)", visible: false, storedSort: "added_at", newestFirst: true),
        ]
    }

    /// `ofAccount`: rows on an account's page, which need not repeat its platform and username.
    static func row(_ video: Video, amount: Counters?, state: TableState, ofAccount: Bool = false) -> [String: Any] {
        let cells = state.visible.map { column -> [String: Any] in
            var cell = TableCell(key: column.key, numeric: column.numeric)
            switch column.key {
            case "video":
                cell.text = VideoRows.caption(video)
                cell.href = VideoRows.href(video)
                cell.badge = ofAccount ? "" : PlatformChoice.label(video.platform)
                cell.sub = ofAccount || state.isVisible("account") ? "" : video.accountUsername.map { "@" + $0 } ?? ""
            case "account":
                cell.text = video.accountUsername.map { "@" + $0 } ?? "—"
                cell.href = video.accountID.map { "/accounts/\($0)" } ?? ""
            case "published": cell.text = Figure.shortTime(video.createTime)
            case "views_total": cell.text = Figure.count(video.counters.effectiveViews)
            case "likes_total": cell.text = Figure.count(video.counters.likes)
            case "plays_total": cell.text = Figure.count(video.counters.plays)
            case "views_range": cell.text = Figure.count(amount?.effectiveViews)
            case "rate": cell.text = Figure.rate(video.engagementRate)
            case "refreshed":
                let fresh = Freshness.video(video)
                cell.text = fresh["fresh_short"] as? String ?? ""
                cell.muted = fresh["fresh_pending"] as? Bool ?? false
            case "added": cell.text = Figure.shortTime(video.addedAt)
            default: break
            }
            return cell.values
        }
        return ["id": video.id.description, "cells": cells]
    }

    /// An account page's videos, newest first, 20 a page with their views in the range.
    static func accountVideos(_ page: DataPage, accountID: String, range: DashboardRange, path: String) async throws -> [String: Any] {
        let columns = Self.columns(.account).filter { ["video", "published", "views_total", "likes_total", "views_range", "rate"].contains($0.key) }
        let state = TableState.read(FormData(""), path: path, columns: columns, defaultSort: "published", defaultDirection: .desc,
                                    filters: [], range: range, pageSizes: [20])
        let cursor = try await ListCursor(page, path: path + "/videos", binding: state.binding, kind: .integer,
                                          afterField: "videos_after", beforeField: "videos_before")
        let query = state.pageQuery(sortOptions: VideoRepository.sortOptions, after: cursor.after, before: cursor.before)
        var filters = VideoFilters()
        filters.accountID = accountID
        let result = try await page.store.videos.page(source: .account, filters, query)
        let amounts = try await page.analytics.videoAmounts(ids: result.items.map(\.id.description), source: .account,
                                                            window: range.window)
        var values: [String: Any] = [
            "video_headers": state.visible.map { ["vh_label": $0.label, "vh_numeric": $0.numeric] },
            "video_rows": result.items.map { row($0, amount: amounts[$0.id.description], state: state, ofAccount: true) },
            "has_video_rows": !result.items.isEmpty,
            "video_count_words": result.total.map { $0 == 1 ? "1 video" : "\(Figure.count($0)) videos" } ?? "",
            "all_videos_href": "/account-videos?account=\(accountID)",
        ]
        let fields = range.fields
        if let next = result.next {
            values["videos_next_href"] = PageLink.make(path, fields + [("videos_after", cursor.encode(next))])
        }
        if let previous = result.previous {
            values["videos_previous_href"] = PageLink.make(path, fields + [("videos_before", cursor.encode(previous))])
        }
        return values
    }
}

enum VideoRows {
    /// The caption's first line, shortened, or the platform id when there is none.
    static func caption(_ video: Video) -> String {
        let text = (video.description ?? "").split(separator: "\n").first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard !text.isEmpty else { return "Video \(video.shortcode ?? video.externalID)" }
        return text.count > 80 ? String(text.prefix(78)) + "…" : text
    }

    static func href(_ video: Video) -> String {
        (video.source == .account ? "/account-videos/" : "/videos/") + video.id.description
    }

    /// A short entry (the overview's recent videos).
    static func summary(_ video: Video) -> [String: Any] {
        [
            "video_caption": caption(video), "video_href": href(video), "video_platform": PlatformChoice.label(video.platform),
            "video_account": video.accountUsername.map { "@" + $0 } ?? "",
            "video_published": video.createTime.map { ChartText.shortDate(UTCDay.of($0), withYear: true) } ?? "—",
            "video_views": Figure.count(video.counters.effectiveViews),
            "video_source": video.source == .account ? "account video" : "individual video",
        ]
    }
}
