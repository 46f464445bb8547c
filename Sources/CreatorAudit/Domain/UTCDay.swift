// Days since 1970-01-01 (UTC): the unit of every window, rollup and daily count (docs/metrics.md). The one place
// where seconds become days and dates become days.

public enum UTCDay {
    public static let seconds: Int64 = 86_400

    /// The day a time falls on (floor division, so times before 1970 land on the right day too).
    public static func of(_ time: Timestamp) -> Int { Int(floorDivide(time.seconds, seconds)) }
    public static var today: Int { of(.now) }
    /// The first second of `day`.
    public static func start(_ day: Int) -> Timestamp { Timestamp(seconds: Int64(day) * seconds) }
    /// `YYYY-MM-DD`
    public static func date(_ day: Int) -> String { start(day).day }

    /// `YYYY-MM-DD` → day number; nil when not a real date (2026-02-30) or not in that shape.
    public static func parse(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
              year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return fromCivil(year: year, month: month, day: day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func fromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// ⌊a / b⌋ for b > 0 (Swift's `/` truncates toward zero).
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && a < 0) ? quotient - 1 : quotient
    }

    /// The decimal number in `bytes[offset..<offset+count]`; nil if any byte is not a digit.
    static func digits(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[offset..<(offset + count)] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
