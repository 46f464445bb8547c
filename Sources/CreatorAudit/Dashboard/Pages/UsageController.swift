// Usage (README, "Dashboard"): requests per API key per day over 30 days (a chart and a table), what the organization
// tracks per platform, and how many members and keys it has. Key usage is what the API keys page shows: the stored
// daily counts plus what this node has counted and not written yet.
import Foundation
import Hummingbird

/// A key's requests per day (`YYYY-MM-DD`) since a day, stored and pending.
enum KeyUsageCounts {
    static func of(_ key: APIKeyRecord, keys: APIKeyRepository, usage: UsageRecorder, since day: String) async throws -> [String: Int] {
        var counts = try await keys.usage(organizationID: key.organizationID, keyID: key.id, sinceDay: day)
        for (day, count) in usage.pendingUsage(of: key.id)?.countsByDay ?? [:] { counts[day, default: 0] += count }
        return counts
    }
}

struct UsageController {
    let services: DataPageServices
    let keys: APIKeyRepository
    let usage: UsageRecorder
    /// Lines in the chart; the quieter keys are summed as "Other keys".
    static let chartLines = 5

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Requests per key per day (30 days), tracked accounts and posts per platform, members and keys.
        routes.on(.get, "usage") { request, context in try await show(request, context) }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let days = UsageChart.window()
        let firstDay = UTCDay.parse(days[0]) ?? UTCDay.today - UsageChart.days + 1
        var rows: [(key: APIKeyRecord, counts: [String: Int], total: Int)] = []
        for key in try await keys.list(organizationID: page.organizationID) {
            let counts = try await KeyUsageCounts.of(key, keys: keys, usage: usage, since: days[0])
            rows.append((key, counts, days.reduce(0) { $0 + (counts[$1] ?? 0) }))
        }
        rows.sort { ($0.total, $1.key.createdAt) > ($1.total, $0.key.createdAt) }

        // A key's line starts on the day it was created: before that it had no requests to count, not zero.
        func line(_ counts: [String: Int], createdDay: Int) -> [Double?] {
            days.enumerated().map { index, day in firstDay + index < createdDay ? nil : Double(counts[day] ?? 0) }
        }
        var series = rows.prefix(Self.chartLines - (rows.count > Self.chartLines ? 1 : 0)).map { row in
            ChartSeries(name: row.key.name, values: line(row.counts, createdDay: UTCDay.of(row.key.createdAt)))
        }
        if rows.count > Self.chartLines {
            let rest = rows.dropFirst(Self.chartLines - 1)
            series.append(ChartSeries(name: "Other keys", values: days.map { day in
                Double(rest.reduce(0) { $0 + ($1.counts[day] ?? 0) })
            }))
        }
        var values: [String: Any] = [:]
        if !series.isEmpty {
            values["chart"] = LineChart(id: "usage-chart", title: "API requests per day by key", firstDay: firstDay,
                                        series: series).html()
        }
        let today = days[days.count - 1]
        values["keys"] = rows.map { row -> [String: Any] in
            ["key_name": row.key.name, "key_masked": row.key.masked, "key_status": row.key.status.rawValue,
             "key_total": Figure.count(row.total), "key_today": Figure.count(row.counts[today] ?? 0),
             "key_last_used": Figure.time(row.key.lastUsedAt, never: "never")]
        }
        values["has_keys"] = !rows.isEmpty
        values["requests_total"] = Figure.count(rows.reduce(0) { $0 + $1.total })
        values["key_count"] = rows.count
        values["enabled_key_count"] = rows.filter { $0.key.status == .enabled }.count
        values["member_count"] = try await services.members.list(organizationID: page.organizationID).count

        let accounts = try await page.store.accounts.countsByPlatform()
        let videos = try await page.store.videos.countsByPlatform()
        values["platforms"] = Platform.allCases.map { platform -> [String: Any] in
            ["platform_key": platform.rawValue, "platform_label": PlatformChoice.label(platform),
             "platform_accounts": Figure.count(accounts[platform] ?? 0),
             "platform_account_videos": Figure.count(videos[platform]?[.account] ?? 0),
             "platform_individual_videos": Figure.count(videos[platform]?[.individual] ?? 0)]
        }
        if let organization = try await page.store.organization.find(page.organizationID) {
            let tracked = accounts.values.reduce(0, +)
            values["quota_words"] = organization.accountQuota.map { "\(Figure.count(tracked)) of \(Figure.count($0)) accounts" }
                ?? "\(Figure.count(tracked)) accounts (no quota)"
            values["rate_limit"] = Figure.count(organization.rateLimit)
        }
        return try await page.render("usage", title: "Usage", section: "usage", values)
    }
}
