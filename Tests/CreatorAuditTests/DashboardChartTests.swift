// The dashboard's server-drawn charts (README, "Dashboard"): compact and grouped numbers, axis scales, a break in the
// line for an unknown day (never a drop to 0), labelled axes, an accessible name, a legend only for several series,
// and the numbers in a <details> table. Pure: the SVG is checked as text.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: charts")
struct DashboardChartTests {
    @Test("axis numbers are compact: 950, 12.3K, 123K, 4.5M, and 999,960 reads 1M, not 1000K")
    func compactNumbers() {
        #expect(ChartText.compact(0) == "0")
        #expect(ChartText.compact(950) == "950")
        #expect(ChartText.compact(2.5) == "2.5")
        #expect(ChartText.compact(1_000) == "1K")
        #expect(ChartText.compact(12_345) == "12.3K")
        #expect(ChartText.compact(123_456) == "123K")
        #expect(ChartText.compact(4_500_000) == "4.5M")
        #expect(ChartText.compact(999_960) == "1M")
        #expect(ChartText.compact(2_000_000_000) == "2B")
        #expect(ChartText.compact(-1_500) == "-1.5K")
    }

    @Test("tables and tooltips group digits and show rates with two decimals")
    func fullNumbers() {
        #expect(ChartText.grouped(0) == "0")
        #expect(ChartText.grouped(999) == "999")
        #expect(ChartText.grouped(1_234_567) == "1,234,567")
        #expect(ChartText.grouped(-45_000) == "-45,000")
        #expect(ChartText.percent(4.3121) == "4.31%")
        #expect(ChartText.percent(0.005) == "0.01%")
        #expect(ChartText.decimal(3.0, places: 2) == "3")
        #expect(ChartText.shortDate(UTCDay.parse("2026-06-14") ?? 0) == "Jun 14")
        #expect(ChartText.shortDate(UTCDay.parse("2026-06-14") ?? 0, withYear: true) == "Jun 14, 2026")
    }

    @Test("a value axis covers the data in four nice steps; counts step in whole numbers; levels need not start at 0")
    func axisScale() {
        let views = AxisScale.covering(minimum: 0, maximum: 95)
        #expect(views.ticks == [0, 25, 50, 75, 100])
        let small = AxisScale.covering(minimum: 0, maximum: 3)
        #expect(small.step == 1 && small.upper >= 3)
        let empty = AxisScale.covering(minimum: 0, maximum: 0)
        #expect(empty.ticks == [0, 1, 2, 3, 4])
        let followers = AxisScale.covering(minimum: 10_120, maximum: 10_480, includeZero: false)
        #expect(followers.lower > 0 && followers.lower <= 10_120 && followers.upper >= 10_480)
        let rates = AxisScale.covering(minimum: 0, maximum: 4.31, integral: false)
        #expect(rates.ticks == [0, 2, 4, 6, 8] || rates.ticks.last ?? 0 >= 4.31)
        #expect(rates.upper >= 4.31)
        let negative = AxisScale.covering(minimum: -40, maximum: 120)
        #expect(negative.lower <= -40 && negative.upper >= 120 && negative.ticks.contains(0))
    }

    static let first = UTCDay.parse("2026-06-01") ?? 0

    @Test("an unknown day breaks the line in two (no point at 0), and the table says — for it")
    func gaps() throws {
        let chart = LineChart(id: "c", title: "Views per day", firstDay: Self.first,
                              series: [ChartSeries(name: "Views", values: [10, 20, nil, 40, 50])])
        let svg = chart.svg()
        let path = try #require(DashboardClient.firstMatch(#"class="chart-line s0"[^>]*d="([^"]*)""#, in: svg))
        #expect(path.components(separatedBy: "M").count - 1 == 2, "two runs: \(path)")
        #expect(path.components(separatedBy: "L").count - 1 == 2, "one segment per run: \(path)")
        // The four known values, and no point on the zero line (y = plot height) where the unknown day is.
        let scale = try #require(chart.scale(for: .left))
        let zeroY = ChartText.decimal(chart.y(0, scale), places: 2)
        #expect(!path.contains(" \(zeroY)"), "\(path)")
        #expect(!path.contains("M20 ") && !path.contains("L20 "), "no point on the unknown day (x = 20): \(path)")
        let table = chart.table()
        #expect(table.contains("<th scope=\"row\">2026-06-03</th><td class=\"num\">—</td>"))
        #expect(table.contains("<th scope=\"row\">2026-06-04</th><td class=\"num\">40</td>"))
    }

    @Test("a day known alone between unknown days is still drawn (a dot), and a series never known draws nothing")
    func isolatedAndEmpty() throws {
        let chart = LineChart(id: "c", title: "Followers", firstDay: Self.first, series: [
            ChartSeries(name: "A", values: [nil, 5, nil]),
            ChartSeries(name: "B", values: [nil, nil, nil]),
        ])
        let svg = chart.svg()
        let a = try #require(DashboardClient.firstMatch(#"class="chart-line s0"[^>]*d="([^"]*)""#, in: svg))
        #expect(a.hasPrefix("M10 ") && a.contains(" L10 "), "\(a)")
        let b = try #require(DashboardClient.firstMatch(#"class="chart-line s1"[^>]*d="([^"]*)""#, in: svg))
        #expect(b.isEmpty)
    }

