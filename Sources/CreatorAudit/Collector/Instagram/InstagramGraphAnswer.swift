// The Instagram Graph API's answers as the business-discovery source reads them: the profile with a page of
// media, paging cursors, the error object, and the usage headers (X-App-Usage, X-Business-Use-Case-Usage).
// Counts may be absent — a creator can hide like counts — and absent stays nil.
import Foundation

struct InstagramDiscoveryAnswer: Decodable {
    let businessDiscovery: InstagramProfileAnswer?

    enum CodingKeys: String, CodingKey {
        case businessDiscovery = "business_discovery"
    }
}

struct InstagramProfileAnswer: Decodable {
    let id: FlexibleID?
    let username: String?
    let name: String?
    let biography: String?
    let profilePictureURL: String?
    let website: String?
    let followersCount: FlexibleInt64?
    let followsCount: FlexibleInt64?
    let mediaCount: FlexibleInt64?
    let media: InstagramMediaPage?

    enum CodingKeys: String, CodingKey {
        case id, username, name, biography, website, media
        case profilePictureURL = "profile_picture_url"
        case followersCount = "followers_count"
        case followsCount = "follows_count"
        case mediaCount = "media_count"
    }
}

struct InstagramMediaPage: Decodable {
    let data: [InstagramMediaAnswer]
    let paging: Paging?

    struct Paging: Decodable {
        let cursors: Cursors?
        let next: String?
    }

    struct Cursors: Decodable {
        let after: String?
    }

    /// The cursor of the next page, when the Graph API says there is one (`paging.next`). The `next` URL itself
    /// is never followed: the Graph API puts the access token in its query string.
    var nextCursor: String? {
        guard paging?.next != nil, let after = paging?.cursors?.after, !after.isEmpty else { return nil }
        return after
    }
}

struct InstagramMediaAnswer: Decodable {
    let id: FlexibleID
    let caption: String?
    let commentsCount: FlexibleInt64?
    let likeCount: FlexibleInt64?
    let mediaType: String?
    let mediaProductType: String?
    let permalink: String?
    let timestamp: String?
    let thumbnailURL: String?

    enum CodingKeys: String, CodingKey {
        case id, caption, permalink, timestamp
        case commentsCount = "comments_count"
        case likeCount = "like_count"
        case mediaType = "media_type"
        case mediaProductType = "media_product_type"
        case thumbnailURL = "thumbnail_url"
    }

    /// `https://www.instagram.com/p/SHORTCODE/` (or `/reel/`, `/tv/`) → `SHORTCODE`.
    var shortcode: String? {
        guard let permalink, let components = URLComponents(string: permalink) else { return nil }
        let parts = components.path.split(separator: "/")
        guard let index = parts.firstIndex(where: { ["p", "reel", "reels", "tv"].contains($0) }),
            index + 1 < parts.count
        else { return nil }
        return String(parts[index + 1])
    }

    func post(username: String) -> PlatformPost {
        let shortcode = self.shortcode
        return PlatformPost(
            platform: .instagram, externalID: id.value, shortcode: shortcode,
            url: permalink ?? "https://www.instagram.com/p/\(shortcode ?? id.value)/", accountUsername: username,
            createTime: timestamp.flatMap(PlatformJSON.parseTimestamp), caption: caption, mediaType: mediaType,
            coverImageURL: thumbnailURL,
            // Business discovery reports likes and comments of other accounts' media, nothing else: views,
            // plays, shares and saves stay unknown (docs/collection.md).
            counters: Counters(likes: likeCount?.value, comments: commentsCount?.value))
    }
}

/// `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`
struct InstagramErrorAnswer: Decodable {
    let error: Body

    struct Body: Decodable {
        let message: String?
        let type: String?
        let code: Int?
        let errorSubcode: Int?
        let fbtraceID: String?

        enum CodingKeys: String, CodingKey {
            case message, type, code
            case errorSubcode = "error_subcode"
            case fbtraceID = "fbtrace_id"
        }
    }
}

/// What the usage headers say: the highest percentage reported, and when throttled, when access returns.
struct InstagramUsage: Equatable {
    var percent: Double
    var regainAccessSeconds: Double?

    /// Nil when neither header is present (or readable).
    static func from(appUsage: String?, businessUseCaseUsage: String?) -> InstagramUsage? {
        var percent: Double?
        var regainMinutes: Double?
        func consider(_ object: [String: Any]) {
            for key in ["call_count", "total_cputime", "total_time"] {
                if let value = number(object[key]) { percent = max(percent ?? 0, value) }
            }
            if let minutes = number(object["estimated_time_to_regain_access"]), minutes > 0 {
                regainMinutes = max(regainMinutes ?? 0, minutes)
            }
        }
        if let appUsage, let object = json(appUsage) as? [String: Any] { consider(object) }
        if let businessUseCaseUsage, let object = json(businessUseCaseUsage) as? [String: Any] {
            for case let entries as [Any] in object.values {
                for case let entry as [String: Any] in entries { consider(entry) }
            }
        }
        guard let percent else {
            return regainMinutes.map { InstagramUsage(percent: 100, regainAccessSeconds: $0 * 60) }
        }
        return InstagramUsage(percent: percent, regainAccessSeconds: regainMinutes.map { $0 * 60 })
    }

    private static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    private static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let text as String: return Double(text)
        default: return nil
        }
    }
}
