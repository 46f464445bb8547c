// The records of an import file (README, "The creatoraudit command"), checked field by field. NDJSON and CSV lines become the same
// `ImportRecord`, so both formats obey one set of rules and store the same data.
import Foundation

/// `line N: field F: reason` — the one line `creatoraudit import` prints for a bad file.
struct ImportError: Error, CustomStringConvertible, Equatable {
    let line: Int
    let field: String?
    let reason: String

    var description: String {
        if let field { return "line \(line): field \(field): \(reason)" }
        return "line \(line): \(reason)"
    }
}

enum ImportRecord: Equatable {
    case account(platform: Platform, username: String, name: String?, category: String?, isVerified: Bool?)
    case video(
        platform: Platform, identifier: VideoIdentifier, account: String?, createTime: Timestamp?, description: String?,
        mediaType: String?, url: String?)
    case accountSnapshot(
        platform: Platform, username: String, observedAt: Timestamp, followers: Int64?, following: Int64?, posts: Int64?)
    case videoSnapshot(platform: Platform, externalID: String, observedAt: Timestamp, counters: Counters)

    static let accountCounters = ["follower_count", "following_count", "profile_post_count"]
    static let videoCounters = ["view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count"]

    /// Checks one line. `now` decides what "in the future" means.
    static func parse(_ line: ImportLine, now: Timestamp) throws -> ImportRecord {
        let fields = FieldReader(line: line)
        let kind = try fields.requiredText("kind")
        switch kind {
        case "account":
            return .account(
                platform: try fields.platform(), username: try fields.username("username", required: true)!,
                name: try fields.text("name", maximum: 255), category: try fields.text("category", maximum: 100),
                isVerified: try fields.bool("is_verified"))
        case "video":
            let platform = try fields.platform()
            let externalID = try fields.requiredText("external_id")
            guard let identifier = VideoIdentifier.parse(externalID, platform: platform) else {
                throw ImportError(line: line.number, field: "external_id", reason: "is not a \(platform.rawValue) video id")
            }
            let url = try fields.text("url", maximum: 2048)
            if let url {
                guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
                      components.host?.isEmpty == false
                else { throw ImportError(line: line.number, field: "url", reason: "must be an http(s) URL") }
            }
            return .video(
                platform: platform, identifier: identifier, account: try fields.username("account", required: false),
                createTime: try fields.time("create_time"),
                description: try fields.text("description", maximum: 10_000, multiLine: true),
                mediaType: try fields.text("media_type", maximum: 50), url: url)
        case "snapshot":
            let platform = try fields.platform()
            let observedAt = try fields.requiredTime("observed_at")
            guard observedAt.seconds <= now.seconds + 300 else {
                throw ImportError(line: line.number, field: "observed_at", reason: "is more than 5 minutes in the future")
            }
            let hasAccount = line.fields["account"] != nil, hasVideo = line.fields["video"] != nil
            if hasAccount && hasVideo {
                throw ImportError(line: line.number, field: "video", reason: "a snapshot is of an account or of a video, not both")
            }
            if hasAccount {
                if let stray = videoCounters.first(where: { line.fields[$0] != nil }) {
                    throw ImportError(line: line.number, field: stray, reason: "is a video counter; this is an account snapshot")
                }
                let counters = try accountCounters.map { try fields.counter($0) }
                guard counters.contains(where: { $0 != nil }) else {
                    throw ImportError(line: line.number, field: "follower_count", reason: "the snapshot has no counters")
                }
                return .accountSnapshot(
                    platform: platform, username: try fields.username("account", required: true)!, observedAt: observedAt,
                    followers: counters[0], following: counters[1], posts: counters[2])
            }
            guard hasVideo else {
                throw ImportError(line: line.number, field: "account", reason: "a snapshot needs account (a username) or video (an external id)")
            }
            if let stray = accountCounters.first(where: { line.fields[$0] != nil }) {
                throw ImportError(line: line.number, field: stray, reason: "is an account counter; this is a video snapshot")
            }
            let values = try videoCounters.map { try fields.counter($0) }
            guard values.contains(where: { $0 != nil }) else {
                throw ImportError(line: line.number, field: "view_count", reason: "the snapshot has no counters")
            }
            let externalID = try fields.requiredText("video")
            guard let identifier = VideoIdentifier.parse(externalID, platform: platform) else {
                throw ImportError(line: line.number, field: "video", reason: "is not a \(platform.rawValue) video id")
            }
            return .videoSnapshot(
                platform: platform, externalID: identifier.externalID, observedAt: observedAt,
                counters: Counters(
                    views: values[0], plays: values[1], likes: values[2], comments: values[3],
                    shares: values[4], saves: values[5]))
        default:
            throw ImportError(line: line.number, field: "kind", reason: "must be account, video or snapshot")
        }
    }
}

