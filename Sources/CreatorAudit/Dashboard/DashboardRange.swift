// The date range of a data page (README, "Dashboard"): `period=7d|30d|90d|custom` with `start_date` and `end_date`
// — the API's windows, read by the same `Window.read` (docs/metrics.md, "Windows"), so a page and the API mean the
// same days by the same words. A page never fails over its range: what cannot be read is listed and the page shows
// its default range instead.
import Foundation

struct DashboardRange: Sendable, Equatable {
    static let presets = ["7d", "30d", "90d"]

    let window: Window
    /// What was wrong with the range asked for (empty when it was used as asked).
    let errors: [FieldError]

    /// From a page's query: empty fields count as absent (a form sends its empty date inputs); dates without a
    /// period mean `custom`.
    static func read(_ query: FormData, default defaultPeriod: String = "30d", today: Int = UTCDay.today) -> DashboardRange {
        func field(_ name: String) -> String? {
            guard let value = query[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let start = field("start_date"), end = field("end_date")
        var period = field("period")
        if period == nil, start != nil || end != nil { period = "custom" }
        var errors: [FieldError] = []
        let fallback = Window.read(period: defaultPeriod, startDate: nil, endDate: nil, default: defaultPeriod, today: today,
                                   errors: &errors) ?? Window(period: "30d", startDay: today - 29, endDay: today)
        errors = []
        if period != "custom" {
            // A preset ignores stray dates (the form keeps its date inputs filled in).
            guard let window = Window.read(period: period, startDate: nil, endDate: nil, default: defaultPeriod,
                                           today: today, errors: &errors) else {
                return DashboardRange(window: fallback, errors: errors)
            }
            return DashboardRange(window: window, errors: [])
        }
        guard let window = Window.read(period: "custom", startDate: start, endDate: end, default: defaultPeriod,
                                       today: today, errors: &errors) else {
            return DashboardRange(window: fallback, errors: errors)
        }
        return DashboardRange(window: window, errors: [])
    }

    var isCustom: Bool { window.period == "custom" }

    /// The query fields that ask for this range again (links keep the range).
    var fields: [(String, String)] {
        isCustom ? [("period", "custom"), ("start_date", UTCDay.date(window.startDay)),
                    ("end_date", UTCDay.date(window.endDay))]
            : [("period", window.period)]
    }

    /// "Last 30 days" or "Jun 1 to Jun 30, 2026".
    var label: String {
        if !isCustom, let days = Window.fixedPeriods[window.period] { return "Last \(days) days" }
        if window.days == 1 { return ChartText.shortDate(window.startDay, withYear: true) }
        return ChartText.shortDate(window.startDay) + " to " + ChartText.shortDate(window.endDay, withYear: true)
    }

    /// "the previous 30 days" — what a change is measured against.
    var previousLabel: String { window.days == 1 ? "the day before" : "the previous \(window.days) days" }
}
