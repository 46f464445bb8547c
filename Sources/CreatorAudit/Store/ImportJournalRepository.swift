// The import journal of one organization (table `imports`, migration 11; Import/ImportJournal.swift). A row is
// written in the same transaction as the data it describes, so after a crash it says exactly which records of a
// file are in.
import SQLKit

/// How far one import of one file got.
struct ImportJournalEntry: Sendable, Equatable {
    var id: String
    /// Records of the file (0-based, in file order) whose snapshots are stored: the next to apply.
    var nextRecord: Int
    var accounts: Int
    var videos: Int
    var snapshots: Int
}

struct ImportJournalRepository: Sendable {
    let tenant: TenantStore

    /// The newest unfinished import of the file with this SHA-256, if a previous run stopped half-way.
    func unfinished(fileDigest: String) async throws -> ImportJournalEntry? {
        let organization = tenant.id
        return try await tenant.read { db in
            try await db.raw("""
                SELECT id, next_record, accounts, videos, snapshots FROM imports
                WHERE organization_id = \(bind: organization) AND file_sha256 = \(bind: fileDigest)
                    AND status = 'applying'
                ORDER BY started_at DESC, id LIMIT 1
                """).first().map { row in
                    let r = row.reader("imports")
                    return ImportJournalEntry(
                        id: try r.string("id"), nextRecord: try r.int("next_record"), accounts: try r.int("accounts"),
                        videos: try r.int("videos"), snapshots: try r.int("snapshots"))
                }
        }
    }

    /// Writes `entry` inside the caller's transaction (`done` marks the import finished).
    func save(
        _ entry: ImportJournalEntry, fileDigest: String, fileName: String, done: Bool, in db: any SQLDatabase
    ) async throws {
        let now = Timestamp.now.seconds
        let status = done ? "done" : "applying"
        try await db.raw("""
            INSERT INTO imports (id, organization_id, file_sha256, file_name, status, next_record, accounts, videos,
                snapshots, started_at, updated_at)
            VALUES (\(bind: entry.id), \(bind: tenant.id), \(bind: fileDigest), \(bind: fileName),
                \(bind: status), \(bind: entry.nextRecord), \(bind: entry.accounts), \(bind: entry.videos),
                \(bind: entry.snapshots), \(bind: now), \(bind: now))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_record = excluded.next_record,
                accounts = excluded.accounts, videos = excluded.videos, snapshots = excluded.snapshots,
                updated_at = excluded.updated_at
            """).run()
    }
}
