// What the doubles know about accounts and posts: scripted ones that a test puts in, and a generated
// population (`creator00001`, `creator00002`, …) for benchmarks and for trying a configuration by hand.
import Foundation

/// An Instagram business or creator account, as business discovery describes it.
public struct InstagramAccountDouble: Sendable {
    public var username: String
    public var id: String
    public var name: String?
    public var biography: String?
    public var profilePictureURL: String?
    public var website: String?
    public var followersCount: Int64
    public var followsCount: Int64
    /// Posts in total, including older ones not in `media`; nil = `media.count`.
    public var mediaCount: Int64?
    /// False: a personal account, which business discovery cannot see (error 110 / 2207013).
    public var isBusiness: Bool
    /// The owner hid like counts: `like_count` is left out of the answer.
    public var hidesLikeCounts: Bool
    /// Newest first.
    public var media: [InstagramMediaDouble]

    public init(
        username: String, id: String? = nil, name: String? = nil, biography: String? = nil,
        profilePictureURL: String? = nil,
        website: String? = nil, followersCount: Int64 = 1_000, followsCount: Int64 = 100, mediaCount: Int64? = nil,
        isBusiness: Bool = true, hidesLikeCounts: Bool = false, media: [InstagramMediaDouble] = []
    ) {
        self.username = username
        self.id = id ?? "1784140" + String(format: "%010d", Int(DoubleRandom.seed(username) % 10_000_000_000))
        self.name = name
        self.biography = biography
        self.profilePictureURL = profilePictureURL
        self.website = website
        self.followersCount = followersCount
        self.followsCount = followsCount
        self.mediaCount = mediaCount
        self.isBusiness = isBusiness
        self.hidesLikeCounts = hidesLikeCounts
        self.media = media.sorted { $0.timestamp > $1.timestamp }
    }
}

public struct InstagramMediaDouble: Sendable {
    public var id: String
    public var shortcode: String
    public var caption: String?
    public var commentsCount: Int64
    public var likeCount: Int64
    /// `IMAGE`, `VIDEO`, `CAROUSEL_ALBUM`.
    public var mediaType: String
    /// `FEED`, `REELS`.
    public var mediaProductType: String
    /// Unix seconds.
    public var timestamp: Double
    public var thumbnailURL: String?

    public init(
        id: String, shortcode: String? = nil, caption: String? = nil, commentsCount: Int64 = 0, likeCount: Int64 = 0,
        mediaType: String = "VIDEO", mediaProductType: String = "REELS", timestamp: Double, thumbnailURL: String? = nil
    ) {
        self.id = id
        self.shortcode = shortcode ?? DoubleRandom.shortcode(for: id)
        self.caption = caption
        self.commentsCount = commentsCount
        self.likeCount = likeCount
        self.mediaType = mediaType
        self.mediaProductType = mediaProductType
        self.timestamp = timestamp
        self.thumbnailURL = thumbnailURL
    }

    public var permalink: String {
        "https://www.instagram.com/\(mediaProductType == "REELS" ? "reel" : "p")/\(shortcode)/"
    }
}

/// A TikTok account as the Research API's user info describes it.
public struct TikTokUserDouble: Sendable {
    public var username: String
    public var displayName: String?
    public var bioDescription: String?
    public var avatarURL: String?
    public var isVerified: Bool
    public var followerCount: Int64
    public var followingCount: Int64
    public var likesCount: Int64
    /// Videos in total; nil = `videos.count`.
    public var videoCount: Int64?
    /// A private account: user info answers invalid_params and its videos are not returned.
    public var isPrivate: Bool
    public var videos: [TikTokVideoDouble]

    public init(
        username: String, displayName: String? = nil, bioDescription: String? = nil, avatarURL: String? = nil,
        isVerified: Bool = false, followerCount: Int64 = 1_000, followingCount: Int64 = 100, likesCount: Int64 = 5_000,
        videoCount: Int64? = nil, isPrivate: Bool = false, videos: [TikTokVideoDouble] = []
    ) {
        self.username = username
        self.displayName = displayName
        self.bioDescription = bioDescription
        self.avatarURL = avatarURL
        self.isVerified = isVerified
        self.followerCount = followerCount
        self.followingCount = followingCount
        self.likesCount = likesCount
        self.videoCount = videoCount
        self.isPrivate = isPrivate
        self.videos = videos
    }
}

public struct TikTokVideoDouble: Sendable {
    /// Upper 32 bits: the creation time, as TikTok's ids carry it.
    public var id: UInt64
    public var createTime: Int64
    public var videoDescription: String?
    public var viewCount: Int64
    public var likeCount: Int64
    public var commentCount: Int64
    public var shareCount: Int64
    public var videoDuration: Int

