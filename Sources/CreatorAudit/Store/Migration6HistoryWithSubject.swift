// Migration 6: history goes with its subject. Deleting an account or a video used to leave its snapshots and daily
// rollups behind (their contributions to `organization_daily` were already taken out, so the organization's amounts
// stay exact); this removes those orphans. Deletes remove the history themselves from now on.
extension Migrations {
    static let historyWithSubject = Migration(version: 6, name: "remove history of deleted accounts and videos", statements: [
        "DELETE FROM video_daily WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = video_daily.video_id)",
        "DELETE FROM video_snapshots WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = video_snapshots.video_id)",
        "DELETE FROM account_daily WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = account_daily.account_id)",
        """
        DELETE FROM account_snapshots WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = account_snapshots.account_id)
        """,
    ])
}
