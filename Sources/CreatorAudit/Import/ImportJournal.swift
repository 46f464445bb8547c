// How far an import of one file into one organization got (table `imports`, migration 6). The journal row is
// updated in the same transaction as the data it describes, so after a crash it says exactly which records are
// in: running the same command on the same file (same SHA-256) resumes after them.
import Crypto
import Foundation
import SQLKit

struct ImportJournal: Sendable {
    struct Entry: Sendable, Equatable {
        var id: String
        /// Records of the file (0-based, in file order) whose snapshots are stored: the next to apply.
        var nextRecord: Int
        var accounts: Int
        var videos: Int
        var snapshots: Int
    }

    let organizationID: OrganizationID
    let fileDigest: String

    /// The unfinished import of this file, if a previous run stopped half-way.
    func unfinished(in database: Database) async throws -> Entry? {
        let organization = organizationID.description, digest = fileDigest
        return try await database.read { db in
            try await db.raw("""
                SELECT id, next_record, accounts, videos, snapshots FROM imports
                WHERE organization_id = \(bind: organization) AND file_sha256 = \(bind: digest) AND status = 'applying'
                ORDER BY started_at DESC, id LIMIT 1
                """).first().map(Self.entry)
        }
    }

    /// A new journal row (written with the first applied transaction, see `save`).
    func start() -> Entry {
        Entry(id: UUID().uuidString.lowercased(), nextRecord: 0, accounts: 0, videos: 0, snapshots: 0)
    }

    /// Writes `entry` inside the caller's transaction (`done` marks the import finished).
    func save(_ entry: Entry, fileName: String, done: Bool = false, in db: any SQLDatabase) async throws {
        let now = Timestamp.now.seconds
        let status = done ? "done" : "applying"
        try await db.raw("""
            INSERT INTO imports (id, organization_id, file_sha256, file_name, status, next_record, accounts, videos,
                snapshots, started_at, updated_at)
            VALUES (\(bind: entry.id), \(bind: organizationID.description), \(bind: fileDigest), \(bind: fileName),
                \(bind: status), \(bind: entry.nextRecord), \(bind: entry.accounts), \(bind: entry.videos),
                \(bind: entry.snapshots), \(bind: now), \(bind: now))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_record = excluded.next_record,
                accounts = excluded.accounts, videos = excluded.videos, snapshots = excluded.snapshots,
                updated_at = excluded.updated_at
            """).run()
    }

    private static func entry(_ row: any SQLRow) throws -> Entry {
        Entry(id: try row.decode(column: "id", as: String.self),
              nextRecord: try row.decode(column: "next_record", as: Int.self),
              accounts: try row.decode(column: "accounts", as: Int.self),
              videos: try row.decode(column: "videos", as: Int.self),
              snapshots: try row.decode(column: "snapshots", as: Int.self))
    }

    /// SHA-256 of the file's bytes, hex (read in 1 MiB chunks).
    static func digest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.encode(hasher.finalize())
    }
}