    public init(
        createTime: Int64, id: UInt64? = nil, videoDescription: String? = nil, viewCount: Int64 = 0,
        likeCount: Int64 = 0,
        commentCount: Int64 = 0, shareCount: Int64 = 0, videoDuration: Int = 15
    ) {
        self.createTime = createTime
        self.id =
            id ?? (UInt64(max(0, createTime)) << 32 | (DoubleRandom.mix(UInt64(bitPattern: createTime)) & 0xFFFF_FFFF))
        self.videoDescription = videoDescription
        self.viewCount = viewCount
        self.likeCount = likeCount
        self.commentCount = commentCount
        self.shareCount = shareCount
        self.videoDuration = videoDuration
    }
}

/// The generated population: `creator00001` … `creatorNNNNN` on both platforms, each with `posts` posts spread
/// over the month before `anchor`, counters growing slowly with time.
struct GeneratedPopulation: Sendable {
    let accounts: Int
    let posts: Int
    let anchor: Double

    static let prefix = "creator"

    func index(of username: String) -> Int? {
        guard username.hasPrefix(Self.prefix), let number = Int(username.dropFirst(Self.prefix.count)),
            username.count == Self.prefix.count + 5, (1...accounts).contains(number)
        else { return nil }
        return number
    }

    /// A post every 0.9 days, the newest half a day before the anchor: 30 posts fit a 30-day look-back.
    private func postTime(_ post: Int) -> Double { anchor - 43_200 - Double(post) * 77_760 }

    func instagram(_ username: String, now: Double) -> InstagramAccountDouble? {
        guard let index = index(of: username) else { return nil }
        let seed = DoubleRandom.seed("instagram/" + username)
        let media = (0..<posts).map { post -> InstagramMediaDouble in
            let time = postTime(post)
            let age = max(0, now - time) / 3_600
            let likes = Int64(Double(seed % 500 + 50) * (1 + age / 24))
            return InstagramMediaDouble(
                id: String(17_900_000_000_000_000 + UInt64(index) * 1_000 + UInt64(post)),
                caption: "Post \(post + 1) of \(username) #double", commentsCount: likes / 20, likeCount: likes,
                mediaType: post % 3 == 2 ? "IMAGE" : "VIDEO", mediaProductType: post % 3 == 2 ? "FEED" : "REELS",
                timestamp: time.rounded(.down),
                thumbnailURL: post % 3 == 2 ? nil : "https://doubles.invalid/thumb/\(index)/\(post).jpg")
        }
        return InstagramAccountDouble(
            username: username, name: "Creator \(index)", biography: "Generated by platform-doubles",
            profilePictureURL: "https://doubles.invalid/pic/\(index).jpg", website: "https://example.com/\(username)",
            followersCount: Int64(seed % 900_000) + 1_000 + Int64(max(0, now - anchor) / 60),
            followsCount: Int64(seed % 900) + 50,
            mediaCount: Int64(posts + Int(seed % 200)), media: media)
    }

    func tiktok(_ username: String, now: Double) -> TikTokUserDouble? {
        guard let index = index(of: username) else { return nil }
        let seed = DoubleRandom.seed("tiktok/" + username)
        let videos = (0..<posts).map { post -> TikTokVideoDouble in
            let time = Int64(postTime(post).rounded(.down))
            let age = max(0, now - Double(time)) / 3_600
            let views = Int64(Double(seed % 5_000 + 500) * (1 + age / 12))
            return TikTokVideoDouble(
                createTime: time, id: UInt64(time) << 32 | UInt64(index * 1_000 + post),
                videoDescription: "Video \(post + 1) of \(username) #double", viewCount: views, likeCount: views / 10,
                commentCount: views / 200, shareCount: views / 150, videoDuration: 10 + post % 50)
        }
        return TikTokUserDouble(
            username: username, displayName: "Creator \(index)", bioDescription: "Generated by platform-doubles",
            avatarURL: "https://doubles.invalid/avatar/\(index).jpg", isVerified: index % 10 == 0,
            followerCount: Int64(seed % 900_000) + 1_000 + Int64(max(0, now - anchor) / 60),
            followingCount: Int64(seed % 900) + 50,
            likesCount: Int64(seed % 9_000_000), videoCount: Int64(posts + Int(seed % 200)), videos: videos)
    }
}

/// Stable pseudo-randomness (FNV-1a + SplitMix64): the same username gives the same account everywhere.
enum DoubleRandom {
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return mix(hash)
    }

    /// An 11-character shortcode in Instagram's alphabet.
    static func shortcode(for id: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var value = seed(id)
        var out = ""
        for _ in 0..<11 {
            out.append(alphabet[Int(value & 63)])
            value >>= 6
        }
        return out
    }
}
