// Bulk history for benchmarks (Benchmarks/MetricsBench): deterministic, plausible counters written through
// SnapshotWriter in one transaction per batch of accounts. Not used by the product itself.
import CreatorAudit
import Foundation

struct BenchSeeder: Sendable {
    let store: TenantStore

    /// Seeds accounts `range` with `videosPerAccount` videos each and `days` daily snapshots ending today.
    /// Returns the account ids, video ids and the number of video snapshots written.
    func seed(accountRange: Range<Int>, videosPerAccount: Int, days: Int, today: Int) async throws -> ([String], [String], Int) {
        let store = store
        let organizationID = store.organizationID
        return try await store.write { db in
            var accountIDs: [String] = []
            var videoIDs: [String] = []
            var videoSnapshots: [VideoSnapshot] = []
            var accountSnapshots: [AccountSnapshot] = []
            for index in accountRange {
                let platform: Platform = index % 2 == 0 ? .instagram : .tiktok
                var account = Account.new(organizationID: organizationID, platform: platform, username: "bench_\(index)",
                                          now: UTCDay.start(today - days))
                account.name = "Bench \(index)"
                try await store.accounts.insert(account, in: db)
                accountIDs.append(account.id.description)
                for day in 0..<days {
                    accountSnapshots.append(AccountSnapshot(
                        accountID: account.id, observedAt: UTCDay.start(today - days + 1 + day).adding(seconds: 43_200),
                        followerCount: Int64(10_000 + index * 17 + day * 25)))
                }
                for v in 0..<videosPerAccount {
                    let published = today - days + 1 + (v * days) / max(videosPerAccount, 1)
                    var video = Video.new(organizationID: organizationID, platform: platform, source: .account,
                                          externalID: "\(index)_\(v)", url: "https://example.invalid/\(index)/\(v)",
                                          now: UTCDay.start(published))
                    video.accountID = account.id
                    video.accountUsername = account.username
                    video.createTime = UTCDay.start(published)
                    video.description = "bench video \(v) of account \(index)"
                    try await store.videos.insert(video, in: db)
                    videoIDs.append(video.id.description)
                    var views: Int64 = 0
                    for day in 0..<days {
                        let date = today - days + 1 + day
                        let age = max(0, date - published)
                        views += Int64(50_000 / (age + 1)) + Int64((index + v + day) % 97)
                        videoSnapshots.append(VideoSnapshot(
                            videoID: video.id, observedAt: UTCDay.start(date).adding(seconds: 43_200),
                            views: views, plays: platform == .tiktok ? views : nil, likes: views / 12,
                            comments: views / 150, shares: views / 90, saves: platform == .instagram ? views / 200 : nil))
                    }
                }
            }
            try await store.snapshots.write(videos: videoSnapshots, in: db)
            try await store.snapshots.write(accounts: accountSnapshots, in: db)
            return (accountIDs, videoIDs, videoSnapshots.count)
        }
    }
}
