// SQLite WAL checkpoints run beside the writer (Store/WALCheckpointer.swift, docs/architecture.md): committed pages
// reach the database file soon after the commit, without the writer's automatic checkpoint (which now waits for
// 10,000 WAL pages) and without the database being closed.
import Foundation
import Testing

@testable import CreatorAudit

@Suite("SQLite WAL checkpoints")
struct WALCheckpointTests {
    @Test("a commit of a few hundred pages reaches the database file within seconds, the database still open")
    func checkpointedAfterCommit() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let file = database.dataDir + "/creatoraudit.sqlite"
            func size() -> Int {
                ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
            }
            // The migrations' own checkpoint settles first.
            var before = size()
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(100))
                let now = size()
                if now == before { break }
                before = now
            }
            // About 800 KB (≈ 200 pages): fewer than even SQLite's default automatic checkpoint's 1,000 pages.
            try await database.database.write(scope: .test) { db in
                try await db.raw("CREATE TABLE wal_probe (x BLOB)").run()
                try await db.raw("""
                    INSERT INTO wal_probe SELECT randomblob(4000) FROM (WITH RECURSIVE c(n) AS
                        (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200) SELECT n FROM c)
                    """).run()
            }
            let deadline = ContinuousClock.now + .seconds(15)
            while size() < before + 700_000, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(size() >= before + 700_000, "the database file is \(size()) bytes, was \(before)")
        }
    }
}
