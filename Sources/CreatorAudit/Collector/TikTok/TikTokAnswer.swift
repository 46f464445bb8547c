// The TikTok Research API's answers as the `tiktok` source reads them: the `{"data", "error"}` envelope,
// user info, a page of the video query, and the token endpoint's answer. Ids are 64-bit numbers (read as
// exact digits); counts that are absent stay nil.
import Foundation

/// `{"data": …, "error": {"code", "message", "log_id"}}`; `code` is `ok` on success.
struct TikTokEnvelope<Payload: Decodable>: Decodable {
    let data: Payload?
    let error: TikTokErrorBody?
}

struct TikTokErrorBody: Decodable {
    let code: String?
    let message: String?
    let logID: String?

    enum CodingKeys: String, CodingKey {
        case code, message
        case logID = "log_id"
    }
}

/// An error answer without caring about `data`.
struct TikTokErrorOnly: Decodable {
    let error: TikTokErrorBody?
}

struct TikTokUserAnswer: Decodable {
    let displayName: String?
    let bioDescription: String?
    let avatarURL: String?
    let isVerified: Bool?
    let followerCount: FlexibleInt64?
    let followingCount: FlexibleInt64?
    let likesCount: FlexibleInt64?
    let videoCount: FlexibleInt64?
    let bioURL: String?

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case bioDescription = "bio_description"
        case avatarURL = "avatar_url"
        case isVerified = "is_verified"
        case followerCount = "follower_count"
        case followingCount = "following_count"
        case likesCount = "likes_count"
        case videoCount = "video_count"
        case bioURL = "bio_url"
    }

    func profile(username: String) -> AccountProfile {
        AccountProfile(
            platform: .tiktok, username: username, name: displayName, description: bioDescription,
            profilePicURL: avatarURL, isVerified: isVerified ?? false, linkInBio: bioURL,
            followerCount: followerCount?.value, followingCount: followingCount?.value,
            profilePostCount: videoCount?.value)
    }
}

struct TikTokVideoPage: Decodable {
    let videos: [TikTokVideoAnswer]?
    let cursor: FlexibleInt64?
    let hasMore: Bool?
    let searchID: FlexibleID?

    enum CodingKeys: String, CodingKey {
        case videos, cursor
        case hasMore = "has_more"
        case searchID = "search_id"
    }
}

struct TikTokVideoAnswer: Decodable {
    let id: FlexibleID
    let username: String?
    let createTime: FlexibleInt64?
    let videoDescription: String?
    let viewCount: FlexibleInt64?
    let likeCount: FlexibleInt64?
    let commentCount: FlexibleInt64?
    let shareCount: FlexibleInt64?
    let videoDuration: Double?

    enum CodingKeys: String, CodingKey {
        case id, username
        case createTime = "create_time"
        case videoDescription = "video_description"
        case viewCount = "view_count"
        case likeCount = "like_count"
        case commentCount = "comment_count"
        case shareCount = "share_count"
        case videoDuration = "video_duration"
    }

    func post(username fallback: String?) -> PlatformPost {
        let owner = username ?? fallback
        return PlatformPost(
            platform: .tiktok, externalID: id.value,
            url: owner.map { "https://www.tiktok.com/@\($0)/video/\(id.value)" }
                ?? "https://www.tiktok.com/video/\(id.value)",
            accountUsername: owner, createTime: createTime.map { Timestamp(seconds: $0.value) },
            caption: videoDescription,
            mediaType: "video", duration: videoDuration,
            // TikTok counts plays as views; the Research API reports no saves (docs/collection.md).
            counters: Counters(
                views: viewCount?.value, plays: viewCount?.value, likes: likeCount?.value,
                comments: commentCount?.value, shares: shareCount?.value, saves: nil))
    }
}

/// `POST /v2/oauth/token/`: `{"access_token", "expires_in", "token_type"}`, or
/// `{"error", "error_description", "log_id"}`.
struct TikTokTokenAnswer: Decodable {
    let accessToken: String?
    let expiresIn: FlexibleInt64?
    let error: String?
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case error
        case errorDescription = "error_description"
    }
}

/// The video query's body.
struct TikTokVideoQuery: Encodable {
    struct Condition: Encodable {
        let operation: String
        let fieldName: String
        let fieldValues: [String]

        enum CodingKeys: String, CodingKey {
            case operation
            case fieldName = "field_name"
            case fieldValues = "field_values"
        }
    }

    struct Query: Encodable {
        let and: [Condition]
    }

    let query: Query
    let startDate: String
    let endDate: String
    let maxCount: Int
    let cursor: Int64?
    let searchID: String?

    enum CodingKeys: String, CodingKey {
        case query, cursor
        case startDate = "start_date"
        case endDate = "end_date"
        case maxCount = "max_count"
        case searchID = "search_id"
    }
}
