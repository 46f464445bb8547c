import Foundation
import Testing
@testable import CreatorAudit

@Suite("Migrations")
struct MigrationTests {
    @Test("apply to an empty database, then again as a no-op", arguments: TestEngines.all)
    func applyTwice(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let database = testDatabase.database
            let first = try await Migrations.run(on: database, logger: TestDatabase.quietLogger)
            #expect(first == Migrations.all.map(\.version))
            let second = try await Migrations.run(on: database, logger: TestDatabase.quietLogger)
            #expect(second.isEmpty)
            #expect(try await Migrations.appliedVersions(on: database) == Migrations.all.map(\.version))
            // The schema as the code expects it: every table with its columns (a query naming a missing column fails),
            // and empty.
            let schema: [String: [String]] = [
                "organizations": ["id", "name", "rate_limit", "account_quota", "max_recent_posts_per_account", "post_lookback_days", "created_at"],
                "members": ["id", "email", "password_hash", "created_at"],
                "memberships": ["organization_id", "member_id", "role", "created_at"],
                "api_keys": ["id", "organization_id", "name", "key_hash", "masked", "scopes", "status", "created_at", "created_by",
                             "expires_at", "last_used_at", "deleted_at", "exposed_at", "exposed_url", "replaced_by"],
                "api_key_usage": ["organization_id", "key_id", "day", "request_count"],
                "audit_events": ["id", "organization_id", "occurred_at", "actor", "action", "target_type", "target_id", "target_name",
                                 "client_ip", "details"],
                "sessions": ["id_hash", "member_id", "organization_id", "csrf_hash", "created_at", "last_seen_at", "flash"],
                "invitations": ["id", "organization_id", "email", "role", "token_hash", "invited_by", "created_at", "expires_at",
                                "accepted_at"],
                "accounts": ["id", "organization_id", "platform", "username", "is_active", "paused_by_creator", "creator_id",
                             "metadata", "next_refresh_at", "follower_count", "view_count", "saved_count", "data_source"],
                "videos": ["id", "organization_id", "platform", "source", "external_id", "account_id", "create_time",
                           "next_refresh_at", "view_count", "play_count", "saved_count"],
                "creators": ["id", "organization_id", "name", "name_sort", "is_active", "metadata", "created_at"],
                "account_snapshots": ["organization_id", "account_id", "observed_at", "follower_count", "following_count",
                                      "profile_post_count"],
                "video_snapshots": ["organization_id", "video_id", "observed_at", "view_count", "play_count", "like_count",
                                    "comment_count", "share_count", "saved_count"],
                "account_daily": ["organization_id", "account_id", "day", "observed_at", "follower_count"],
                "video_daily": ["organization_id", "video_id", "day", "observed_at", "view_count", "saved_count"],
                "subject_levels": LevelRepository.columns + ["organization_id", "subject_type", "subject_id", "day"],
                "idempotency_records": ["organization_id", "method", "path", "idempotency_key", "request_hash", "status", "body",
                                        "location", "claim_id", "created_at"],
                "instance_secrets": ["name", "value"],
                "change_counters": ["name", "value"],
                "source_budgets": ["source", "day", "requests", "records"],
                "source_status": ["source", "state", "reason", "since", "paused_until", "next_attempt_at", "updated_at"],
                "schema_migrations": ["version", "name", "applied_at"],
                "imports": ["id", "organization_id", "file_sha256", "file_name", "status", "next_record", "accounts", "videos",
                            "snapshots", "started_at", "updated_at"],
            ]
            for (table, columns) in schema {
                let count = try await database.read(scope: .test) { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self)
                }
                let expected = table == "schema_migrations" ? Migrations.all.count : table == "change_counters" ? 1 : 0
                #expect(count == expected, "table \(table)")
                await #expect(throws: Never.self, "columns of \(table)") {
                    _ = try await database.read(scope: .test) { db in
                        try await db.raw("SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM \(unsafeRaw: table) LIMIT 1").all()
                    }
                }
            }
            // And a missing column does fail (the check above can fail).
            await #expect(throws: (any Error).self) {
                _ = try await database.read(scope: .test) { db in try await db.raw("SELECT no_such_column FROM accounts").all() }
            }
        }
    }

    @Test("two nodes migrating at once apply each migration exactly once", arguments: TestEngines.all)
    func concurrent(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let other = try await Database.open(try ChangePropagationTests.location(of: testDatabase, engine), logger: TestDatabase.quietLogger)
            let database = testDatabase.database
            async let a: Result<[Int], any Error> = { do { return .success(try await Migrations.run(on: database, logger: TestDatabase.quietLogger)) } catch { return .failure(error) } }()
            async let b: Result<[Int], any Error> = { do { return .success(try await Migrations.run(on: other, logger: TestDatabase.quietLogger)) } catch { return .failure(error) } }()
            let results = await (a, b)
            await other.close()  // always, or SQLiteNIO asserts on an unclosed connection
            let (appliedA, appliedB) = (try results.0.get(), try results.1.get())
            #expect((appliedA + appliedB).sorted() == Migrations.all.map(\.version))
            #expect(try await Migrations.appliedVersions(on: testDatabase.database) == Migrations.all.map(\.version))
        }
    }
}
