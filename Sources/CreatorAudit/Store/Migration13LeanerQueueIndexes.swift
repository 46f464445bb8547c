// Migration 13: fewer index entries per refresh (BENCHMARKS.md, "Collector"). Every index on `videos` takes an entry
// for each post a refresh discovers, and every index on a column a refresh changes is rewritten for each post it
// sees again; at 30 posts per refresh those entries were most of what a refresh writes.
// - `videos_due` and `accounts_due` (`next_refresh_at` alone) serve no query: claims and the scheduler's wake-up
//   read `videos_queue` / `accounts_queue`.
// - `videos_queue` serves claims of individually tracked videos only (`source = 'individual'`): a partial index,
//   so account videos — the great majority, whose due time moves with every refresh of their account — are not
//   in it.
// - The lease indexes serve "this worker's claims" (`lease_owner = ?`): partial on `lease_owner IS NOT NULL`, so
//   the rows nobody holds — nearly all — are not in them.
// Both engines use a partial index when the query's WHERE implies its condition (`source = 'individual'`,
// `lease_owner = ?`).
extension Migrations {
    static let leanerQueueIndexes = Migration(
        version: 13, name: "leaner collector indexes",
        statements: [
            "DROP INDEX videos_due",
            "DROP INDEX accounts_due",
            "DROP INDEX videos_queue",
            "CREATE INDEX videos_queue ON videos(platform, next_refresh_at) WHERE source = 'individual'",
            "DROP INDEX videos_lease",
            "CREATE INDEX videos_lease ON videos(lease_owner) WHERE lease_owner IS NOT NULL",
            "DROP INDEX accounts_lease",
            "CREATE INDEX accounts_lease ON accounts(lease_owner) WHERE lease_owner IS NOT NULL",
        ])
}
