// Migration 8: due work in the database (docs/collection.md, "Refreshing"). Accounts and individually tracked
// videos already carry `next_refresh_at`; this adds what the collector needs to share the work and to report
// freshness:
// - `lease_owner` / `lease_until`: which collector holds the subject and until when. A claim is a lease, so the
//   claims of a worker that crashed expire by themselves;
// - `last_attempt_at`, `last_error` (short, secret-free), `consecutive_failures` (the back-off's exponent) and
//   `collection_state` (what the last attempt came to: ok, retrying, unavailable, source_failing) — the API's
//   read-only `collection` object.
// Subjects refreshed before this migration (imported, demo) are due one interval after their last refresh.
extension Migrations {
    static let collectorQueue = Migration(
        version: 8, name: "collector queue: leases and collection state",
        statements: ["accounts", "videos"].flatMap { table in
            [
                "ALTER TABLE \(table) ADD COLUMN lease_owner TEXT NULL",
                "ALTER TABLE \(table) ADD COLUMN lease_until BIGINT NULL",
                "ALTER TABLE \(table) ADD COLUMN last_attempt_at BIGINT NULL",
                "ALTER TABLE \(table) ADD COLUMN last_error TEXT NULL",
                "ALTER TABLE \(table) ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE \(table) ADD COLUMN collection_state TEXT NULL",
            ]
        } + [
            // A claim asks for one platform's due subjects in due order.
            "CREATE INDEX accounts_queue ON accounts(platform, next_refresh_at)",
            "CREATE INDEX videos_queue ON videos(source, platform, next_refresh_at)",
            // Releasing a worker's claims at shutdown.
            "CREATE INDEX accounts_lease ON accounts(lease_owner)",
            "CREATE INDEX videos_lease ON videos(lease_owner)",
            """
            UPDATE accounts SET next_refresh_at = last_scrape_time + scrape_interval_hours * 3600
            WHERE last_scrape_time IS NOT NULL
            """,
            """
            UPDATE videos SET next_refresh_at = last_scrape_time + scrape_interval_hours * 3600
            WHERE last_scrape_time IS NOT NULL
            """,
        ])
}
