// Windows of whole UTC days (docs/metrics.md, "Windows"): `7d | 30d | 90d` end today; `custom` needs both dates, end
// not after today, at most 366 days. The previous window (period-over-period) has the same length and ends the day
// before this one starts.
//
// The date rule is the same for every analytics endpoint, in query strings and JSON bodies (README, "Analytics
// windows"): `start_date` + `end_date` without `period` mean `custom`; a malformed date, one date without the other,
// `end_date` before `start_date`, or dates together with a preset period are a 422 naming the field. Dates are never
// ignored.
import Foundation

public struct Window: Sendable, Equatable {
    public let period: String
    /// Inclusive day numbers (days since 1970-01-01 UTC).
    public let startDay: Int
    public let endDay: Int

    public var days: Int { endDay - startDay + 1 }
    public var previous: Window { Window(period: period, startDay: startDay - days, endDay: startDay - 1) }

    public init(period: String, startDay: Int, endDay: Int) {
        self.period = period
        self.startDay = startDay
        self.endDay = endDay
    }

    static let fixedPeriods = ["7d": 7, "30d": 30, "90d": 90]
    static let maximumDays = 366

    /// Reads `period`, `start_date`, `end_date` (nil = absent); appends 422 field errors and answers nil on any.
    static func read(
        period rawPeriod: String?, startDate: String?, endDate: String?, default defaultPeriod: String,
        today: Int = UTCDay.today, errors: inout [FieldError]
    ) -> Window? {
        let before = errors.count
        let dates = [("start_date", startDate), ("end_date", endDate)]
        var parsed: [String: Int] = [:]
        for case let (name, text?) in dates {
            if let day = UTCDay.parse(text) {
                parsed[name] = day
            } else {
                errors.append(FieldError(field: name, message: "must be a date YYYY-MM-DD"))
            }
        }
        let sentDates = startDate != nil || endDate != nil
        let period = rawPeriod ?? (sentDates ? "custom" : defaultPeriod)
        if let length = fixedPeriods[period] {
            // A preset and explicit dates contradict each other: which one was meant is not ours to guess.
            for case let (name, _?) in dates where parsed[name] != nil {
                errors.append(FieldError(field: name, message:
                    "cannot be combined with period=\(period); send period=custom or leave period out"))
            }
            guard errors.count == before else { return nil }
            return Window(period: period, startDay: today - length + 1, endDay: today)
        }
        guard period == "custom" else {
            errors.append(FieldError(field: "period", message: "must be 7d, 30d, 90d or custom"))
            return nil
        }
        let requirement = rawPeriod == nil ? "is required with the other date" : "is required when period is custom"
        for (name, text) in dates where text == nil { errors.append(FieldError(field: name, message: requirement)) }
        guard errors.count == before, let start = parsed["start_date"], let end = parsed["end_date"] else { return nil }
        if end > today {
            errors.append(FieldError(field: "end_date", message: "must not be after today (UTC)"))
            return nil
        }
        if start > end {
            errors.append(FieldError(field: "start_date", message: "must not be after end_date"))
            return nil
        }
        if end - start + 1 > maximumDays {
            errors.append(FieldError(field: "end_date", message: "the window must be at most \(maximumDays) days"))
            return nil
        }
        return Window(period: "custom", startDay: start, endDay: end)
    }
}
