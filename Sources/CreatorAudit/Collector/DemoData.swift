// What `creatoraudit demo` puts in its organization: 3 creators, 12 accounts on both platforms (9 linked to a
// creator, 3 not), the posts the sandbox says they published, and a year of daily snapshots — as if the
// collector had refreshed every account once a day for a year with the sandbox source. Plus 5 videos
// tracked one by one. One transaction per account; snapshots go through `SnapshotWriter` in batches.
import Foundation
import SQLKit

struct DemoData: Sendable {
    /// The demo organization's store.
    let store: TenantStore
    let source = SandboxSource()

    /// Days of history; the first refresh discovers the posts of the 30 days before it (the default look-back).
    static let days = 365
    static let lookbackDays = 30

    struct AccountSpec: Sendable {
        let platform: Platform
        let username: String
        let creator: Int?
        let category: String
    }

    static let creators = ["Maya Chen", "Northwind Studio", "Leo Martins"]
    static let accounts: [AccountSpec] = [
        AccountSpec(platform: .instagram, username: "maya.chen", creator: 0, category: "food"),
        AccountSpec(platform: .tiktok, username: "mayachen", creator: 0, category: "food"),
        AccountSpec(platform: .instagram, username: "maya.chen.eats", creator: 0, category: "food"),
        AccountSpec(platform: .instagram, username: "northwind.studio", creator: 1, category: "music"),
        AccountSpec(platform: .tiktok, username: "northwindstudio", creator: 1, category: "music"),
        AccountSpec(platform: .tiktok, username: "northwind.backstage", creator: 1, category: "music"),
        AccountSpec(platform: .instagram, username: "leo.martins", creator: 2, category: "fitness"),
        AccountSpec(platform: .tiktok, username: "leomartins.fit", creator: 2, category: "fitness"),
        AccountSpec(platform: .instagram, username: "leo.trains", creator: 2, category: "fitness"),
        AccountSpec(platform: .instagram, username: "citybites.daily", creator: nil, category: "food"),
        AccountSpec(platform: .tiktok, username: "quick.recipes", creator: nil, category: "food"),
        AccountSpec(platform: .tiktok, username: "street.style.now", creator: nil, category: "style"),
    ]
    /// Untracked sandbox accounts whose posts become the individually tracked videos.
    static let individualSources: [(Platform, String, Int)] = [
        (.instagram, "trend.watch.daily", 3), (.tiktok, "viral.clips.hub", 2),
    ]

    struct Summary: Sendable, Equatable {
        var creators = 0
        var accounts = 0
        var accountVideos = 0
        var individualVideos = 0
        var accountSnapshots = 0
        var videoSnapshots = 0
    }

    /// Fills the organization; `now` is the instant of the last refresh (the demo's "today").
    @discardableResult
    func fill(now: Timestamp = .now) async throws -> Summary {
        let organizationID = store.organizationID
        var summary = Summary()
        let today = UTCDay.of(now)
        let firstDay = today - Self.days + 1
        let creatorIDs = Self.creators.map { _ in CreatorID() }
        try await store.write { db in
            for (index, name) in Self.creators.enumerated() {
                try await store.creators.insert(
                    Creator(id: creatorIDs[index], organizationID: organizationID, name: name, isActive: true, metadata: [:],
                            createdAt: UTCDay.start(firstDay - 1).adding(seconds: 9 * 3_600)),
                    in: db)
            }
        }
        summary.creators = Self.creators.count
        for spec in Self.accounts {
            let written = try await fillAccount(
                spec, creatorID: spec.creator.map { creatorIDs[$0] }, organizationID: organizationID, firstDay: firstDay,
                now: now)
            summary.accounts += 1
            summary.accountVideos += written.videos
            summary.accountSnapshots += written.accountSnapshots
            summary.videoSnapshots += written.videoSnapshots
        }
        let individual = try await fillIndividualVideos(organizationID: organizationID, firstDay: firstDay, now: now)
        summary.individualVideos = individual.videos
        summary.videoSnapshots += individual.snapshots
        return summary
    }

