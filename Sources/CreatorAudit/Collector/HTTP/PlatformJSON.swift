// Reading platform answers: numbers that may arrive as JSON numbers or as strings (Graph API ids are strings,
// TikTok's are 64-bit numbers beyond a Double's precision), platform timestamps, and percent-encoding of
// query values. One place, so both sources read the same way.
import Foundation

/// An integer sent as a JSON number or as a string of digits.
struct FlexibleInt64: Decodable, Sendable, Equatable {
    let value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else if let double = try? container.decode(Double.self), double.isFinite, double.rounded() == double,
            abs(double) < 9.0e15
        {
            value = Int64(double)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer")
        }
    }
}

/// An identifier sent as a JSON string or number, kept as the exact digits (never through a Double).
struct FlexibleID: Decodable, Sendable, Equatable {
    let value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(UInt64.self) {
            value = String(number)
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an identifier")
        }
    }
}

enum PlatformJSON {
    /// Decodes a platform answer; nil when the body is not (complete) JSON of that shape.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(body))
    }

    /// `2024-05-01T12:34:56+0000`, `…Z` or `…+02:00` (the Graph API's format and ISO 8601's).
    static func parseTimestamp(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 48, bytes[index] <= 57 else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10), bytes[10] == 84 || bytes[10] == 32, let hour = number(11..<13), bytes[13] == 58,
            let minute = number(14..<16), bytes[16] == 58, let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == 46 {  // fractions are dropped
            index += 1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90: offset = 0  // Z
            case 43, 45:  // + or -
                let digits = bytes[(index + 1)...].filter { $0 != 58 }
                guard digits.count == 4, let hours = Int(String(decoding: digits.prefix(2), as: UTF8.self)),
                    let minutes = Int(String(decoding: digits.suffix(2), as: UTF8.self))
                else { return nil }
                offset = (hours * 3_600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
            default: return nil
            }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Timestamp(seconds: Int64(timegm(&parts)) - Int64(offset))
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, for a query value or a form field.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(UnicodeScalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(hex[Int(byte & 15)]))
            }
        }
        return out
    }

    /// A message from a platform, short and on one line, with `secrets` removed (platforms sometimes echo
    /// what they were sent).
    static func sanitize(_ message: String, removing secrets: [String] = []) -> String {
        var text = message
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        text = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return text.count > 160 ? String(text.prefix(157)) + "…" : text
    }
}
