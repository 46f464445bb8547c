// The sandbox's models of an account and of a video. Everything derives from a seed (platform + username, or
// platform + external id) and the instant asked about, so any question has one answer, on any machine.
//
// Accounts: followers grow along an exponential trend with daily noise and rare bursts (every daily increment
// is ≥ 0, so the level never falls); a post every few days. Videos: views approach a final total along two
// exponentials — most within the first days, then a long tail — and likes, comments, shares and saves are
// fixed fractions of views. Every counter is therefore non-decreasing in time.
//
// A post's external id encodes its publication time and the size of its audience, the way real ids do
// (TikTok: seconds in the top 32 bits; Instagram: milliseconds since 2011-08-24 shifted by 23), so
// "refresh this video" by id alone agrees with what the account refresh said about the same post.
import Foundation

/// One sandbox account's parameters.
struct SandboxAccountModel: Sendable {
    let platform: Platform
    let username: String
    let seed: UInt64
    /// The day the account started posting (days since 1970-01-01).
    let startDay: Int
    let initialFollowers: Double
    /// Relative daily growth of the follower trend.
    let growthRate: Double
    let initialFollowing: Double
    let followingPerDay: Double
    /// Posts published before `startDay`.
    let olderPosts: Int
    /// Expected views of a post per follower.
    let reach: Double
    /// Gap between posts, in days.
    let gap: ClosedRange<Double>
    /// The second of the UTC day at which the sandbox's daily refresh of this account happens.
    let refreshSecond: Int

    /// 2022-01-01: sandbox accounts start posting within the following 18 months.
    static let firstStartDay = 18_993

    init(platform: Platform, username: String) {
        self.platform = platform
        self.username = username
        seed = SandboxRandom.seed(platform.rawValue + ":" + username)
        var random = SandboxRandom(seed: seed, salt: 0)
        startDay = Self.firstStartDay + Int(random.next() % 540)
        initialFollowers = random.logUniform(800...150_000)
        growthRate = random.uniform(0.0004...0.0022)
        initialFollowing = random.uniform(40...1_200)
        followingPerDay = random.uniform(0.02...0.6)
        olderPosts = Int(random.next() % 250)
        switch platform {
        case .instagram:
            reach = random.logUniform(0.08...0.6)
            gap = 2.0...6.5
        case .tiktok:
            reach = random.logUniform(0.25...3.0)
            gap = 1.5...5.5
        }
        refreshSecond = 3 * 3600 + Int(random.next() % UInt64(14 * 3600))
    }

    /// The follower trend's increment on `day`, with noise (0.3–1.7×) and, on 2 % of days, a burst (3–8×).
    func followerIncrement(day: Int) -> Double {
        let elapsed = Double(day - startDay)
        guard elapsed >= 0 else { return 0 }
        var random = SandboxRandom(seed: seed, salt: 0x1000_0000 &+ UInt64(day))
        var factor = random.uniform(0.3...1.7)
        if random.unit() < 0.02 { factor *= random.uniform(3...8) }
        return initialFollowers * growthRate * exp(growthRate * elapsed) * factor
    }

    /// Followers at 00:00 UTC of every day from `startDay` through `lastDay + 1`, computed once.
    func followerCurve(through lastDay: Int) -> FollowerCurve {
        var levels: [Double] = [initialFollowers]
        if lastDay >= startDay {
            levels.reserveCapacity(lastDay - startDay + 2)
            var level = initialFollowers
            for day in startDay...lastDay {
                level += followerIncrement(day: day)
                levels.append(level)
            }
        }
        return FollowerCurve(startDay: startDay, levels: levels)
    }

    func following(at time: Timestamp) -> Int64 {
        let elapsed = max(0, Double(time.seconds) / 86_400 - Double(startDay))
        return Int64(initialFollowing + followingPerDay * elapsed)
    }

    /// Publication times of every post up to and including `time`, oldest first.
    func postTimes(through time: Timestamp) -> [Timestamp] {
        var times: [Timestamp] = []
        var random = SandboxRandom(seed: seed, salt: 0x2000_0000)
        var next = Int64(startDay) * 86_400 + Int64(random.next() % 86_400)
        var index: UInt64 = 0
        while next <= time.seconds {
            times.append(Timestamp(seconds: next))
            var step = SandboxRandom(seed: seed, salt: 0x3000_0000 &+ index)
            next += Int64(step.uniform(gap) * 86_400)
            index += 1
        }
        return times
    }

