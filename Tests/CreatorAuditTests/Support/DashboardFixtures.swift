// An organization with history for the dashboard's data pages: two creators, three accounts (two linked), three
// account videos each and an individual video, with 40 days of daily snapshots written through the snapshot
// writer (so rollups and the organization's daily amounts are what a refresh leaves) — one day missing on purpose.
import Foundation
@testable import CreatorAudit

struct PopulatedTenant: Sendable {
    let tenant: Tenant
    let accounts: [Account]
    let creators: [Creator]
    let accountVideos: [Video]
    let individualVideo: Video

    var organization: Organization { tenant.organization }
}

enum DashboardFixtures {
    static let days = 40

    static func populated(_ server: TestServer, name: String = "Org \(UUID().uuidString.prefix(6))") async throws -> PopulatedTenant {
        let tenant = try await Tenant.make(server, name: name)
        let store = server.database.tenant(tenant.id)
        let today = UTCDay.today
        let first = today - days + 1
        let creators = ["Ada Studio", "Bo Lee"].map { name in
            Creator(id: CreatorID(), organizationID: tenant.id, name: name, isActive: true, metadata: [:],
                    createdAt: UTCDay.start(first - 1))
        }
        var accounts: [Account] = []
        for (index, (platform, username)) in [(Platform.instagram, "ada.cooks"), (.tiktok, "ada.clips"),
                                              (.instagram, "solo.runner")].enumerated() {
            var account = Account.new(organizationID: tenant.id, platform: platform, username: username,
                                      now: UTCDay.start(first - 1))
            account.creatorID = index < 2 ? creators[0].id : nil
            accounts.append(account)
        }
        var videos: [Video] = []
        for (accountIndex, account) in accounts.enumerated() {
            for number in 0..<3 {
                var video = Video.new(organizationID: tenant.id, platform: account.platform, source: .account,
                                      externalID: "V\(accountIndex)\(number)\(UUID().uuidString.prefix(6))",
                                      url: "https://www.instagram.com/p/V\(accountIndex)\(number)/", now: UTCDay.start(first - 1))
                video.accountID = account.id
                video.accountUsername = account.username
                video.description = "Clip \(number) of @\(account.username)"
                video.createTime = UTCDay.start(first - 3 + number * 10).adding(seconds: 3_600)
                videos.append(video)
            }
        }
        var individual = Video.new(organizationID: tenant.id, platform: .instagram, source: .individual,
                                   externalID: "SOLO\(UUID().uuidString.prefix(6))",
                                   url: "https://www.instagram.com/p/SOLO/", now: UTCDay.start(first - 1))
        individual.description = "A video tracked on its own"
        individual.createTime = UTCDay.start(first - 5)
        let prepared = (creators, accounts, videos, individual)
        try await store.write { db in
            for creator in prepared.0 { try await store.creators.insert(creator, in: db) }
            for account in prepared.1 { try await store.accounts.insert(account, in: db) }
            for video in prepared.2 + [prepared.3] { try await store.videos.insert(video, in: db) }
        }
        // A snapshot at noon of every day but one (day 25): views grow by a different amount each day.
        var videoSnapshots: [VideoSnapshot] = []
        var accountSnapshots: [AccountSnapshot] = []
        let now = Timestamp.now
        for day in first...today where day != first + 25 {
            let noon = min(UTCDay.start(day).adding(seconds: 12 * 3_600), now)
            let step = Int64(day - first + 1)
            for (index, video) in (videos + [individual]).enumerated() {
                let views = 1_000 * Int64(index + 1) + step * step * Int64(10 + index)
                videoSnapshots.append(VideoSnapshot(
                    videoID: video.id, observedAt: noon, views: views, plays: video.platform == .tiktok ? views : nil,
                    likes: views / 20, comments: views / 200, shares: views / 500,
                    saves: video.platform == .instagram ? views / 300 : nil))
            }
            for (index, account) in accounts.enumerated() {
                accountSnapshots.append(AccountSnapshot(accountID: account.id, observedAt: noon,
                                                        followerCount: 10_000 * Int64(index + 1) + step * 37))
            }
        }
        let snapshots = (videoSnapshots, accountSnapshots)
        try await store.write { db in
            try await store.snapshots.write(videos: snapshots.0, in: db)
            try await store.snapshots.write(accounts: snapshots.1, in: db)
        }
        let reread = try await store.accounts.list(ids: accounts.map(\.id.description))
        return PopulatedTenant(tenant: tenant, accounts: reread, creators: creators, accountVideos: videos,
                               individualVideo: individual)
    }
}
