// Time as whole Unix seconds: what the database stores and what the API prints (ISO 8601, UTC, no fractions).
import Foundation

public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }
    public init(_ date: Date) { self.seconds = Int64(date.timeIntervalSince1970.rounded(.down)) }
    public static var now: Timestamp { Timestamp(Date()) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }
    /// Truncated to the minute (SPEC: `last_used_at` is kept to the minute).
    public var minute: Timestamp { Timestamp(seconds: seconds - ((seconds % 60) + 60) % 60) }

    /// `2026-06-14T09:30:00Z`
    public var iso8601: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `2026-06-14` (the UTC day)
    public var day: String { String(iso8601.prefix(10)) }

    public var description: String { iso8601 }
}
