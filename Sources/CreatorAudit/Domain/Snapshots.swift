// Snapshots: the counters of an account or a video as collected at one instant (docs/metrics.md).

/// An account's profile counters at one instant; nil where the platform did not report one.
public struct AccountSnapshot: Sendable, Equatable {
    public var accountID: AccountID
    public var observedAt: Timestamp
    public var followerCount: Int64?
    public var followingCount: Int64?
    public var profilePostCount: Int64?

    public init(accountID: AccountID, observedAt: Timestamp, followerCount: Int64?, followingCount: Int64? = nil,
                profilePostCount: Int64? = nil) {
        self.accountID = accountID
        self.observedAt = observedAt
        self.followerCount = followerCount
        self.followingCount = followingCount
        self.profilePostCount = profilePostCount
    }
}

/// A video's counters at one instant.
public struct VideoSnapshot: Sendable, Equatable {
    public var videoID: VideoID
    public var observedAt: Timestamp
    public var counters: Counters

    public init(videoID: VideoID, observedAt: Timestamp, counters: Counters) {
        self.videoID = videoID
        self.observedAt = observedAt
        self.counters = counters
    }

    public init(videoID: VideoID, observedAt: Timestamp, views: Int64?, plays: Int64? = nil, likes: Int64? = nil,
                comments: Int64? = nil, shares: Int64? = nil, saves: Int64? = nil) {
        self.init(videoID: videoID, observedAt: observedAt,
                  counters: Counters(views: views, plays: plays, likes: likes, comments: comments, shares: shares, saves: saves))
    }
}
