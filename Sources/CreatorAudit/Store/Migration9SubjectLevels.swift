// Migration 9: cumulative levels of the organization and of each account (Store/LevelRepository.swift,
// docs/metrics.md "Subject levels"), built for every organization from the videos' rollups and the accounts' follower
// rows; they replace `organization_daily` (per-day amounts of the organization only), which is dropped.
extension Migrations {
    static let subjectLevels = Migration(version: 9, name: "subject levels of organizations and accounts", statements: [
        """
        CREATE TABLE subject_levels (
            organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            subject_type TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            view_count BIGINT NOT NULL DEFAULT 0,
            play_count BIGINT NOT NULL DEFAULT 0,
            like_count BIGINT NOT NULL DEFAULT 0,
            comment_count BIGINT NOT NULL DEFAULT 0,
            share_count BIGINT NOT NULL DEFAULT 0,
            saved_count BIGINT NOT NULL DEFAULT 0,
            views_known BIGINT NOT NULL DEFAULT 0,
            plays_known BIGINT NOT NULL DEFAULT 0,
            likes_known BIGINT NOT NULL DEFAULT 0,
            comments_known BIGINT NOT NULL DEFAULT 0,
            shares_known BIGINT NOT NULL DEFAULT 0,
            saves_known BIGINT NOT NULL DEFAULT 0,
            account_videos BIGINT NOT NULL DEFAULT 0,
            tracked_videos BIGINT NOT NULL DEFAULT 0,
            follower_count BIGINT NOT NULL DEFAULT 0,
            followers_known BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (organization_id, subject_type, subject_id, day)
        )
        """,
    ], backfill: { db, database in
        let organizations = try await db.raw("SELECT id FROM organizations ORDER BY id").all()
            .map { try $0.reader("organizations").id("id", as: OrganizationID.self) }
        for organization in organizations {
            try await database.tenant(organization).levels.rebuild(in: db)
        }
        try await db.raw("DROP TABLE organization_daily").run()
    })
}
