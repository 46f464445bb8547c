// Time as whole Unix seconds: what the database stores and what the API prints (ISO 8601, UTC, no fractions).
import Foundation

public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }
    public init(_ date: Date) { self.seconds = Int64(date.timeIntervalSince1970.rounded(.down)) }
    public static var now: Timestamp { Timestamp(Date()) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }
    /// Truncated to the minute (`last_used_at` is kept to the minute).
    public var minute: Timestamp { Timestamp(seconds: seconds - ((seconds % 60) + 60) % 60) }

    /// `2026-06-14T09:30:00Z`
    public var iso8601: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Without String(format:): this runs for every timestamp of every row of every list.
        var out = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var remaining = value
            for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                out[position] = UInt8(48 + remaining % 10)
                remaining /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        out[4] = 45
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        out[7] = 45
        put(Int(parts.tm_mday), at: 8, digits: 2)
        out[10] = 84
        put(Int(parts.tm_hour), at: 11, digits: 2)
        out[13] = 58
        put(Int(parts.tm_min), at: 14, digits: 2)
        out[16] = 58
        put(Int(parts.tm_sec), at: 17, digits: 2)
        out[19] = 90
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-06-14` (the UTC day)
    public var day: String { String(iso8601.prefix(10)) }

    public var description: String { iso8601 }
}