    private func fillAccount(
        _ spec: AccountSpec, creatorID: CreatorID?, organizationID: OrganizationID, firstDay: Int, now: Timestamp
    ) async throws -> (videos: Int, accountSnapshots: Int, videoSnapshots: Int) {
        let today = UTCDay.of(now)
        let history = source.history(platform: spec.platform, username: spec.username, days: firstDay...today, until: now)
        guard let first = history.first else { return (0, 0, 0) }
        let profile = source.profile(platform: spec.platform, username: spec.username, at: now)
        var account = Account.new(organizationID: organizationID, platform: spec.platform, username: spec.username, now: first.observedAt)
        account.name = profile.name
        account.description = profile.description
        account.profilePicURL = profile.profilePicURL
        account.isVerified = profile.isVerified
        account.linkInBio = profile.linkInBio
        account.creatorID = creatorID
        account.category = spec.category
        account.dataSource = source.name

        // Posts published since the look-back before the first refresh, each discovered by the first
        // refresh at or after its publication, then refreshed with the account every day.
        let refreshSecond = Int(source.refreshTime(platform: spec.platform, username: spec.username, day: 0).seconds)
        let posts = source.posts(
            platform: spec.platform, username: spec.username,
            publishedFrom: first.observedAt.adding(seconds: -Int64(Self.lookbackDays) * UTCDay.seconds), through: now)
        var videos: [Video] = []
        var snapshots: [VideoSnapshot] = []
        for post in posts {
            guard let published = post.createTime else { continue }
            var discovered = max(first.observedAt, source.refreshTime(platform: spec.platform, username: spec.username, day: UTCDay.of(published)))
            if discovered < published { discovered = discovered.adding(seconds: UTCDay.seconds) }
            guard discovered <= now else { continue }
            var video = Video.new(
                organizationID: organizationID, platform: spec.platform, source: .account, externalID: post.externalID,
                url: post.url, now: discovered)
            video.shortcode = post.shortcode
            video.accountID = account.id
            video.accountUsername = spec.username
            video.description = post.caption
            video.createTime = published
            video.mediaType = post.mediaType
            video.duration = post.duration
            video.coverImageURL = post.coverImageURL
            video.dataSource = source.name
            videos.append(video)
            for observation in source.history(
                platform: spec.platform, externalID: post.externalID, days: UTCDay.of(discovered)...today,
                secondOfDay: refreshSecond, until: now)
            {
                snapshots.append(Self.snapshot(video.id, observation))
            }
        }
        let accountSnapshots = history.map {
            AccountSnapshot(
                accountID: account.id, observedAt: $0.observedAt, followerCount: $0.followerCount,
                followingCount: $0.followingCount, profilePostCount: $0.profilePostCount)
        }
        try await store.write { [account, videos, snapshots] db in
            try await store.accounts.insert(account, in: db)
            // The levels once for the whole account (each write alone would rewrite every later day's levels).
            var changes = LevelChanges()
            let repository = store.videos
            try await repository.insert(videos, countingInto: &changes, in: db)
            let writer = store.snapshots
            try await writer.write(accounts: accountSnapshots, refreshLatest: true, addingLevelChangesTo: &changes, in: db)
            try await writer.write(videos: snapshots, refreshLatest: true, addingLevelChangesTo: &changes, in: db)
            try await store.levels.apply(changes, in: db)
        }
        return (videos.count, accountSnapshots.count, snapshots.count)
    }

    private func fillIndividualVideos(
        organizationID: OrganizationID, firstDay: Int, now: Timestamp
    ) async throws -> (videos: Int, snapshots: Int) {
        let today = UTCDay.of(now)
        var videos: [Video] = []
        var snapshots: [VideoSnapshot] = []
        for (platform, username, count) in Self.individualSources {
            let posts = source.posts(
                platform: platform, username: username, publishedFrom: UTCDay.start(firstDay),
                through: now.adding(seconds: -7 * UTCDay.seconds))
            guard !posts.isEmpty else { continue }
            // Spread over the year; each tracked from a few days after publication (old growth lands on its
            // publication day, docs/metrics.md).
            for pick in 0..<count {
                let post = posts[(pick * posts.count) / count + (posts.count / count) / 2]
                guard let published = post.createTime else { continue }
                let added = published.adding(seconds: Int64(pick * 2 + 1) * UTCDay.seconds)
                var video = Video.new(
                    organizationID: organizationID, platform: platform, source: .individual, externalID: post.externalID,
                    url: post.url, now: added)
                video.shortcode = post.shortcode
                video.accountUsername = username
                video.description = post.caption
                video.createTime = published
                video.mediaType = post.mediaType
                video.duration = post.duration
                video.coverImageURL = post.coverImageURL
                video.dataSource = source.name
                videos.append(video)
                let secondOfDay = Int(added.seconds - UTCDay.start(UTCDay.of(added)).seconds)
                for observation in source.history(
                    platform: platform, externalID: post.externalID, days: UTCDay.of(added)...today,
                    secondOfDay: secondOfDay, until: now)
                {
                    snapshots.append(Self.snapshot(video.id, observation))
                }
            }
        }
        try await store.write { [videos, snapshots] db in
            var changes = LevelChanges()
            let repository = store.videos
            try await repository.insert(videos, countingInto: &changes, in: db)
            try await store.snapshots.write(videos: snapshots, refreshLatest: true, addingLevelChangesTo: &changes, in: db)
            try await store.levels.apply(changes, in: db)
        }
        return (videos.count, snapshots.count)
    }

    static func snapshot(_ videoID: VideoID, _ observation: VideoObservation) -> VideoSnapshot {
        VideoSnapshot(videoID: videoID, observedAt: observation.observedAt, counters: observation.counters)
    }
}
