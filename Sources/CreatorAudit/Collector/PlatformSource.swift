// The interface between the collector and a platform. A source answers two questions — "what does this
// account look like now, and what has it posted recently?" and "what are this video's counters now?" — and
// knows nothing of organizations, the database or schedules. The collector (a later issue) stores what a
// source answers as snapshots and records the source's `name` as the subject's `data_source`.
// Implementations: `SandboxSource` (deterministic, for demos and development); the Instagram Graph API and
// TikTok Research API sources come with the collector.
import Foundation

/// A platform's answer about an account's profile. Counters a platform does not report are nil.
public struct AccountProfile: Sendable, Equatable {
    public var platform: Platform
    public var username: String
    public var name: String?
    public var description: String?
    public var profilePicURL: String?
    public var isVerified: Bool
    public var linkInBio: String?
    public var followerCount: Int64?
    public var followingCount: Int64?
    public var profilePostCount: Int64?

    public init(
        platform: Platform, username: String, name: String? = nil, description: String? = nil,
        profilePicURL: String? = nil, isVerified: Bool = false, linkInBio: String? = nil,
        followerCount: Int64? = nil, followingCount: Int64? = nil, profilePostCount: Int64? = nil
    ) {
        self.platform = platform
        self.username = username
        self.name = name
        self.description = description
        self.profilePicURL = profilePicURL
        self.isVerified = isVerified
        self.linkInBio = linkInBio
        self.followerCount = followerCount
        self.followingCount = followingCount
        self.profilePostCount = profilePostCount
    }
}

/// A post as a platform describes it, with its counters at the time of the answer.
public struct PlatformPost: Sendable, Equatable {
    public var platform: Platform
    public var externalID: String
    public var shortcode: String?
    public var url: String
    public var accountUsername: String?
    public var createTime: Timestamp?
    public var caption: String?
    /// The platform's word for it: Instagram `VIDEO`, `IMAGE`, `CAROUSEL_ALBUM`; TikTok `video`.
    public var mediaType: String?
    public var duration: Double?
    public var coverImageURL: String?
    /// Nil where the platform does not report a counter (TikTok has no saves; Instagram business discovery reports no
    /// views or saves of other accounts), never 0.
    public var counters: Counters

    public init(
        platform: Platform, externalID: String, shortcode: String? = nil, url: String, accountUsername: String? = nil,
        createTime: Timestamp? = nil, caption: String? = nil, mediaType: String? = nil, duration: Double? = nil,
        coverImageURL: String? = nil, counters: Counters
    ) {
        self.platform = platform
        self.externalID = externalID
        self.shortcode = shortcode
        self.url = url
        self.accountUsername = accountUsername
        self.createTime = createTime
        self.caption = caption
        self.mediaType = mediaType
        self.duration = duration
        self.coverImageURL = coverImageURL
        self.counters = counters
    }
}

/// What an account refresh may bring back: at most `maxPosts` posts, none older than `lookbackDays`.
public struct PostLimits: Sendable, Equatable {
    public var maxPosts: Int
    public var lookbackDays: Int

    public init(maxPosts: Int = 50, lookbackDays: Int = 30) {
        self.maxPosts = maxPosts
        self.lookbackDays = lookbackDays
    }
}

/// The answer to "refresh this account": its profile and its recent posts, newest first, as observed at `observedAt`.
public struct AccountRefresh: Sendable, Equatable {
    public var observedAt: Timestamp
    public var profile: AccountProfile
    public var posts: [PlatformPost]

    public init(observedAt: Timestamp, profile: AccountProfile, posts: [PlatformPost]) {
        self.observedAt = observedAt
        self.profile = profile
        self.posts = posts
    }
}

/// The answer to "refresh this video".
public struct VideoRefresh: Sendable, Equatable {
    public var observedAt: Timestamp
    public var post: PlatformPost

    public init(observedAt: Timestamp, post: PlatformPost) {
        self.observedAt = observedAt
        self.post = post
    }
}

/// A platform source. Implementations are safe to call concurrently.
public protocol PlatformSource: Sendable {
    /// Recorded as `data_source` on what this source collects (`sandbox`, `instagram`, `tiktok`).
    var name: String { get }

    /// The account's profile counters and its recent posts with their counters.
    /// Throws `PlatformSourceError` (`.gone`, `.private`, `.rateLimited`, `.upstream`).
    func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh

    /// One video's counters (and what the platform says about it).
    /// Throws `PlatformSourceError` (`.gone`, `.private`, `.rateLimited`, `.upstream`).
    func refreshVideo(platform: Platform, externalID: String) async throws -> VideoRefresh
}

/// Why a source could not answer. A struct over a private enum, so new cases do not break callers.
public struct PlatformSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case gone
        case notPublic
        case rateLimited(retryAfter: Int?)
        case upstream(String)
    }

    private let kind: Kind

    /// The account or video does not exist (any more): the collector sets `is_unavailable`.
    public static let gone = PlatformSourceError(kind: .gone)
    /// The account or video is private: the collector sets `is_unavailable`.
    public static let `private` = PlatformSourceError(kind: .notPublic)
    /// The platform asked us to slow down; `retryAfter` in seconds when it said.
    public static func rateLimited(retryAfter: Int? = nil) -> PlatformSourceError {
        PlatformSourceError(kind: .rateLimited(retryAfter: retryAfter))
    }
    /// Anything else the platform answered (a 5xx, an unreadable body): retried with back-off.
    public static func upstream(_ message: String) -> PlatformSourceError { PlatformSourceError(kind: .upstream(message)) }

    /// True when the subject should be marked unavailable (gone or private).
    public var isUnavailable: Bool { kind == .gone || kind == .notPublic }
    /// Seconds the platform asked us to wait; nil when not rate-limited or not said.
    public var retryAfter: Int? {
        if case .rateLimited(let seconds) = kind { return seconds }
        return nil
    }
    public var isRateLimited: Bool {
        if case .rateLimited = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .gone: return "the account or video does not exist"
        case .notPublic: return "the account or video is private"
        case .rateLimited(let seconds): return "rate-limited by the platform" + (seconds.map { " (retry after \($0) s)" } ?? "")
        case .upstream(let message): return "the platform answered with an error: \(message)"
        }
    }

    public static func == (a: PlatformSourceError, b: PlatformSourceError) -> Bool {
        switch (a.kind, b.kind) {
        case (.gone, .gone), (.notPublic, .notPublic), (.rateLimited, .rateLimited), (.upstream, .upstream): return true
        default: return false
        }
    }
}
