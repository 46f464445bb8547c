// Windows of whole UTC days (docs/metrics.md): `7d | 30d | 90d` end today; `custom` needs both dates, end not after
// today, at most 366 days. The previous window (period-over-period) has the same length and ends the day
// before this one starts.
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

    /// Reads `period`, `start_date`, `end_date`; appends 422 field errors.
    static func read(
        period rawPeriod: String?, startDate: String?, endDate: String?, default defaultPeriod: String,
        allowCustom: Bool = true, today: Int = UTCDay.today, errors: inout [FieldError]
    ) -> Window? {
        let period = rawPeriod ?? defaultPeriod
        if let length = fixedPeriods[period] {
            return Window(period: period, startDay: today - length + 1, endDay: today)
        }
        guard period == "custom", allowCustom else {
            let allowed = allowCustom ? "7d, 30d, 90d or custom" : "7d, 30d or 90d"
            errors.append(FieldError(field: "period", message: "must be \(allowed)"))
            return nil
        }
        var start: Int?, end: Int?
        if let startDate {
            start = UTCDay.parse(startDate)
            if start == nil { errors.append(FieldError(field: "start_date", message: "must be a date YYYY-MM-DD")) }
        } else {
            errors.append(FieldError(field: "start_date", message: "is required when period is custom"))
        }
        if let endDate {
            end = UTCDay.parse(endDate)
            if end == nil { errors.append(FieldError(field: "end_date", message: "must be a date YYYY-MM-DD")) }
        } else {
            errors.append(FieldError(field: "end_date", message: "is required when period is custom"))
        }
        guard let start, let end else { return nil }
        if end > today {
            errors.append(FieldError(field: "end_date", message: "must not be after today"))
            return nil
        }
        if start > end {
            errors.append(FieldError(field: "start_date", message: "must not be after end_date"))
            return nil
        }
        if end - start + 1 > 366 {
            errors.append(FieldError(field: "end_date", message: "the window must be at most 366 days"))
            return nil
        }
        return Window(period: "custom", startDay: start, endDay: end)
    }
}
