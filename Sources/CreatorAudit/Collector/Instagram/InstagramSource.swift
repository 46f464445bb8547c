// The `instagram` source: the Instagram Graph API's business discovery, asked on behalf of the operator's own
// Instagram business account (docs/collection.md, "Instagram"):
//   GET {base}/{version}/{ig-user-id}?fields=business_discovery.username(NAME){profile fields,
//       media.limit(N){media fields}}
// then `media.after(CURSOR).limit(N)` for further pages, newest first, until the post cap, the look-back or the
// last page. The token travels in the Authorization header only, never in a URL. Business discovery reports
// likes and comments of other accounts' posts, not their views, plays, shares or saves: those stay nil.
import Foundation
import Logging
import NIOHTTP1

/// How to reach the Graph API.
public struct InstagramSettings: Sendable {
    public var accessToken: SourceSecret
    /// The operator's Instagram business account id, in whose name business discovery asks.
    public var userID: String
    public var apiVersion: String
    public var baseURL: String
    /// Media per page (`media.limit(N)`).
    public var pageSize: Int
    /// How far down an owner's media list an individual video is looked for.
    public var videoSearchMaxPosts: Int
    public var governor: SourceGovernor.Policy

    public static let defaultAPIVersion = "v23.0"
    public static let defaultBaseURL = "https://graph.facebook.com"

    public init(
        accessToken: SourceSecret, userID: String, apiVersion: String = defaultAPIVersion,
        baseURL: String = defaultBaseURL,
        pageSize: Int = 50, videoSearchMaxPosts: Int = 500, governor: SourceGovernor.Policy = SourceGovernor.Policy()
    ) {
        self.accessToken = accessToken
        self.userID = userID
        self.apiVersion = apiVersion
        self.baseURL = baseURL
        self.pageSize = pageSize
        self.videoSearchMaxPosts = videoSearchMaxPosts
        self.governor = governor
    }
}

public struct InstagramSource: PlatformSource {
    public let name = "instagram"
    public let settings: InstagramSettings
    public let governor: SourceGovernor
    let http: PlatformHTTPClient
    let logger: Logger

    static let profileFields = "followers_count,follows_count,media_count,name,biography,profile_picture_url,website"
    static let mediaFields =
        "id,caption,comments_count,like_count,media_type,media_product_type,permalink,timestamp,thumbnail_url"
    /// Graph API error codes that mean "slow down" (application, user, page, custom and business use case limits).
    static let throttlingCodes: Set<Int> = [4, 17, 32, 613, 80002]
    /// Codes that mean the credentials or the app cannot work at all (token invalid or expired, permissions).
    static let credentialCodes: Set<Int> = Set([10, 102, 190] + Array(200...299))

    public init(
        settings: InstagramSettings, http: PlatformHTTPClient, database: Database,
        clock: any CollectorClock = SystemCollectorClock(), logger: Logger
    ) {
        self.settings = settings
        self.http = http
        self.logger = logger
        self.governor = SourceGovernor(
            source: "instagram", policy: settings.governor, database: database, clock: clock,
            logger: logger)
    }

    public func availability() -> SourceAvailability { governor.availability() }

    // MARK: Accounts

    public func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh
    {
        try Self.check(platform: platform, username: username)
        let observedAt = governor.clock.timestamp
        let oldest = observedAt.adding(seconds: -Int64(max(0, limits.lookbackDays)) * 86_400)
        let maxPosts = max(0, limits.maxPosts)
        var fields = "business_discovery.username(\(username)){\(Self.profileFields)"
        if maxPosts > 0 { fields += ",media.limit(\(min(settings.pageSize, maxPosts))){\(Self.mediaFields)}" }
        fields += "}"
        let answer = try await discover(fields: fields)
        let profile = AccountProfile(
            platform: .instagram, username: username, name: answer.name, description: answer.biography,
            profilePicURL: answer.profilePictureURL, isVerified: false, linkInBio: answer.website,
            followerCount: answer.followersCount?.value, followingCount: answer.followsCount?.value,
            profilePostCount: answer.mediaCount?.value)
        var posts: [PlatformPost] = []
        var page = answer.media
        var seenCursors: Set<String> = []
        while let current = page {
            for media in current.data {
                let post = media.post(username: username)
                // Newest first: the first post older than the look-back ends the walk.
                if let created = post.createTime, created < oldest {
                    return AccountRefresh(observedAt: observedAt, profile: profile, posts: posts)
                }
                posts.append(post)
                if posts.count >= maxPosts {
                    return AccountRefresh(observedAt: observedAt, profile: profile, posts: posts)
                }
            }
            guard let cursor = current.nextCursor, seenCursors.insert(cursor).inserted else { break }
            page = try await mediaPage(
                username: username, after: cursor, limit: min(settings.pageSize, maxPosts - posts.count))
        }
        return AccountRefresh(observedAt: observedAt, profile: profile, posts: posts)
    }

    // MARK: Videos

