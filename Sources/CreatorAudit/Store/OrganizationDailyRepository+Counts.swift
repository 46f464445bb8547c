// The overview's video counts day by day (the KPI cards' sparklines): the same per-day additions that
// `videoCounts(through:)` sums, accumulated over a range in two statements.
import SQLKit

extension OrganizationDailyRepository {
    /// Account videos and individually tracked videos at the end of each day of `first...last`.
    func videoCounts(from first: Int, through last: Int) async throws -> [(account: Int64, tracked: Int64)] {
        guard first <= last else { return [] }
        let before = try await videoCounts(through: first - 1)
        let rows = try await tenant.read { db in
            try await db.raw("""
                SELECT day, account_videos_added, tracked_videos_added FROM organization_daily
                WHERE organization_id = \(bind: tenant.id) AND day >= \(bind: first) AND day <= \(bind: last)
                """).all().map { row -> (Int, Int64, Int64) in
                    let r = row.reader("organization_daily")
                    return (try r.int("day"), try r.int64("account_videos_added"), try r.int64("tracked_videos_added"))
                }
        }
        var added = [(account: Int64, tracked: Int64)](repeating: (0, 0), count: last - first + 1)
        for (day, account, tracked) in rows {
            added[day - first].account += account
            added[day - first].tracked += tracked
        }
        var running = before
        return added.map { day in
            running = (running.account + day.account, running.tracked + day.tracked)
            return running
        }
    }
}