/// Typed reads of one line's fields, each failing with the line, the field and the reason.
private struct FieldReader {
    let line: ImportLine

    func fail(_ field: String, _ reason: String) -> ImportError { ImportError(line: line.number, field: field, reason: reason) }

    /// Text; single-line unless `multiLine` (then tab and line breaks are allowed). A NUL or another control
    /// character is refused here rather than by the database (PostgreSQL refuses NUL; SQLite cuts the text at it).
    func text(_ field: String, maximum: Int, multiLine: Bool = false) throws -> String? {
        switch line.fields[field] {
        case nil: return nil
        case .string(let text), .text(let text), .number(let text):
            guard !text.isEmpty else { return nil }
            guard !ControlCharacters.forbidden(in: text, multiLine: multiLine) else {
                throw fail(field, ControlCharacters.message)
            }
            guard text.count <= maximum else { throw fail(field, "is longer than \(maximum) characters") }
            return text
        case .bool, .nested: throw fail(field, "must be a string")
        }
    }

    func requiredText(_ field: String) throws -> String {
        guard let text = try text(field, maximum: 2048) else { throw fail(field, "is required") }
        return text
    }

    func platform() throws -> Platform {
        let text = try requiredText("platform")
        guard let platform = Platform(rawValue: text.lowercased()) else { throw fail("platform", "must be instagram or tiktok") }
        return platform
    }

    /// Usernames as the API takes them: a leading `@` dropped, case folded, letters, digits, `.` and `_`.
    func username(_ field: String, required: Bool) throws -> String? {
        guard let text = try text(field, maximum: 200) else {
            if required { throw fail(field, "is required") }
            return nil
        }
        guard let username = Username.normalize(text) else {
            throw fail(field, "must be 1 to 100 letters, digits, dots or underscores")
        }
        return username
    }

    func bool(_ field: String) throws -> Bool? {
        switch line.fields[field] {
        case nil: return nil
        case .bool(let value): return value
        case .text(let text) where text.lowercased() == "true": return true
        case .text(let text) where text.lowercased() == "false": return false
        default: throw fail(field, "must be true or false")
        }
    }

    /// A non-negative integer (absent = unknown).
    func counter(_ field: String) throws -> Int64? {
        let text: String
        switch line.fields[field] {
        case nil: return nil
        case .number(let value), .text(let value): text = value
        default: throw fail(field, "must be a non-negative integer")
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw fail(field, "must be a non-negative integer")
        }
        guard let value = Int64(text) else { throw fail(field, "is too large") }
        return value
    }

    func time(_ field: String) throws -> Timestamp? {
        guard let text = try text(field, maximum: 64) else { return nil }
        guard let time = ISO8601Time.parse(text) else {
            throw fail(field, "must be an ISO 8601 time with a zone, like 2026-06-14T09:30:00Z")
        }
        return time
    }

    func requiredTime(_ field: String) throws -> Timestamp {
        guard let time = try time(field) else { throw fail(field, "is required") }
        return time
    }
}

/// `2026-06-14T09:30:00Z`, `2026-06-14T09:30:00.250+02:00`, `…+0200` → whole seconds (fractions dropped).
enum ISO8601Time {
    static func parse(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? { UTCDay.digits(b, from, count) }
        guard let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2), b[7] == UInt8(ascii: "-"),
              let day = number(8, 2), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
              let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(17, 2),
              (1...12).contains(month), (1...UTCDay.daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") || b[index] == UInt8(ascii: ",") {
            index += 1
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "+") ? 1 : -1
            guard let hours = number(index + 1, 2), hours < 24 else { return nil }
            var minutes = 0
            if index + 3 == b.count {
                minutes = 0
            } else if index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"), let value = number(index + 4, 2) {
                minutes = value
            } else if index + 5 == b.count, let value = number(index + 3, 2) {
                minutes = value
            } else {
                return nil
            }
            guard minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        default:
            return nil
        }
        let days = UTCDay.fromCivil(year: year, month: month, day: day)
        return Timestamp(seconds: UTCDay.start(days).seconds + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset))
    }
}
