// Migration 5: the organization's daily amounts, so the overview read one row
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
    ])
    // (Its backfill is gone: migration 9 replaces the table by `subject_levels` and builds those for every
    // organization, so filling this table first would be work thrown away.)
}
