// Reads of an organization's videos for the dashboard's cards (README, "Dashboard"): counts per platform and source.
import Foundation
import SQLKit

extension VideoRepository {
    /// Videos per platform and source (pairs without any are absent).
    func countsByPlatform() async throws -> [Platform: [VideoSource: Int]] {
        try await tenant.read { db in
            var counts: [Platform: [VideoSource: Int]] = [:]
            for row in try await db.raw("""
                SELECT platform, source, COUNT(*) AS n FROM videos WHERE organization_id = \(bind: tenant.id)
                GROUP BY platform, source
                """).all() {
                let r = row.reader("videos")
                let platform = try r.choice("platform", as: Platform.self), source = try r.choice("source", as: VideoSource.self)
                counts[platform, default: [:]][source] = try r.int("n")
            }
            return counts
        }
    }
}
