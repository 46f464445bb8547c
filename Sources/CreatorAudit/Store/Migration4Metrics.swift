// Migration 4: snapshot history. Raw snapshots are append-only; `*_daily` keeps, per subject and UTC day,
// the last snapshot of that day — written in the same transaction as the snapshot — so every analytics
// query reads at most one row per subject per day. See docs/metrics.md.
extension Migrations {
    static let metrics = Migration(version: 4, name: "account and video snapshots with daily rollups", statements: [
        """
        CREATE TABLE account_snapshots (
            organization_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            observed_at BIGINT NOT NULL,
            follower_count BIGINT NULL,
            following_count BIGINT NULL,
            profile_post_count BIGINT NULL,
            PRIMARY KEY (account_id, observed_at)
        )
        """,
        """
        CREATE TABLE account_daily (
            organization_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            observed_at BIGINT NOT NULL,
            follower_count BIGINT NULL,
            following_count BIGINT NULL,
            profile_post_count BIGINT NULL,
            PRIMARY KEY (account_id, day)
        )
        """,
        """
        CREATE TABLE video_snapshots (
            organization_id TEXT NOT NULL,
            video_id TEXT NOT NULL,
            observed_at BIGINT NOT NULL,
            view_count BIGINT NULL,
            play_count BIGINT NULL,
            like_count BIGINT NULL,
            comment_count BIGINT NULL,
            share_count BIGINT NULL,
            saved_count BIGINT NULL,
            PRIMARY KEY (video_id, observed_at)
        )
        """,
        """
        CREATE TABLE video_daily (
            organization_id TEXT NOT NULL,
            video_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            observed_at BIGINT NOT NULL,
            view_count BIGINT NULL,
            play_count BIGINT NULL,
            like_count BIGINT NULL,
            comment_count BIGINT NULL,
            share_count BIGINT NULL,
            saved_count BIGINT NULL,
            PRIMARY KEY (video_id, day)
        )
        """,
    ])
}
