// How far an import of one file into one organization got (table `imports`, migration 11, written by
// Store/ImportJournalRepository.swift). The journal row is updated in the same transaction as the data it
// describes, so after a crash it says exactly which records are in: running the same command on the same file
// (same SHA-256) resumes after them.
import Crypto
import Foundation
import SQLKit

struct ImportJournal: Sendable {
    typealias Entry = ImportJournalEntry

    let store: TenantStore
    let fileDigest: String

    /// The unfinished import of this file, if a previous run stopped half-way.
    func unfinished() async throws -> Entry? {
        try await store.imports.unfinished(fileDigest: fileDigest)
    }

    /// A new journal row (written with the first applied transaction, see `save`).
    func start() -> Entry {
        Entry(id: UUID().uuidString.lowercased(), nextRecord: 0, accounts: 0, videos: 0, snapshots: 0)
    }

    /// Writes `entry` inside the caller's transaction (`done` marks the import finished).
    func save(_ entry: Entry, fileName: String, done: Bool = false, in db: any SQLDatabase) async throws {
        try await store.imports.save(entry, fileDigest: fileDigest, fileName: fileName, done: done, in: db)
    }

    /// SHA-256 of the file's bytes, hex (read in 1 MiB chunks).
    static func digest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFileError(description: "cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.encode(hasher.finalize())
    }
}
