// Migration 5: the organization's daily amounts (Store/OrganizationDailyRepository.swift), so the overview reads one row
// per day instead of every video's history — amounts, and the videos added each day (the overview's counts).
// Filled from the existing rollups and videos when added.
extension Migrations {
    static let organizationDaily = Migration(version: 5, name: "organization daily amounts", statements: [
        """
        CREATE TABLE organization_daily (
            organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
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
            account_videos_added BIGINT NOT NULL DEFAULT 0,
            tracked_videos_added BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (organization_id, day)
        )
        """,
    ], backfill: { db, database in
        let organizations = try await db.raw("SELECT id FROM organizations ORDER BY id").all()
            .map { try $0.reader("organizations").id("id", as: OrganizationID.self) }
        for organization in organizations {
            try await database.tenant(organization).organizationDaily.rebuild(in: db)
        }
    })
}