    /// The external id of the post published at `time` (its `index` among the account's posts).
    func externalID(index: Int, publishedAt time: Timestamp, followers: Double) -> String {
        var random = SandboxRandom(seed: seed, salt: 0x4000_0000 &+ UInt64(index))
        let expectedViews = max(16, followers * reach * random.logUniform(0.5...2))
        let exponent = UInt64(min(40, max(4, log2(expectedViews).rounded())))
        return SandboxIDs.make(platform: platform, publishedAt: time, exponent: exponent, noise: random.next())
    }
}

/// Followers by day for one account, from `SandboxAccountModel.followerCurve`.
struct FollowerCurve: Sendable {
    let startDay: Int
    /// `levels[i]` = followers at 00:00 UTC of day `startDay + i`.
    let levels: [Double]

    /// Followers at `time`: the day's start level plus the day's increment pro rata (so the count moves within a day).
    func followers(at time: Timestamp) -> Int64 {
        let day = UTCDay.of(time)
        let index = day - startDay
        guard index >= 0 else { return Int64(levels[0]) }
        guard index + 1 < levels.count else { return Int64(levels[levels.count - 1]) }
        let fraction = Double(time.seconds - Int64(day) * 86_400) / 86_400
        return Int64(levels[index] + fraction * (levels[index + 1] - levels[index]))
    }
}

/// Sandbox external ids: publication time and audience size inside, like the platforms' own ids.
enum SandboxIDs {
    /// Instagram media ids count milliseconds from this instant (2011-08-24T21:07:01.721Z).
    static let instagramEpochMilliseconds: UInt64 = 1_314_220_021_721
    static let shortcodeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    static let plausibleSeconds: ClosedRange<UInt64> = 1_400_000_000...4_000_000_000

    static func make(platform: Platform, publishedAt time: Timestamp, exponent: UInt64, noise: UInt64) -> String {
        switch platform {
        case .tiktok:
            return String(UInt64(time.seconds) << 32 | exponent << 26 | (noise & 0x3FF_FFFF))
        case .instagram:
            let milliseconds = UInt64(time.seconds) * 1_000 + noise % 1_000 - instagramEpochMilliseconds
            return String(milliseconds << 23 | exponent << 17 | ((noise >> 10) & 0x1_FFFF))
        }
    }

    /// The numeric media id for an Instagram shortcode the sandbox could have made; anything else unchanged.
    static func canonical(platform: Platform, externalID: String) -> String {
        guard platform == .instagram, UInt64(externalID) == nil, let id = mediaID(shortcode: externalID),
              decode(platform: platform, externalID: String(id)) != nil
        else { return externalID }
        return String(id)
    }

    /// Publication time and audience exponent, when the id is one the sandbox could have made.
    static func decode(platform: Platform, externalID: String) -> (publishedAt: Timestamp, exponent: UInt64)? {
        guard let id = UInt64(externalID) ?? (platform == .instagram ? mediaID(shortcode: externalID) : nil) else { return nil }
        let seconds: UInt64
        let exponent: UInt64
        switch platform {
        case .tiktok:
            seconds = id >> 32
            exponent = (id >> 26) & 63
        case .instagram:
            seconds = ((id >> 23) + instagramEpochMilliseconds) / 1_000
            exponent = (id >> 17) & 63
        }
        guard plausibleSeconds.contains(seconds), (4...40).contains(exponent) else { return nil }
        return (Timestamp(seconds: Int64(seconds)), exponent)
    }

    /// Instagram's shortcode: the media id in base 64 (`A–Z a–z 0–9 - _`).
    static func shortcode(mediaID: String) -> String? {
        guard var id = UInt64(mediaID) else { return nil }
        var characters: [Character] = []
        repeat {
            characters.append(shortcodeAlphabet[Int(id & 63)])
            id >>= 6
        } while id > 0
        return String(characters.reversed())
    }

    static func mediaID(shortcode: String) -> UInt64? {
        guard (1...11).contains(shortcode.count) else { return nil }
        var id: UInt64 = 0
        for character in shortcode {
            guard let digit = shortcodeAlphabet.firstIndex(of: character) else { return nil }
            id = id << 6 | UInt64(digit)
        }
        return id
    }
}

/// One sandbox video's parameters, from its platform and external id alone.
struct SandboxVideoModel: Sendable {
    let platform: Platform
    let externalID: String
    let publishedAt: Timestamp
    let finalViews: Double
    let fastShare: Double
    let fastDays: Double
    let slowDays: Double
    let likeRate: Double
    let commentRate: Double
    let shareRate: Double
    let saveRate: Double
    /// Instagram plays per view (replays count); nil where the platform reports no plays.
    let playsPerView: Double?
    let mediaType: String
    let duration: Double?
    let caption: String

