// Numbered schema migrations, applied in order inside one transaction each and recorded in
// `schema_migrations`, so running them twice is a no-op. The SQL is written once for both engines:
// TEXT ids (lowercase UUIDs), BIGINT Unix seconds, INTEGER flags.
import Logging
import SQLKit

struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
    /// Data work after the statements, in the same transaction (e.g. filling a new derived table). It gets the
    /// migration's handle (every organization: `QueryScope.crossTenant`) and the database, to make tenant stores.
    var backfill: (@Sendable (any SQLDatabase, Database) async throws -> Void)? = nil

    /// Where the engines' DDL must differ, say so here: `{{serial}}` is an auto-increasing integer key.
    func sql(for engine: DatabaseEngine) -> [String] {
        let serial = engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        return statements.map { $0.replacingOccurrences(of: "{{serial}}", with: serial) }
    }
}

public enum Migrations {
    static var all: [Migration] {
        [
            foundation, tracking, dashboard, metrics, organizationDaily, historyWithSubject, collectorSources,
            collectorQueue, subjectLevels, keyExposureAndRolls, imports, accountVideoIndex, leanerQueueIndexes,
        ]
    }

    static let foundation = Migration(version: 1, name: "organizations, members, api keys, audit events", statements: [
            """
            CREATE TABLE organizations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                rate_limit INTEGER NOT NULL DEFAULT 600,
                account_quota INTEGER NULL,
                max_recent_posts_per_account INTEGER NOT NULL DEFAULT 50,
                post_lookback_days INTEGER NOT NULL DEFAULT 30,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE members (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE memberships (
                organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (organization_id, member_id)
            )
            """,
            "CREATE INDEX memberships_member ON memberships(member_id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                masked TEXT NOT NULL,
                scopes TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                expires_at BIGINT NULL,
                last_used_at BIGINT NULL,
                deleted_at BIGINT NULL
            )
            """,
            "CREATE INDEX api_keys_organization ON api_keys(organization_id, created_at)",
            """
            CREATE TABLE api_key_usage (
                organization_id TEXT NOT NULL,
                key_id TEXT NOT NULL,
                day TEXT NOT NULL,
                request_count BIGINT NOT NULL,
                PRIMARY KEY (key_id, day)
            )
            """,
            "CREATE INDEX api_key_usage_organization ON api_key_usage(organization_id, day)",
            """
            CREATE TABLE audit_events (
                seq {{serial}},
                id TEXT NOT NULL UNIQUE,
                organization_id TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target_type TEXT NOT NULL,
                target_id TEXT NULL,
                target_name TEXT NULL,
                client_ip TEXT NULL,
                details TEXT NULL
            )
            """,
            "CREATE INDEX audit_events_organization ON audit_events(organization_id, seq)",
            // A counter bumped in the same transaction as every key or organization change; SQLite nodes poll it.
            "CREATE TABLE change_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO change_counters (name, value) VALUES ('credentials', 0)",
        ])

    static let dashboard = Migration(version: 3, name: "dashboard sessions and invitations", statements: [
            // Only SHA-256 of the session id and of the CSRF token is stored. `flash` holds a just-created secret
            // (a key, an invitation link) sealed with a key derived from the session id, so it can be shown once
            // after a redirect and is unreadable from the database alone.
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
                organization_id TEXT NULL,
                csrf_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                client_ip TEXT NULL,
                flash TEXT NULL
            )
            """,
            "CREATE INDEX sessions_member ON sessions(member_id)",
            """
            CREATE TABLE invitations (
                id TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                email TEXT NOT NULL,
                role TEXT NOT NULL,
                invited_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                accepted_at BIGINT NULL
            )
            """,
            "CREATE INDEX invitations_organization ON invitations(organization_id, created_at)",
        ])

    /// Migrations change every organization's rows at once.
    static let scope = QueryScope.crossTenant("schema migrations")

    /// The newest version this build knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Applies every migration not yet recorded; returns the versions applied now.
    @discardableResult
    public static func run(on database: Database, logger: Logger) async throws -> [Int] {
        try await run(on: database, through: nil, logger: logger)
    }

    /// Applies the migrations not yet recorded, up to `version` (nil: all); tests stop early to check one migration.
    static func run(on database: Database, through version: Int?, logger: Logger) async throws -> [Int] {
        try await database.write(scope: Self.scope) { db in
            // Under the same lock as the migrations: two concurrent CREATE TABLE IF NOT EXISTS can both try to
            // create the table's type on PostgreSQL, and the second fails (pg_type unique violation).
            if database.engine == .postgres {
                // Waiting for another node's (or test's) migrations is expected: no lock_timeout here.
                try await db.raw("SET LOCAL lock_timeout = 0").run()
                try await db.raw("SELECT pg_advisory_xact_lock(7235514)").run()
            }
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
        }
        var applied: [Int] = []
        for migration in all where migration.version <= (version ?? Int.max) {
            let didApply = try await database.write(scope: Self.scope) { db -> Bool in
                // Two PostgreSQL nodes starting at once: the second waits here, then sees the row.
                if database.engine == .postgres {
                    try await db.raw("SET LOCAL lock_timeout = 0").run()
                    try await db.raw("SELECT pg_advisory_xact_lock(7235514)").run()
                }
                let existing = try await db.raw(
                    "SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").all()
                guard existing.isEmpty else { return false }
                for statement in migration.sql(for: database.engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await migration.backfill?(db, database)
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.now.seconds))
                    """).run()
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// Whether this database holds a CreatorAudit schema at all (the CLI refuses to start a new one by accident).
    /// Asking whether a table exists differs between the engines; this is the one place that knows how.
    public static func isInitialized(on database: Database) async throws -> Bool {
        try await database.read { db in
            switch database.engine {
            case .sqlite:
                return try await db.raw(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").first() != nil
            case .postgres:
                // `to_regclass` follows the search path, so a schema per deployment (or per test) is honoured.
                return try await db.raw("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first()?
                    .reader("schema_migrations").value("present", as: Bool.self) ?? false
            }
        }
    }

    /// Versions recorded in the database, for tests and `migrate` output.
    public static func appliedVersions(on database: Database) async throws -> [Int] {
        try await database.read { db in
            try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all()
                .map { try $0.reader("schema_migrations").int("version") }
        }
    }
}
