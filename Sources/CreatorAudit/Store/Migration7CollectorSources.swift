// Migration 7: what the platform sources must remember across restarts and share between processes
// (docs/collection.md, "Platform limits"). Not tenant data: one row per source, not per organization.
// - `source_budgets`: requests and records spent per source and UTC day (the TikTok Research API allows
//   1,000 requests and 100,000 records a day per app). Counted with one atomic upsert per request, so every
//   process on one PostgreSQL database spends the same budget.
// - `source_status`: the last platform-wide state a governor saw (ok, paused, failing), for the operator's
//   `creatoraudit sources` and so a restarted process keeps honouring a pause.
extension Migrations {
    static let collectorSources = Migration(
        version: 7, name: "platform source budgets and status",
        statements: [
            """
            CREATE TABLE source_budgets (
                source TEXT NOT NULL,
                day INTEGER NOT NULL,
                requests BIGINT NOT NULL DEFAULT 0,
                records BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (source, day)
            )
            """,
            """
            CREATE TABLE source_status (
                source TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                reason TEXT NULL,
                since BIGINT NOT NULL,
                paused_until BIGINT NULL,
                next_attempt_at BIGINT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
        ])
}
