// Migration 12: an account's totals are sums over its discovered videos (`SnapshotWriter.refreshLatest`, every
// refresh of the account). With only `(organization_id, account_id)` the planner preferred an index on
// `(organization_id, source)` for `… AND source = 'account'` and read every video of the organization per sum: with
// 10,000 accounts of 30 posts a refresh read 124,000 rows six times (BENCHMARKS.md, "Collector"). This index answers
// the three equalities; the two-column one it extends goes.
extension Migrations {
    static let accountVideoIndex = Migration(
        version: 12, name: "videos by organization, account and source",
        statements: [
            "CREATE INDEX videos_account_source ON videos(organization_id, account_id, source)",
            "DROP INDEX videos_account",
        ])
}
