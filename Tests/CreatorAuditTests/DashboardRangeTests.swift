// The data pages' date range (README, "Dashboard"): the API's windows read from a page's query — presets, custom
// dates, dates without a period — and, for a range that cannot be used, the default range with the reasons.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: date range")
struct DashboardRangeTests {
    static let today = UTCDay.parse("2026-06-30") ?? 0

    func read(_ query: String, default period: String = "30d") -> DashboardRange {
        DashboardRange.read(FormData(query), default: period, today: Self.today)
    }

    @Test("no range means the page's default; a preset means the last N days ending today")
    func presets() {
        #expect(read("").window == Window(period: "30d", startDay: Self.today - 29, endDay: Self.today))
        #expect(read("", default: "7d").window.days == 7)
        let week = read("period=7d")
        #expect(week.window == Window(period: "7d", startDay: Self.today - 6, endDay: Self.today))
        #expect(week.errors.isEmpty && week.label == "Last 7 days" && week.fields.map(\.1) == ["7d"])
        #expect(read("period=90d").window.days == 90)
        // The form keeps its date fields filled in; with a preset they are ignored.
        #expect(read("period=90d&start_date=2026-01-01&end_date=2026-01-31").window.period == "90d")
    }

    @Test("custom dates are inclusive; dates without a period mean custom; empty fields count as absent")
    func custom() {
        let june = read("period=custom&start_date=2026-06-01&end_date=2026-06-14")
        #expect(june.errors.isEmpty)
        #expect(june.window == Window(period: "custom", startDay: UTCDay.parse("2026-06-01") ?? 0,
                                      endDay: UTCDay.parse("2026-06-14") ?? 0))
        #expect(june.window.days == 14 && june.label == "Jun 1 to Jun 14, 2026")
        #expect(june.fields.map(\.0) == ["period", "start_date", "end_date"])
        #expect(june.previousLabel == "the previous 14 days")
        #expect(read("start_date=2026-06-01&end_date=2026-06-02").window.period == "custom")
        #expect(read("period=&start_date=&end_date=").window.period == "30d")
        #expect(read("period=custom&start_date=2026-06-30&end_date=2026-06-30").label == "Jun 30, 2026")
    }

    @Test("a range that cannot be used shows the default and names every problem", arguments: [
        ("period=custom&start_date=2026-06-10&end_date=2026-07-02", ["end_date"]),   // after today
        ("period=custom&start_date=2026-06-10&end_date=2026-06-01", ["start_date"]), // end before start
        ("period=custom&start_date=2025-01-01&end_date=2026-06-30", ["end_date"]),   // more than 366 days
        ("period=custom&start_date=2026-02-30&end_date=2026-06-01", ["start_date"]), // not a date
        ("start_date=2026-06-01", ["end_date"]),                                      // one date alone
        ("period=12d", ["period"]),
    ])
    func unusable(query: String, fields: [String]) {
        let range = read(query)
        #expect(range.window == Window(period: "30d", startDay: Self.today - 29, endDay: Self.today))
        #expect(range.errors.map(\.field) == fields, "\(range.errors)")
    }
}