    /// Business discovery reads media only through their owner: the owner's media list is walked (up to
    /// `videoSearchMaxPosts`) until the post appears, matched by media id or shortcode.
    public func refreshVideo(
        platform: Platform, externalID: String, ownerUsername: String?
    ) async throws -> VideoRefresh {
        guard let owner = ownerUsername, !owner.isEmpty else {
            throw PlatformSourceError.unavailable(
                "the Instagram Graph API reads a post only through its owner's media list, "
                    + "and this video's owner is not known"
            )
        }
        try Self.check(platform: platform, username: owner)
        let observedAt = governor.clock.timestamp
        var page = try await discover(
            fields: "business_discovery.username(\(owner)){media.limit(\(settings.pageSize)){\(Self.mediaFields)}}"
        ).media
        var searched = 0
        var seenCursors: Set<String> = []
        while let current = page {
            if let match = current.data.first(where: { $0.id.value == externalID || $0.shortcode == externalID }) {
                return VideoRefresh(observedAt: observedAt, post: match.post(username: owner))
            }
            searched += current.data.count
            guard searched < settings.videoSearchMaxPosts, let cursor = current.nextCursor,
                seenCursors.insert(cursor).inserted
            else { break }
            page = try await mediaPage(username: owner, after: cursor, limit: settings.pageSize)
        }
        throw PlatformSourceError.unavailable("not among the \(searched) most recent posts of its owner @\(owner)")
    }

    // MARK: Requests

    private static func check(platform: Platform, username: String) throws {
        guard platform == .instagram else {
            throw PlatformSourceError.unavailable("the instagram source serves Instagram only")
        }
        // The username goes inside the `fields` expression: anything but letters, digits, `.` and `_` could
        // change what is asked.
        guard (1...100).contains(username.count),
            username.utf8.allSatisfy({
                ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90)
                    || $0 == 46 || $0 == 95
            })
        else { throw PlatformSourceError.unavailable("not a valid Instagram username") }
    }

    private func mediaPage(username: String, after cursor: String, limit: Int) async throws -> InstagramMediaPage? {
        // The cursor is the platform's own opaque text; it is percent-encoded with the rest of `fields`.
        let fields =
            "business_discovery.username(\(username))"
            + "{media.after(\(cursor)).limit(\(max(1, limit))){\(Self.mediaFields)}}"
        return try await discover(fields: fields).media
    }

    private func discover(fields: String) async throws -> InstagramProfileAnswer {
        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        let url = "\(base)/\(settings.apiVersion)/\(settings.userID)?fields=\(PlatformJSON.percentEncode(fields))"
        return try await governor.perform { _ in
            let response = try await http.send(
                .GET, url, headers: [("Authorization", "Bearer \(settings.accessToken.value)")], label: name,
                logger: logger)
            if let usage = InstagramUsage.from(
                appUsage: response.header("X-App-Usage"),
                businessUseCaseUsage: response.header("X-Business-Use-Case-Usage"))
            {
                await governor.observeUsage(percent: usage.percent, regainAccessSeconds: usage.regainAccessSeconds)
            }
            return try interpret(response)
        }
    }

    /// The profile of a 200, or the `PlatformSourceError` an error answer means.
    func interpret(_ response: PlatformHTTPResponse) throws -> InstagramProfileAnswer {
        let body = Array(response.body.readableBytesView)
        if response.status == 200 {
            guard let answer = PlatformJSON.decode(InstagramDiscoveryAnswer.self, from: body) else {
                throw PlatformSourceError.upstream("Instagram sent an unreadable answer (malformed or truncated JSON)")
            }
            guard let profile = answer.businessDiscovery else {
                throw PlatformSourceError.unavailable("Instagram returned no business discovery data for this username")
            }
            return profile
        }
        let retryAfter = response.retryAfter(now: governor.clock.now())
        if let error = PlatformJSON.decode(InstagramErrorAnswer.self, from: body)?.error {
            throw map(error, response: response, retryAfter: retryAfter)
        }
        switch response.status {
        case 429:
            throw PlatformSourceError.rateLimited(
                retryAfter: retryAfter.map { Int($0.rounded(.up)) },
                reason: "Instagram answered 429 Too Many Requests")
        case 401: throw PlatformSourceError.sourceFailing("Instagram refused the credentials (HTTP 401)")
        default: throw PlatformSourceError.upstream("Instagram answered HTTP \(response.status)")
        }
    }

    private func map(
        _ error: InstagramErrorAnswer.Body, response: PlatformHTTPResponse, retryAfter: Double?
    )
        -> PlatformSourceError
    {
        let code = error.code ?? 0
        let message = PlatformJSON.sanitize(error.message ?? "", removing: [settings.accessToken.value])
        if code == 190 || code == 102 {
            return .sourceFailing(
                "Instagram rejected the access token (code \(code): expired, revoked or invalid); "
                    + "configure a new CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN")
        }
        if Self.credentialCodes.contains(code) {
            return .sourceFailing("Instagram refused the app a permission business discovery needs (code \(code))")
        }
        if code == 110 || error.errorSubcode == 2_207_013 {
            return .unavailable("not an Instagram business or creator account, or no such user")
        }
        if Self.throttlingCodes.contains(code) || response.status == 429 {
            let usage = InstagramUsage.from(
                appUsage: response.header("X-App-Usage"),
                businessUseCaseUsage: response.header("X-Business-Use-Case-Usage"))
            let seconds = usage?.regainAccessSeconds ?? retryAfter
            return .rateLimited(
                retryAfter: seconds.map { Int($0.rounded(.up)) },
                reason: "Instagram throttled the app (code \(code))")
        }
        if response.status >= 500 || code == 1 || code == 2 {
            return .upstream("Instagram had a temporary problem (HTTP \(response.status), code \(code))")
        }
        return .upstream(
            "Instagram answered HTTP \(response.status), code \(code)" + (message.isEmpty ? "" : ": \(message)"))
    }
}
