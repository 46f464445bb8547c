// A tracked video: added one by one (`individual`) or discovered on a tracked account (`account`), with its latest
// counters (nil until the first refresh, and wherever the platform does not report one).

public struct Video: Sendable {
    public var id: VideoID
    public var organizationID: OrganizationID
    public var platform: Platform
    public var source: VideoSource
    public var externalID: String
    public var shortcode: String?
    public var url: String
    public var accountID: AccountID?
    public var accountUsername: String?
    public var description: String?
    public var createTime: Timestamp?
    public var mediaType: String?
    public var duration: Double?
    public var coverImageURL: String?
    public var isActive: Bool
    public var isUnavailable: Bool
    public var scrapeIntervalHours: Int
    public var metadata: [String: String]
    public var addedAt: Timestamp
    public var updatedAt: Timestamp
    public var firstScrapeTime: Timestamp?
    public var lastScrapeTime: Timestamp?
    public var counters: Counters
    public var dataSource: String
    /// The collector's bookkeeping (read-only in the API: `collection`).
    public var collection = CollectionState()

    /// A new video: every counter null until its first refresh.
    public static func new(
        organizationID: OrganizationID, platform: Platform, source: VideoSource, externalID: String, url: String,
        now: Timestamp = .now
    ) -> Video {
        Video(
            id: VideoID(), organizationID: organizationID, platform: platform, source: source, externalID: externalID,
            shortcode: nil, url: url, accountID: nil, accountUsername: nil, description: nil, createTime: nil,
            mediaType: nil, duration: nil, coverImageURL: nil, isActive: true, isUnavailable: false,
            scrapeIntervalHours: 24, metadata: [:], addedAt: now, updatedAt: now, firstScrapeTime: nil,
            lastScrapeTime: nil, counters: Counters(), dataSource: "sandbox")
    }

    var engagementRate: Double? { counters.engagementRate }

    public var collectionStatus: CollectionStatus {
        collection.status(isActive: isActive, isUnavailable: isUnavailable, lastScrapeTime: lastScrapeTime)
    }
}
