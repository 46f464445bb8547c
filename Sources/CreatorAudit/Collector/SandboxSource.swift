// The sandbox platform source: realistic, deterministic counters for demos, development and tests, with no
// network and no credentials. The same platform + username (or platform + external id) and the same instant
// always give the same answer. Usernames starting with `gone_`, `private_`, `ratelimited_` or `failing_` answer
// with the matching `PlatformSourceError` (`failing_`: source failing), so the collector's failure paths can be
// exercised too.
import Foundation

/// An account's counters at one instant, as `SandboxSource.history` reports them.
public struct AccountObservation: Sendable, Equatable {
    public var observedAt: Timestamp
    public var followerCount: Int64
    public var followingCount: Int64
    public var profilePostCount: Int64
}

/// A video's counters at one instant, as `SandboxSource.history` reports them.
public struct VideoObservation: Sendable, Equatable {
    public var observedAt: Timestamp
    public var counters: Counters
}

public struct SandboxSource: PlatformSource {
    public let name = "sandbox"
    private let clock: @Sendable () -> Timestamp

    /// `clock` is "now" for the two refresh calls; the other methods take the instant explicitly.
    public init(clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.clock = clock
    }

    // MARK: Accounts

    /// The account's profile at `time`.
    public func profile(platform: Platform, username: String, at time: Timestamp) -> AccountProfile {
        let model = SandboxAccountModel(platform: platform, username: username)
        let curve = model.followerCurve(through: UTCDay.of(time))
        return profile(model, curve: curve, posts: model.postTimes(through: time).count, at: time)
    }

    private func profile(_ model: SandboxAccountModel, curve: FollowerCurve, posts: Int, at time: Timestamp) -> AccountProfile {
        var random = SandboxRandom(seed: model.seed, salt: 7)
        return AccountProfile(
            platform: model.platform, username: model.username, name: SandboxText.displayName(model.username),
            description: random.pick(SandboxText.bios),
            profilePicURL: "https://sandbox.creatoraudit.invalid/\(model.platform.rawValue)/\(model.username).jpg",
            isVerified: model.initialFollowers > 60_000 || model.seed % 7 == 0,
            linkInBio: model.seed % 2 == 0 ? "https://links.example.com/\(model.username)" : nil,
            followerCount: curve.followers(at: time), followingCount: model.following(at: time),
            profilePostCount: Int64(model.olderPosts + posts))
    }

    /// The account's posts published in `from...through`, oldest first, with their counters at `through`.
    public func posts(platform: Platform, username: String, publishedFrom from: Timestamp, through: Timestamp) -> [PlatformPost] {
        let model = SandboxAccountModel(platform: platform, username: username)
        let times = model.postTimes(through: through)
        let curve = model.followerCurve(through: UTCDay.of(through))
        return times.enumerated().filter { $0.element >= from }.map { index, time in
            let id = model.externalID(index: index, publishedAt: time, followers: Double(curve.followers(at: time)))
            return post(platform: platform, externalID: id, username: username, at: through)
        }
    }

    /// Daily observations of the account on each UTC day of `days`, at the account's daily refresh time
    /// (`refreshTime(platform:username:day:)`); none after `until` (default: no limit).
    public func history(
        platform: Platform, username: String, days: ClosedRange<Int>, until: Timestamp? = nil
    ) -> [AccountObservation] {
        let model = SandboxAccountModel(platform: platform, username: username)
        let curve = model.followerCurve(through: days.upperBound)
        let postTimes = model.postTimes(through: Timestamp(seconds: Int64(days.upperBound + 1) * 86_400))
        var observations: [AccountObservation] = []
        observations.reserveCapacity(days.count)
        var published = 0
        for day in days {
            let time = Timestamp(seconds: Int64(day) * 86_400 + Int64(model.refreshSecond))
            if let until, time > until { break }
            while published < postTimes.count, postTimes[published] <= time { published += 1 }
            observations.append(AccountObservation(
                observedAt: time, followerCount: curve.followers(at: time), followingCount: model.following(at: time),
                profilePostCount: Int64(model.olderPosts + published)))
        }
        return observations
    }