    @Test("axes are labelled: dates along the bottom (first and last day included), compact numbers on the gridlines")
    func axisLabels() {
        let values: [Double?] = (0..<30).map { Double($0) * 1_000 }
        let svg = LineChart(id: "c", title: "Views per day", firstDay: Self.first,
                            series: [ChartSeries(name: "Views", values: values)]).svg()
        let dates = DashboardClient.allMatches(#"<text class="chart-date"[^>]*>([^<]+)</text>"#, in: svg)
        #expect(dates.first == "Jun 1" && dates.last == "Jun 30" && dates.count >= 3 && dates.count <= 6, "\(dates)")
        let ticks = DashboardClient.allMatches(#"<text class="chart-tick"[^>]*>([^<]+)</text>"#, in: svg)
        #expect(ticks == ["0", "10K", "20K", "30K", "40K"], "\(ticks)")
    }

    @Test("two axes: a percentage series on the right has its own labels; the legend names both and their axes")
    func twoAxes() {
        let chart = LineChart(id: "p", title: "Views and engagement rate per day", firstDay: Self.first, series: [
            ChartSeries(name: "Views", values: [1_000, 2_000, 4_000]),
            ChartSeries(name: "Engagement rate", values: [4.5, 5.25, nil], axis: .right, format: .percent),
        ])
        let html = chart.html()
        let right = DashboardClient.allMatches(#"<text class="chart-tick" x="100%" text-anchor="end"[^>]*>([^<]+)</text>"#, in: html)
        #expect(right.first == "0%" && right.allSatisfy { $0.hasSuffix("%") }, "\(right)")
        #expect(html.contains("class=\"chart-legend\""))
        #expect(html.contains("Engagement rate<span class=\"muted\"> (right axis)</span>"))
        #expect(html.contains("<td class=\"num\">5.25%</td>"))
    }

    @Test("accessible: role=img with a name saying what and when, a <title>, and the numbers in a <details> table")
    func accessibility() {
        let chart = LineChart(id: "c", title: "Views per day", firstDay: Self.first,
                              series: [ChartSeries(name: "Views", values: [1, 2, 3])])
        let html = chart.html()
        #expect(html.contains("role=\"img\" aria-label=\"Views per day, Jun 1 to Jun 3, 2026\""))
        #expect(html.contains("<title>Views per day, Jun 1 to Jun 3, 2026</title>"))
        #expect(html.contains("<details class=\"chart-table\"><summary>Show the numbers</summary>"))
        #expect(!html.contains("chart-legend"), "one series needs no legend")
        #expect(html.contains("<title>Jun 2, 2026 · Views: 2</title>"), "the tooltip of a day")
    }

    @Test("names from users are escaped in the SVG, the legend and the table")
    func escaping() {
        let html = LineChart(id: "c", title: "Views <by> account", firstDay: Self.first, series: [
            ChartSeries(name: "@a<script>", values: [1, 2]), ChartSeries(name: "\"b\"", values: [1, 2]),
        ]).html()
        #expect(!html.contains("<script>"))
        #expect(html.contains("@a&lt;script&gt;") && html.contains("&quot;b&quot;"))
        #expect(html.contains("Views &lt;by&gt; account"))
    }

    @Test("sparklines break at unknown days too and are hidden from screen readers (the card states the number)")
    func sparkline() throws {
        let svg = Sparkline(values: [1, 2, nil, 4]).svg()
        #expect(svg.contains("aria-hidden=\"true\""))
        let path = try #require(DashboardClient.firstMatch(#" d="([^"]*)""#, in: svg))
        #expect(path.components(separatedBy: "M").count - 1 == 2, "\(path)")
        #expect(Sparkline(values: [nil, nil]).svg().contains("aria-hidden"))
    }

    @Test("the in-memory keyset pages like the SQL one: nulls last both ways, ties by id, previous pages read back")
    func memoryKeyset() {
        let rows: [(position: CursorPosition, model: String)] = [
            (CursorPosition(value: .integer(5), id: "a"), "a"), (CursorPosition(value: .null, id: "b"), "b"),
            (CursorPosition(value: .integer(5), id: "c"), "c"), (CursorPosition(value: .integer(9), id: "d"), "d"),
            (CursorPosition(value: .null, id: "e"), "e"), (CursorPosition(value: .integer(1), id: "f"), "f"),
        ]
        let sort = SortOption(name: "x", column: "x", kind: .integer, nullable: true)
        for direction in [SortDirection.desc, .asc] {
            var seen: [String] = []
            var after: CursorPosition?
            var pages: [PageResult<String>] = []
            repeat {
                let page = PageQuery(limit: 2, includeTotal: true, sort: sort, direction: direction, after: after).page(rows)
                seen += page.items
                pages.append(page)
                after = page.next
            } while after != nil
            #expect(seen == (direction == .desc ? ["d", "c", "a", "f", "e", "b"] : ["f", "a", "c", "d", "b", "e"]))
            #expect(pages[0].previous == nil && pages[1].previous != nil)
            // Back from the last page gives the page before it again.
            let back = PageQuery(limit: 2, includeTotal: true, sort: sort, direction: direction, after: nil,
                                 before: pages[2].previous).page(rows)
            #expect(back.items == pages[1].items)
            #expect(back.next == pages[1].next)
        }
    }
}
