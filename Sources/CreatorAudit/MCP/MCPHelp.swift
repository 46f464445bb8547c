// What get_help tells an agent. The "metrics" section is the "Definitions" section of docs/metrics.md word for word
// (MCPCatalogTests fails when the two differ), so agents read the same promises as the API's users.
import Foundation

enum MCPHelp {
    enum Topic: String, CaseIterable, Sendable {
        case metrics, windows, lists, errors, tools
    }

    static func text(_ topic: Topic?, catalog: ToolCatalog) -> String {
        let topics = topic.map { [$0] } ?? Topic.allCases
        return topics.map { section($0, catalog: catalog) }.joined(separator: "\n\n")
    }

    static func section(_ topic: Topic, catalog: ToolCatalog) -> String {
        switch topic {
        case .metrics: return "# How metrics are computed\n\n" + metrics
        case .windows: return windows
        case .lists: return lists
        case .errors: return errors
        case .tools: return tools(catalog)
        }
    }

    /// The "Definitions" section of docs/metrics.md.
    static let metrics = """
        - **Counters.** Views, plays, likes, comments, shares and saves for videos; followers (and following, posts)
          for accounts. Counters are cumulative. A counter a platform never reported is unknown (`null`), never `0`,
          and is skipped in sums.
        - **Daily level `V(d)`** of a video counter: the last snapshot value at or before the end of UTC day `d`.
          Before the first snapshot: `0` on days before the video's publication day, the first snapshot's value from
          the publication day on (unknown publication time: the first snapshot's value). So growth that happened
          before we started tracking is counted on the publication day, and starting to track an old video late
          adds no fake growth.
        - **Amount in a window** `[first, last]` (or on one day): `V(last) − V(first − 1)`. Daily amounts therefore
          add up exactly to the window's amount.
        - **Views and plays** stand in for each other where a platform reports only one of them (TikTok: plays are
          views).
        - **Hierarchy.** An account's amounts are the sums over its discovered videos; a creator's over its linked
          accounts; the organization's over all its videos (discovered and individually tracked).
        - **Followers** are a level: the value at the window's end and its change over the window (`null` before the
          first snapshot).
        - **Engagement rate** = 100 × (likes + comments + shares) / views over the same scope and window — computed
          from integers (128-bit) and rounded half away from zero to 4 decimals; `null` when views are 0 or
          unknown. Saves are not part of it. On a resource without a window, the latest totals are used.
        - **Windows**: `7d | 30d | 90d` are the last N UTC days ending today; `custom` needs both dates, ends no
          later than today, spans at most 366 days. `start_date` + `end_date` without `period` are a custom window; a
          malformed date, one date alone, `start_date` after `end_date`, or dates with a preset period are a 422 naming
          the field (the same rule on every analytics endpoint, query string or JSON body: README, "Analytics windows";
          `Analytics/Window.swift`). Period-over-period compares with the preceding window of equal
          length; `_pct` = 100 × (current − previous) / previous, 4 decimals, `null` when previous is 0.
        """

    static let windows = """
        # Choosing a window

        Analytics tools take `period`: `7d`, `30d` or `90d` (the last N whole UTC days, today included), or `custom` \
        with `start_date` and `end_date` (`YYYY-MM-DD`, inclusive, at most 366 days, not after today). Dates without \
        `period` mean `custom`. Defaults: `30d` for batch metrics, timeseries and creator analytics, `7d` for the \
        overview. A timeseries has one point per day of the window; a point's amounts are what that day added.
        """

    static let lists = """
        # Lists and tracking

        Lists answer a page at a time: pass `limit` (1–200) and then `cursor` = the previous answer's \
        `pagination.next_cursor` until `pagination.has_next` is false. Sort with `order_by` and `order_direction`. \
        Tracking an account (create_account) queues its first refresh at once; its counters are 0 until that \
        refresh, and `last_scrape_time` is null until then. Accounts' videos are discovered by refreshes \
        (list_account_videos); single videos are tracked with create_video. Batch metrics take up to 200 ids; ids \
        that are not yours are listed in `meta.not_found`.
        """

    static let errors = """
        # Errors

        A failed call is a tool error whose text is the API's problem document (RFC 9457): `status`, `code`, \
        `detail`, and for 422 `errors` naming each invalid field. `INSUFFICIENT_SCOPE` (403) means the key lacks \
        the scope the endpoint needs (reads `read`, writes `write`, organization settings `admin`): ask for a key \
        with that scope. `NOT_FOUND` (404) is also the answer for another organization's ids. `RATE_LIMITED` \
        (429): wait the seconds the document gives. `FORBIDDEN` with a disabled or expired key: the key no longer \
        works. Writes can carry `idempotency_key`, so a retry after a timeout is safe.
        """

    static func tools(_ catalog: ToolCatalog) -> String {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for operation in catalog.operations {
            let group = operation.tags.first ?? "Other"
            if groups[group] == nil { order.append(group) }
            groups[group, default: []].append(
                "- `\(operation.name)` — \(operation.method.rawValue) \(operation.path): \(operation.summary)")
        }
        var text =
            "# Tools\n\nEvery endpoint of the API is a tool. Those not listed up front are found with "
            + "search_tools and can be called by name or through call_v2_endpoint.\n\n"
            + "- `get_api_key_info` — the organization and key of this connection\n"
            + "- `search_tools` — find tools by words\n- `get_help` — this text\n"
            + "- `call_v2_endpoint` — any v2 endpoint by method and path"
        for group in order.sorted() {
            text += "\n\n## \(group)\n\n" + (groups[group] ?? []).joined(separator: "\n")
        }
        return text
    }
}
