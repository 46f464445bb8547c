// The first pass of an import: every record of the file parsed and checked — fields, references to accounts
// and videos (of the organization or earlier in the file), the account quota — with reads only. A bad line
// ends the import here, before anything is written. What the file will add (new accounts and videos), where
// every referred-to subject lives, and which subjects get snapshots are kept for the second pass; memory
// grows with the number of subjects, not of lines.
import Foundation
import SQLKit

final class ImportPlan {
    let database: Database
    let organizationID: OrganizationID
    let now: Timestamp

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

    init(database: Database, organizationID: OrganizationID, now: Timestamp) {
        self.database = database
        self.organizationID = organizationID
        self.now = now
    }

    var organization: String { organizationID.description }

    func loadLimits() async throws {
        let organization = self.organization
        let (quota, count) = try await database.read { db -> (Int?, Int) in
            let quota = try await db.raw("SELECT account_quota FROM organizations WHERE id = \(bind: organization)")
                .first()?.decodeOptional(column: "account_quota", as: Int.self)
            let count = try await db.raw(
                "SELECT COUNT(*) AS n FROM accounts WHERE organization_id = \(bind: organization)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            return (quota, count)
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
            var account = Account.new(organizationID: organizationID, platform: platform, username: username, now: now)
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
                organizationID: organizationID, platform: platform, source: source, externalID: identifier.externalID,
                url: url ?? Self.url(platform, identifier, username: accountName), now: now)
            video.shortcode = identifier.shortcode
            video.accountID = accountID
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

    private func accountID(_ platform: Platform, _ username: String) async throws -> String? {
        let key = platform.rawValue + "|" + username
        if let id = accounts[key] { return id }
        let organization = self.organization
        let id = try await database.read { db in
            try await db.raw("""
                SELECT id FROM accounts WHERE organization_id = \(bind: organization)
                    AND platform = \(bind: platform.rawValue) AND username = \(bind: username)
                """).first()?.decode(column: "id", as: String.self)
        }
        guard let id else { return nil }
        accounts[key] = id
        return id
    }

    /// Every video of the organization with this platform id, tracked either way (from the database once, then
    /// kept up to date as the file adds videos).
    private func knownVideos(
        _ platform: Platform, _ externalID: String
    ) async throws -> [(id: VideoID, source: VideoSource)] {
        let key = platform.rawValue + "|" + externalID
        if let known = videos[key] { return known }
        let organization = self.organization
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT id, source FROM videos WHERE organization_id = \(bind: organization)
                    AND platform = \(bind: platform.rawValue) AND external_id = \(bind: externalID) ORDER BY id
                """).all().map { row in
                    (try row.decode(column: "id", as: String.self), try row.decode(column: "source", as: String.self))
                }
        }
        let known = rows.compactMap { id, source -> (id: VideoID, source: VideoSource)? in
            guard let id = VideoID(id), let source = VideoSource(rawValue: source) else { return nil }
            return (id, source)
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