    /// Ids the sandbox did not make get a publication time in 2024 chosen by their seed.
    static let unknownPublicationBase: Int64 = 1_704_067_200

    init(platform: Platform, externalID: String) {
        self.platform = platform
        // An Instagram shortcode is its media id in base 64: the same post, so the same seed.
        let canonical = SandboxIDs.canonical(platform: platform, externalID: externalID)
        self.externalID = canonical
        let seed = SandboxRandom.seed(platform.rawValue + "#" + canonical)
        var random = SandboxRandom(seed: seed, salt: 0)
        let exponent: UInt64
        if let decoded = SandboxIDs.decode(platform: platform, externalID: canonical) {
            publishedAt = decoded.publishedAt
            exponent = decoded.exponent
        } else {
            publishedAt = Timestamp(seconds: Self.unknownPublicationBase + Int64(random.next() % (365 * 86_400)))
            exponent = 10 + random.next() % 8
        }
        var views = pow(2, Double(exponent)) * exp(0.7 * random.normal())
        if random.unit() < 0.03 { views *= random.uniform(5...20) }  // it went viral
        finalViews = views
        fastShare = random.uniform(0.6...0.9)
        fastDays = random.uniform(0.8...3)
        slowDays = random.uniform(30...150)
        commentRate = random.uniform(0.001...0.006)
        switch platform {
        case .instagram:
            likeRate = random.uniform(0.03...0.10)
            shareRate = random.uniform(0.0005...0.004)
            saveRate = random.uniform(0.002...0.015)
            let kind = random.unit()
            if kind < 0.6 {
                mediaType = "VIDEO"
                playsPerView = random.uniform(1.05...1.4)
                duration = (random.uniform(6...90) * 10).rounded() / 10
            } else {
                mediaType = kind < 0.85 ? "IMAGE" : "CAROUSEL_ALBUM"
                playsPerView = nil
                duration = nil
            }
        case .tiktok:
            likeRate = random.uniform(0.04...0.12)
            shareRate = random.uniform(0.002...0.012)
            saveRate = 0
            mediaType = "video"
            playsPerView = nil
            duration = (random.uniform(7...180) * 10).rounded() / 10
        }
        caption = SandboxText.caption(&random)
    }

    /// The share of the final views reached `days` after publication.
    func reached(_ days: Double) -> Double {
        guard days > 0 else { return 0 }
        return fastShare * (1 - exp(-days / fastDays)) + (1 - fastShare) * (1 - exp(-days / slowDays))
    }

    /// Cumulative counters at `time` (0 before publication; nil for what the platform does not report).
    func counters(at time: Timestamp) -> Counters {
        let views = (finalViews * reached(Double(time.seconds - publishedAt.seconds) / 86_400)).rounded(.down)
        func share(_ rate: Double) -> Int64 { Int64((views * rate).rounded(.down)) }
        switch platform {
        case .tiktok:
            return Counters(
                views: Int64(views), plays: Int64(views), likes: share(likeRate),
                comments: share(commentRate), shares: share(shareRate), saves: nil)
        case .instagram:
            return Counters(
                views: Int64(views), plays: playsPerView.map(share), likes: share(likeRate),
                comments: share(commentRate), shares: share(shareRate), saves: share(saveRate))
        }
    }
}

/// Words for names, bios and captions.
enum SandboxText {
    static let openers = ["Trying", "Day 12 of", "Honest review:", "POV:", "The secret to", "Behind the scenes:",
                          "3 tips for", "Quick", "Weekend", "My take on", "Testing", "Back with"]
    static let subjects = ["morning routine", "street food", "leg day", "budget travel", "studio session", "thrift haul",
                           "ramen from scratch", "sunset run", "desk setup", "coffee art", "new drop", "city walk"]
    static let tags = ["#fyp", "#foodie", "#fitness", "#travel", "#music", "#style", "#diy", "#vlog", "#recipe",
                       "#motivation", "#explore", "#behindthescenes"]
    static let bios = ["Sharing what I make and eat.", "Coach. Runner. Early riser.", "Small studio, big ideas.",
                       "Daily recipes in under 10 minutes.", "Street style from everywhere.", "Making things, mostly."]

    static func caption(_ random: inout SandboxRandom) -> String {
        "\(random.pick(openers)) \(random.pick(subjects)) \(random.pick(tags)) \(random.pick(tags))"
    }

    /// `maya.chen_eats` → `Maya Chen Eats`
    static func displayName(_ username: String) -> String {
        username.split(whereSeparator: { $0 == "." || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
    }
}
