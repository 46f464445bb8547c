// Every creator of an organization with its accounts' summary, for the dashboard's table when it is sorted by a
// column computed from analytics (views in range) or from the summary (README, "Dashboard").
import Foundation
import SQLKit

extension CreatorRepository {
    /// Every creator of the organization, by name.
    func all() async throws -> [Creator] {
        try await tenant.read { db in
            try await db.raw(Self.select + " WHERE c.organization_id = \(bind: tenant.id) ORDER BY c.name_sort, c.id")
                .all().map(Self.decode)
        }
    }
}
