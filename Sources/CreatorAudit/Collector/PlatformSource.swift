// The interface between the collector and a platform. A source answers two questions — "what does this
// account look like now, and what has it posted recently?" and "what are this video's counters now?" — and
// knows nothing of organizations, the database or schedules. The collector (a later issue) stores what a
// source answers as snapshots and records the source's `name` as the subject's `data_source`.
// Implementations: `SandboxSource` (deterministic, for demos and development), `InstagramSource` (the Graph
// API's business discovery) and `TikTokSource` (the Research API); `PlatformSources` picks one per platform
// from `SourceConfiguration`. What each can and cannot report: docs/collection.md.
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


/// One account of a batch refresh (`PlatformSource.refreshAccounts`), with its own limits.
public struct AccountRequest: Sendable, Equatable {
    public var username: String
    public var limits: PostLimits

    public init(username: String, limits: PostLimits = PostLimits()) {
        self.username = username
        self.limits = limits
    }
}

/// The answer for one account of a batch: its refresh, or why this account could not be refreshed.
public struct AccountOutcome: Sendable {
    public var username: String
    public var result: Result<AccountRefresh, PlatformSourceError>

    public init(username: String, result: Result<AccountRefresh, PlatformSourceError>) {
        self.username = username
        self.result = result
    }
}

/// Whether a source can be asked anything right now, platform-wide. A scheduler reads it before claiming work
/// so that subjects of a paused or failing platform wait instead of failing one by one.
public enum SourceAvailability: Sendable, Equatable {
    case ready
    /// The platform said stop (a 429, a throttling code, usage at 100 %, the daily budget spent).
    case paused(until: Timestamp, reason: String)
    /// The source as a whole cannot work (token expired, app revoked, scope missing); `nextAttemptAt` is when
    /// the source will let one request through to see whether it works again.
    case failing(reason: String, nextAttemptAt: Timestamp)
}

/// A platform source. Implementations are safe to call concurrently.
///
/// Every method throws only `PlatformSourceError` (or `CancellationError`); see its doc for which errors concern
/// the subject and which the whole source.
public protocol PlatformSource: Sendable {
    /// Recorded as `data_source` on what this source collects (`sandbox`, `instagram`, `tiktok`).
    var name: String { get }

    /// How many accounts `refreshAccounts` serves well in one call; 1 when batching saves nothing.
    var accountBatchSize: Int { get }

    /// The account's profile counters and its recent posts with their counters.
    func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh

    /// Several accounts of one platform at once (the TikTok Research API answers several usernames per video
    /// query). One outcome per request, in the same order. Throws only errors that concern the whole source
    /// (`isPlatformWide`); per-account errors, retryable ones included, are in the outcomes.
    func refreshAccounts(platform: Platform, _ requests: [AccountRequest]) async throws -> [AccountOutcome]

    /// One video's counters (and what the platform says about it). `ownerUsername` is the account that
    /// published it when known: Instagram can only find a video through its owner's media list.
    func refreshVideo(platform: Platform, externalID: String, ownerUsername: String?) async throws -> VideoRefresh

    /// Platform-wide state now: ready, paused or failing.
    func availability() -> SourceAvailability
}

extension PlatformSource {
    public var accountBatchSize: Int { 1 }

    public func refreshAccounts(platform: Platform, _ requests: [AccountRequest]) async throws -> [AccountOutcome] {
        var outcomes: [AccountOutcome] = []
        for request in requests {
            do {
                let refresh = try await refreshAccount(
                    platform: platform, username: request.username, limits: request.limits)
                outcomes.append(AccountOutcome(username: request.username, result: .success(refresh)))
            } catch let error as PlatformSourceError where !error.isPlatformWide {
                outcomes.append(AccountOutcome(username: request.username, result: .failure(error)))
            }
        }
        return outcomes
    }

    /// A video whose owner is not known.
    public func refreshVideo(platform: Platform, externalID: String) async throws -> VideoRefresh {
        try await refreshVideo(platform: platform, externalID: externalID, ownerUsername: nil)
    }

    public func availability() -> SourceAvailability { .ready }
}
