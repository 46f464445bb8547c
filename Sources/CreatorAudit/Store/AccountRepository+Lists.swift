// Reads of an organization's accounts for the dashboard's tables and cards (README, "Dashboard"): every account of a
// filter (a table sorted by a column computed from analytics ranks them all), accounts by id, counts per platform
// and per day. Same organization rule as every other statement of the repository.
import Foundation
import SQLKit

extension AccountRepository {
    /// Every account matching the filters, by id.
    func all(_ filters: AccountFilters) async throws -> [Account] {
        try await tenant.read { db in
            try await db.raw(Self.select + whereClause(filters) + " ORDER BY a.id").all().map(Self.decode)
        }
    }

    /// The ids of every account matching the filters (a table ranked by a window column needs no more to rank them).
    func ids(_ filters: AccountFilters) async throws -> [String] {
        try await tenant.read { db in
            try await db.raw("SELECT a.id FROM accounts a" + whereClause(filters) + " ORDER BY a.id").all()
                .map { try $0.reader("accounts").string("id") }
        }
    }

    /// The organization's accounts among `ids`, in the order given (unknown and foreign ids are left out).
    func list(ids: [String]) async throws -> [Account] {
        guard !ids.isEmpty else { return [] }
        var found: [String: Account] = [:]
        for chunk in ids.chunked(500) {
            let part = Array(chunk)
            let accounts = try await tenant.read { db in
                // The ids drive the lookup: with `a.organization_id = ? AND a.id IN (…)` SQLite walked every account
                // of the organization for a page of them.
                try await db.raw(
                    Self.select(from: "\(RollupRepository.idList(part)) CROSS JOIN accounts a")
                        + " WHERE a.id = ids.column1 AND a.organization_id = \(bind: tenant.id)"
                ).all().map(Self.decode)
            }
            for account in accounts { found[account.id.description] = account }
        }
        return ids.compactMap { found[$0] }
    }

    /// Tracked accounts per platform (platforms without any are absent).
    func countsByPlatform() async throws -> [Platform: Int] {
        try await tenant.read { db in
            var counts: [Platform: Int] = [:]
            for row in try await db.raw("""
                SELECT platform, COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: tenant.id) GROUP BY platform
                """).all() {
                let r = row.reader("accounts")
                counts[try r.choice("platform", as: Platform.self)] = try r.int("n")
            }
            return counts
        }
    }

    /// For each day of `first...last`, the active accounts added before that day ended — the overview's active
    /// accounts level (`activeCount(addedBefore:)`) day by day, read in two statements.
    func activeCounts(from first: Int, through last: Int) async throws -> [Int64] {
        guard first <= last else { return [] }
        let start = UTCDay.start(first).seconds, end = UTCDay.start(last + 1).seconds
        let (before, added) = try await tenant.read { db -> (Int64, [Int64]) in
            let before = try await db.raw("""
                SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: tenant.id) AND is_active = 1
                    AND added_at < \(bind: start)
                """).first()?.reader("accounts").int64("n") ?? 0
            let added = try await db.raw("""
                SELECT added_at FROM accounts WHERE organization_id = \(bind: tenant.id) AND is_active = 1
                    AND added_at >= \(bind: start) AND added_at < \(bind: end)
                """).all().map { try $0.reader("accounts").int64("added_at") }
            return (before, added)
        }
        var perDay = [Int64](repeating: 0, count: last - first + 1)
        for time in added { perDay[UTCDay.of(Timestamp(seconds: time)) - first] += 1 }
        var running = before
        return perDay.map { running += $0; return running }
    }
}