    /// When the sandbox's daily refresh of this account happens on `day`.
    public func refreshTime(platform: Platform, username: String, day: Int) -> Timestamp {
        Timestamp(seconds: Int64(day) * 86_400 + Int64(SandboxAccountModel(platform: platform, username: username).refreshSecond))
    }

    // MARK: Videos

    /// A post as the sandbox describes it, with its counters at `time`.
    public func post(platform: Platform, externalID given: String, username: String? = nil, at time: Timestamp) -> PlatformPost {
        let model = SandboxVideoModel(platform: platform, externalID: given)
        let externalID = model.externalID
        let shortcode = platform == .instagram ? SandboxIDs.shortcode(mediaID: externalID) : nil
        let url: String
        switch platform {
        case .instagram: url = "https://www.instagram.com/p/\(shortcode ?? externalID)/"
        case .tiktok: url = username.map { "https://www.tiktok.com/@\($0)/video/\(externalID)" } ?? "https://www.tiktok.com/video/\(externalID)"
        }
        return PlatformPost(
            platform: platform, externalID: externalID, shortcode: shortcode, url: url, accountUsername: username,
            createTime: model.publishedAt, caption: model.caption, mediaType: model.mediaType, duration: model.duration,
            coverImageURL: "https://sandbox.creatoraudit.invalid/\(platform.rawValue)/covers/\(externalID).jpg",
            counters: model.counters(at: time))
    }

    /// A video's cumulative counters at `time`.
    public func counters(platform: Platform, externalID: String, at time: Timestamp) -> Counters {
        SandboxVideoModel(platform: platform, externalID: externalID).counters(at: time)
    }

    /// Daily observations of the video at `secondOfDay` on each UTC day of `days`, from its publication on
    /// (none before it exists) and none after `until`.
    public func history(
        platform: Platform, externalID: String, days: ClosedRange<Int>, secondOfDay: Int, until: Timestamp? = nil
    ) -> [VideoObservation] {
        let model = SandboxVideoModel(platform: platform, externalID: externalID)
        var observations: [VideoObservation] = []
        for day in days {
            let time = Timestamp(seconds: Int64(day) * 86_400 + Int64(secondOfDay))
            if let until, time > until { break }
            guard time >= model.publishedAt else { continue }
            observations.append(VideoObservation(observedAt: time, counters: model.counters(at: time)))
        }
        return observations
    }

    // MARK: PlatformSource

    public func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh {
        try Self.simulatedFailure(username)
        let now = clock()
        let from = now.adding(seconds: -Int64(limits.lookbackDays) * 86_400)
        let recent = posts(platform: platform, username: username, publishedFrom: from, through: now)
        return AccountRefresh(
            observedAt: now, profile: profile(platform: platform, username: username, at: now),
            posts: Array(recent.reversed().prefix(max(0, limits.maxPosts))))
    }

    public func refreshVideo(
        platform: Platform, externalID: String, ownerUsername: String?
    ) async throws -> VideoRefresh {
        let now = clock()
        let answer = post(platform: platform, externalID: externalID, username: ownerUsername, at: now)
        guard let created = answer.createTime, created <= now else { throw PlatformSourceError.gone }
        return VideoRefresh(observedAt: now, post: answer)
    }

    static func simulatedFailure(_ username: String) throws {
        if username.hasPrefix("gone_") { throw PlatformSourceError.gone }
        if username.hasPrefix("private_") { throw PlatformSourceError.private }
        if username.hasPrefix("ratelimited_") { throw PlatformSourceError.rateLimited(retryAfter: 60) }
        if username.hasPrefix("failing_") {
            throw PlatformSourceError.sourceFailing(
                "simulated by the sandbox (username starts with failing_)", retryAfter: 60)
        }
    }
}
