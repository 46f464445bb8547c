// A tracked account (a platform + username) with its latest profile counters and the totals of its videos.

public struct Account: Sendable {
    public var id: AccountID
    public var organizationID: OrganizationID
    public var platform: Platform
    public var username: String
    public var name: String?
    public var description: String?
    public var profilePicURL: String?
    public var isVerified: Bool
    public var isActive: Bool
    public var isUnavailable: Bool
    /// Paused because its creator was deactivated (reactivating the creator resumes exactly these).
    public var pausedByCreator: Bool
    public var linkInBio: String?
    public var creatorID: CreatorID?
    public var creatorName: String?
    public var category: String?
    public var metadata: [String: String]
    public var addedAt: Timestamp
    public var firstScrapeTime: Timestamp?
    public var lastScrapeTime: Timestamp?
    public var scrapeIntervalHours: Int
    public var followerCount: Int64
    public var followingCount: Int64
    public var profilePostCount: Int64
    public var totalPostCount: Int64
    /// Sums over its discovered videos (views and plays standing in for each other); saves nil on TikTok.
    public var totals: Counters
    public var maxRecentPostsPerAccount: Int?
    public var postLookbackDays: Int?
    public var dataSource: String
    /// The organization's defaults, read with the row (not stored on it).
    public var organizationMaxRecentPosts: Int = 50
    public var organizationLookbackDays: Int = 30
    /// The collector's bookkeeping (read-only in the API: `collection`).
    public var collection = CollectionState()

    public var effectiveMaxRecentPosts: Int { maxRecentPostsPerAccount ?? organizationMaxRecentPosts }
    public var effectiveLookbackDays: Int { postLookbackDays ?? organizationLookbackDays }

    /// A newly tracked account: counters 0 until the first refresh (saves null on TikTok).
    public static func new(
        organizationID: OrganizationID, platform: Platform, username: String, now: Timestamp = .now
    ) -> Account {
        var totals = Counters.zero
        if platform == .tiktok { totals.saves = nil }
        return Account(
            id: AccountID(), organizationID: organizationID, platform: platform, username: username, name: nil,
            description: nil, profilePicURL: nil, isVerified: false, isActive: true, isUnavailable: false,
            pausedByCreator: false, linkInBio: nil, creatorID: nil, creatorName: nil, category: nil, metadata: [:],
            addedAt: now, firstScrapeTime: nil, lastScrapeTime: nil, scrapeIntervalHours: 24, followerCount: 0,
            followingCount: 0, profilePostCount: 0, totalPostCount: 0, totals: totals, maxRecentPostsPerAccount: nil,
            postLookbackDays: nil, dataSource: "sandbox")
    }

    var engagementRate: Double? { totals.engagementRate }

    public var collectionStatus: CollectionStatus {
        collection.status(isActive: isActive, isUnavailable: isUnavailable, lastScrapeTime: lastScrapeTime)
    }
}
