// The first pass of an import: every record of the file parsed and checked — fields, references to accounts
// and videos (of the organization or earlier in the file), the account quota — with reads only. A bad line
// ends the import here, before anything is written. What the file will add (new accounts and videos), where
// every referred-to subject lives, and which subjects get snapshots are kept for the second pass; memory
// grows with the number of subjects, not of lines. The reads go through the organization's `TenantStore`: each in
// a short read of its own (a file import), or in the caller's transaction (push ingestion, `Importer.store`).
import Foundation
import SQLKit

final class ImportPlan {
    let store: TenantStore
    let now: Timestamp
    /// The caller's transaction, when the plan is checked inside one (then every read uses it).
    let db: (any SQLDatabase)?

    /// `platform|username` → account id; `platform|external id` → video ids (an individual and an account video
    /// may share one).
    private(set) var accounts: [String: String] = [:]
    private(set) var videos: [String: [(id: VideoID, source: VideoSource)]] = [:]
    private(set) var newAccounts: [Account] = []
    private(set) var newVideos: [Video] = []
    private(set) var touchedAccounts: Set<String> = []
    private(set) var touchedVideos: Set<VideoID> = []
    private(set) var records = 0
    private(set) var snapshots = 0
    private var quota: Int?
    private var accountCount = 0

    init(store: TenantStore, now: Timestamp, in db: (any SQLDatabase)? = nil) {
        self.store = store
        self.now = now
        self.db = db
    }

    /// Runs `body` in the caller's transaction if there is one, else in a read of its own.
    private func reading<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        if let db { return try await body(db) }
        return try await store.read(body)
    }

    func loadLimits() async throws {
        let store = self.store
        let (quota, count) = try await reading { db -> (Int?, Int) in
            (try await store.organization.accountQuota(store.organizationID, in: db),
             try await store.accounts.count(in: db))
        }
        self.quota = quota
        self.accountCount = count
    }

    /// Checks one record and notes what it will add.
    func check(_ record: ImportRecord, line: Int) async throws {
        records += 1
        switch record {
        case let .account(platform, username, name, category, isVerified):
            guard try await accountID(platform, username) == nil else { return }
            if let quota, accountCount >= quota {
                throw ImportError(line: line, field: "username",
                                  reason: "the organization's account quota (\(quota)) is reached")
            }
            var account = Account.new(
                organizationID: store.organizationID, platform: platform, username: username, now: now)
            account.name = name
            account.category = category
            account.isVerified = isVerified ?? false
            account.dataSource = "import"
            newAccounts.append(account)
            accounts[platform.rawValue + "|" + username] = account.id.description
            accountCount += 1

        case let .video(platform, identifier, accountName, createTime, description, mediaType, url):
            var accountID: String?
            if let accountName {
                accountID = try await self.accountID(platform, accountName)
                guard accountID != nil else {
                    throw ImportError(line: line, field: "account", reason: Self.unknown(platform, "account"))
                }
            }
            let source: VideoSource = accountID == nil ? .individual : .account
            let known = try await knownVideos(platform, identifier.externalID)
            // Already tracked this way: referred to, not created.
            if known.contains(where: { $0.source == source }) { return }
            var video = Video.new(
                organizationID: store.organizationID, platform: platform, source: source,
                externalID: identifier.externalID, url: url ?? Self.url(platform, identifier, username: accountName),
                now: now)
            video.shortcode = identifier.shortcode
            video.accountID = accountID.flatMap(AccountID.init)
            video.accountUsername = accountName ?? identifier.accountUsername
            video.createTime = createTime
            video.description = description
            video.mediaType = mediaType
            video.dataSource = "import"
            newVideos.append(video)
            videos[platform.rawValue + "|" + identifier.externalID] = known + [(video.id, source)]
            touchedVideos.insert(video.id)

        case let .accountSnapshot(platform, username, _, _, _, _):
            guard let id = try await accountID(platform, username) else {
                throw ImportError(line: line, field: "account", reason: Self.unknown(platform, "account"))
            }
            touchedAccounts.insert(id)
            snapshots += 1

        case let .videoSnapshot(platform, externalID, _, _):
            let ids = try await knownVideos(platform, externalID).map(\.id)
            guard !ids.isEmpty else {
                throw ImportError(line: line, field: "video", reason: Self.unknown(platform, "video"))
            }
            touchedVideos.formUnion(ids)
            snapshots += 1
        }
    }

    static func unknown(_ platform: Platform, _ subject: String) -> String {
        let what = subject == "video" ? "video with this id" : "account with this username"
        return "no \(platform.rawValue) \(what) in the organization or earlier in the file"
    }

    /// The account a checked record refers to (second pass: always known).
    func resolvedAccount(_ platform: Platform, _ username: String) -> AccountID? {
        accounts[platform.rawValue + "|" + username].flatMap(AccountID.init)
    }

    /// The videos a checked record refers to (second pass: always known).
    func resolvedVideos(_ platform: Platform, _ externalID: String) -> [VideoID] {
        (videos[platform.rawValue + "|" + externalID] ?? []).map(\.id)
    }

    /// The snapshots a checked record stores (none for an account or a video record).
    func snapshots(of record: ImportRecord) -> (accounts: [AccountSnapshot], videos: [VideoSnapshot]) {
        switch record {
        case .account, .video:
            return ([], [])
        case let .accountSnapshot(platform, username, observedAt, followers, following, posts):
            guard let accountID = resolvedAccount(platform, username) else { return ([], []) }
            return ([AccountSnapshot(accountID: accountID, observedAt: observedAt, followerCount: followers,
                                     followingCount: following, profilePostCount: posts)], [])
        case let .videoSnapshot(platform, externalID, observedAt, counters):
            return ([], resolvedVideos(platform, externalID).map {
                VideoSnapshot(videoID: $0, observedAt: observedAt, counters: counters)
            })
        }
    }

    private func accountID(_ platform: Platform, _ username: String) async throws -> String? {
        let key = platform.rawValue + "|" + username
        if let id = accounts[key] { return id }
        let accounts = store.accounts
        let found = try await reading { db in try await accounts.id(platform: platform, username: username, in: db) }
        guard let id = found else { return nil }
        self.accounts[key] = id
        return id
    }

    /// Every video of the organization with this platform id, tracked either way (from the database once, then
    /// kept up to date as the file adds videos).
    private func knownVideos(
        _ platform: Platform, _ externalID: String
    ) async throws -> [(id: VideoID, source: VideoSource)] {
        let key = platform.rawValue + "|" + externalID
        if let known = videos[key] { return known }
        let repository = store.videos
        let known = try await reading { db in
            try await repository.tracked(platform: platform, externalID: externalID, in: db)
        }
        videos[key] = known
        return known
    }

    static func url(_ platform: Platform, _ identifier: VideoIdentifier, username: String?) -> String {
        if platform == .tiktok, let username, identifier.accountUsername == nil {
            return "https://www.tiktok.com/@\(username)/video/\(identifier.externalID)"
        }
        return identifier.url
    }
}
