// Tenancy by construction (docs/architecture.md, "Tenancy"): tenant tables are reached only through a TenantStore,
// whose statements carry the organization; the check behind it can fail, and no SQL lives outside Store/.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Tenancy guard")
struct TenancyGuardTests {
    let organization = OrganizationID()

    @Test("a tenant-table statement without the organization's id is refused; with it, allowed")
    func tenantScope() {
        let scope = QueryScope.tenant(organization)
        #expect(scope.violation(sql: "SELECT * FROM accounts WHERE id = $1", binds: ["x"]) != nil)
        #expect(scope.violation(sql: "SELECT * FROM accounts WHERE organization_id = $1", binds: [organization.description]) == nil)
        #expect(scope.violation(sql: "INSERT INTO video_daily VALUES ('\(organization)', 'v', 1)", binds: []) == nil)
        #expect(scope.violation(sql: "SELECT * FROM organizations WHERE id = ?", binds: ["x"]) == nil, "not a tenant table")
        #expect(scope.violation(sql: "DELETE FROM idempotency_records WHERE created_at < ?", binds: ["1"]) != nil)
    }

    @Test("a shared handle may not name a tenant table at all; a cross-tenant one may")
    func sharedScope() {
        #expect(QueryScope.shared.violation(sql: "SELECT id FROM videos", binds: []) != nil)
        #expect(QueryScope.shared.violation(sql: "SELECT * FROM api_keys WHERE key_hash = ?", binds: ["h"]) == nil)
        #expect(QueryScope.shared.violation(sql: "SELECT accounts_summary, tracked_videos_added FROM x", binds: []) == nil,
                "names that merely contain a table name are not that table")
        #expect(QueryScope.crossTenant("migrations").violation(sql: "DELETE FROM video_daily", binds: []) == nil)
    }

    @Test("through a real database: the guard stops an unscoped tenant query before it runs", arguments: TestEngines.all)
    func live(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let database = testDatabase.database
            let organization = try await Fixtures.organization(database)
            let store = database.tenant(organization.id)
            await #expect(throws: TenancyViolation.self) {
                try await store.read { db in try await db.raw("SELECT COUNT(*) AS n FROM accounts").all() }
            }
            await #expect(throws: TenancyViolation.self) {
                try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM creators").all() }
            }
            await #expect(throws: TenancyViolation.self) {
                try await store.readValues("SELECT id FROM videos")
            }
            // The repositories' own statements pass.
            #expect(try await store.accounts.ids(linkedTo: nil).isEmpty)
        }
    }

    @Test("no SQL outside Sources/CreatorAudit/Store (a controller never names a column)")
    func sqlLivesInTheStore() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CreatorAudit")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("Store/") }
        #expect(files.count > 50, "the scan found the sources")
        let sql = try NSRegularExpression(pattern: #"\.raw\(|SQLQueryString|\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+[a-z_*]"#)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("//") { continue }
                let range = NSRange(line.startIndex..., in: line)
                if sql.firstMatch(in: String(line), range: range) != nil { offenders.append("\(file):\(number + 1)") }
            }
        }
        #expect(offenders.isEmpty, "SQL outside Store/: \(offenders.joined(separator: ", "))")
    }
}
