// Statements that look rows up by a list of ids within an organization must let the ids drive the lookup: written as
// `organization_id = ? AND id IN (…)`, SQLite chose one of the organization's indexes instead and walked every
// account or video of it — once per collector batch, per dashboard page, per deletion (BENCHMARKS.md, "Collector").
// Every statement of a collector pass and of the id lookups is recorded (`StatementLog`) and its plan checked, on a
// real SQLite database.
import Foundation
import SQLKit
import Testing

@testable import CreatorAudit

@Suite("Query plans")
struct QueryPlanTests {
    @Test("no statement of a collector pass or of an id lookup walks an organization's accounts or videos")
    func idLookupsDoNotWalkTheOrganization() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            var added: [Account] = []
            for name in ["maya.chen", "leo.park", "ana.silva", "sam.ortiz"] {
                added.append(
                    try await CollectorFixtures.account(database, organization.id, .instagram, name, now: clock.timestamp))
            }
            let tenant = database.tenant(organization.id)
            let ids = added.map(\.id.description)
            let log = StatementLog()
            try await StatementLog.$current.withValue(log) {
                let pass = await CollectorFixtures.collector(database, clock: clock).refreshDue()
                #expect(pass.accountsRefreshed == added.count)
                #expect(try await tenant.accounts.existing(ids) == Set(ids))
                #expect(try await tenant.accounts.list(ids: ids).map(\.id.description) == ids)
                let videos = try await CollectorFixtures.discovered(database, added[0])
                #expect(videos.count >= 3)
                try await tenant.write { db in
                    try await tenant.videos.deleteWithHistory(videos.prefix(3).map(\.id.description), in: db)
                }
                #expect(try await CollectorFixtures.discovered(database, added[0]).count == videos.count - 3)
            }
            let statements = Set(log.statements)
            #expect(statements.count >= 20, "the collector pass and the lookups were recorded")
            var walking: [String] = []
            for sql in statements.sorted() {
                let plan = try await database.read(scope: .test) { db in
                    try await db.raw("EXPLAIN QUERY PLAN \(unsafeRaw: sql)").all()
                        .map { try $0.decode(column: "detail", as: String.self) }
                }
                for step in plan where Self.walksOrganization(step) {
                    walking.append(step + " ← " + String(sql.prefix(200)))
                }
            }
            #expect(walking.isEmpty, "\(walking.joined(separator: "\n"))")
        }
    }

    /// A step that reads an account or video index by the organization alone, e.g.
    /// `SEARCH accounts USING COVERING INDEX accounts_plays (organization_id=?)`.
    static func walksOrganization(_ step: String) -> Bool {
        step.range(of: #"INDEX (accounts|videos)_\w+ \(organization_id=\?\)$"#, options: .regularExpression) != nil
    }

    @Test("the check recognises a walk of the organization")
    func recognisesAWalk() {
        #expect(Self.walksOrganization("SEARCH accounts USING COVERING INDEX accounts_plays (organization_id=?)"))
        #expect(Self.walksOrganization("SEARCH v USING INDEX videos_views (organization_id=?)"))
        #expect(!Self.walksOrganization("SEARCH a USING INDEX sqlite_autoindex_accounts_1 (id=?)"))
        #expect(!Self.walksOrganization("SEARCH v USING INDEX videos_added (organization_id=? AND source=?)"))
    }
}
