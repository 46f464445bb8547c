// Bulk history for benchmarks (Benchmarks/MetricsBench): deterministic, plausible counters written through
// SnapshotWriter in one transaction per batch of accounts. Not used by the product itself.
import Foundation
import SQLKit

public struct BenchSeeder: Sendable {
    let database: Database
    let organizationID: OrganizationID

    public init(database: Database, organizationID: OrganizationID) {
        self.database = database
        self.organizationID = organizationID
    }

    /// Seeds accounts `range` with `videosPerAccount` videos each and `days` daily snapshots ending today.
    /// Returns the account ids, video ids and the number of video snapshots written.
    public func seed(accountRange: Range<Int>, videosPerAccount: Int, days: Int, today: Int) async throws -> ([String], [String], Int) {
        let organizationID = organizationID
        let database = database
        return try await database.write { db in
            var accountIDs: [String] = []
            var videoIDs: [String] = []
            var videoSnapshots: [VideoSnapshot] = []
            var accountSnapshots: [AccountSnapshot] = []
            for index in accountRange {
                let platform: Platform = index % 2 == 0 ? .instagram : .tiktok
                var account = Account.new(organizationID: organizationID, platform: platform, username: "bench_\(index)",
                                          now: Timestamp(seconds: Int64(today - days) * 86_400))
                account.name = "Bench \(index)"
                try await AccountRepository(database: database).insert(account, in: db)
                accountIDs.append(account.id.description)
                for day in 0..<days {
                    accountSnapshots.append(AccountSnapshot(
                        accountID: account.id, observedAt: Timestamp(seconds: Int64(today - days + 1 + day) * 86_400 + 43_200),
                        followerCount: Int64(10_000 + index * 17 + day * 25)))
                }
                for v in 0..<videosPerAccount {
                    let published = today - days + 1 + (v * days) / max(videosPerAccount, 1)
                    var video = Video.new(organizationID: organizationID, platform: platform, source: .account,
                                          externalID: "\(index)_\(v)", url: "https://example.invalid/\(index)/\(v)",
                                          now: Timestamp(seconds: Int64(published) * 86_400))
                    video.accountID = account.id.description
                    video.accountUsername = account.username
                    video.createTime = Timestamp(seconds: Int64(published) * 86_400)
                    video.description = "bench video \(v) of account \(index)"
                    try await VideoRepository(database: database).insert(video, in: db)
                    videoIDs.append(video.id.description)
                    var views: Int64 = 0
                    for day in 0..<days {
                        let date = today - days + 1 + day
                        let age = max(0, date - published)
                        views += Int64(50_000 / (age + 1)) + Int64((index + v + day) % 97)
                        videoSnapshots.append(VideoSnapshot(
                            videoID: video.id, observedAt: Timestamp(seconds: Int64(date) * 86_400 + 43_200),
                            viewCount: views, playCount: platform == .tiktok ? views : nil, likeCount: views / 12,
                            commentCount: views / 150, shareCount: views / 90, savedCount: platform == .instagram ? views / 200 : nil))
                    }
                }
            }
            let writer = SnapshotWriter()
            try await writer.write(organizationID: organizationID, videos: videoSnapshots, in: db)
            try await writer.write(organizationID: organizationID, accounts: accountSnapshots, in: db)
            return (accountIDs, videoIDs, videoSnapshots.count)
        }
    }
}
