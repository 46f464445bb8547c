// A platform source's daily budget as spent so far (table `source_budgets`, Migration7CollectorSources.swift).
// One atomic upsert per request decides whether the request may go: on PostgreSQL every process using the same
// database shares the budget, and a restart never forgets what was spent.
import SQLKit

/// Limits per UTC day. TikTok's Research API: 1,000 requests and 100,000 records (docs/collection.md).
public struct DailyBudgetLimits: Sendable, Equatable {
    public var requests: Int
    public var records: Int

    public init(requests: Int = 1_000, records: Int = 100_000) {
        self.requests = requests
        self.records = records
    }

    public static let tiktokResearch = DailyBudgetLimits()
}

/// What one day's budget has spent.
public struct BudgetUsage: Sendable, Equatable {
    public var requests: Int
    public var records: Int

    public init(requests: Int, records: Int) {
        self.requests = requests
        self.records = records
    }
}

struct SourceBudgetRepository: Sendable {
    let database: Database

    /// Counts one request of `source` on `day` unless the day already spent `limits` (requests, or all records);
    /// the day's usage including this request, or nil when nothing is left.
    func reserveRequest(source: String, day: Int, limits: DailyBudgetLimits) async throws -> BudgetUsage? {
        guard limits.requests > 0, limits.records > 0 else { return nil }
        return try await database.write { db in
            // The WHERE of DO UPDATE makes the check and the increment one statement: two processes cannot both
            // take the last request.
            let row = try await db.raw(
                """
                INSERT INTO source_budgets (source, day, requests, records) VALUES (\(bind: source), \(bind: day), 1, 0)
                ON CONFLICT (source, day) DO UPDATE SET requests = source_budgets.requests + 1
                WHERE source_budgets.requests < \(bind: limits.requests)
                    AND source_budgets.records < \(bind: limits.records)
                RETURNING requests, records
                """
            ).first()
            guard let row else { return nil }
            return BudgetUsage(
                requests: try row.reader("source_budgets").value("requests", as: Int.self),
                records: try row.reader("source_budgets").value("records", as: Int.self))
        }
    }

    /// Adds the records a request returned.
    func addRecords(_ records: Int, source: String, day: Int) async throws {
        guard records > 0 else { return }
        try await database.write { db in
            try await db.raw(
                """
                UPDATE source_budgets SET records = records + \(bind: records)
                WHERE source = \(bind: source) AND day = \(bind: day)
                """
            ).run()
        }
    }

    /// The day's usage (zero when nothing was spent).
    func usage(source: String, day: Int) async throws -> BudgetUsage {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT requests, records FROM source_budgets WHERE source = \(bind: source) AND day = \(bind: day)
                """
            ).first()
            guard let row else { return BudgetUsage(requests: 0, records: 0) }
            return BudgetUsage(
                requests: try row.reader("source_budgets").value("requests", as: Int.self),
                records: try row.reader("source_budgets").value("records", as: Int.self))
        }
    }

    /// Forgets days before `day` (a week of history is plenty for the operator).
    func prune(source: String, before day: Int) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM source_budgets WHERE source = \(bind: source) AND day < \(bind: day)").run()
        }
    }
}
