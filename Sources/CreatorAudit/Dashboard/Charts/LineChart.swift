// Daily line charts drawn on the server as SVG (README, "Dashboard"): no script, no image requests, the same markup
// for every browser. What a reader needs and the tests check: labelled axes (dates below, compact numbers on the
// gridlines), a legend when there is more than one series, a break in the line where a day's value is unknown (never
// a drop to 0), an accessible name, and the numbers themselves in a <details> table.
//
// Layout: the outer <svg> is as wide as its box and a fixed number of pixels high, without a viewBox, so its text is
// real CSS pixels at 390 px and at 1440 px alike; the lines live in a nested <svg> whose viewBox is stretched to the
// plot (`preserveAspectRatio="none"`, strokes not scaled). Labels sit on the gridlines rather than beside the plot,
// which leaves the whole width to the data on a phone.

/// One line: a value per day of the chart (nil = unknown that day).
struct ChartSeries: Sendable {
    enum Axis: Sendable { case left, right }
    enum Format: Sendable {
        case count, percent

        /// Axis labels.
        func compact(_ value: Double) -> String {
            switch self {
            case .count: return ChartText.compact(value)
            case .percent: return ChartText.decimal(value, places: 2) + "%"
            }
        }

        /// Tooltips and the table.
        func full(_ value: Double) -> String {
            switch self {
            case .count: return ChartText.grouped(Int64(value.rounded()))
            case .percent: return ChartText.percent(value)
            }
        }
    }

    let name: String
    let values: [Double?]
    var axis: Axis = .left
    var format: Format = .count
    /// Daily amounts start their axis at 0; levels (followers) need not.
    var includeZero = true
}

struct LineChart: Sendable {
    /// Unique on the page (element ids derive from it).
    let id: String
    /// The accessible name, also the table's caption.
    let title: String
    /// The UTC day of each series' first value.
    let firstDay: Int
    let series: [ChartSeries]
    var height = 240

    static let topPadding = 18.0
    static let bottomAxis = 24.0
    /// Width of one day in the plot's own units (the plot is stretched to the box anyway).
    static let dayWidth = 10.0

    var days: Int { series.map(\.values.count).max() ?? 0 }
    var plotHeight: Double { Double(height) - Self.topPadding - Self.bottomAxis }

    func scale(for axis: ChartSeries.Axis) -> AxisScale? {
        let members = series.filter { $0.axis == axis }
        let known = members.flatMap { $0.values.compactMap { $0 } }
        guard let first = members.first else { return nil }
        return AxisScale.covering(
            minimum: known.min() ?? 0, maximum: known.max() ?? 0, integral: first.format == .count,
            includeZero: members.allSatisfy(\.includeZero))
    }

    /// The whole figure: chart, legend, and the table alternative.
    func html() -> String {
        var out = "<figure class=\"chart\" id=\"\(id)\">" + svg()
        if series.count > 1 { out += legend() }
        out += table() + "</figure>"
        return out
    }

    func svg() -> String {
        let left = scale(for: .left), right = scale(for: .right)
        let name = HTMLText.escape(accessibleName())
        var out = "<svg class=\"chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(name)\"><title>\(name)</title>"
        var ticks = ""
        if let grid = left ?? right {
            for (index, _) in grid.ticks.enumerated() {
                let y = format(Self.topPadding + plotHeight * (1 - Double(index) / Double(grid.intervals)))
                out += "<line class=\"chart-grid\" x1=\"0\" x2=\"100%\" y1=\"\(y)\" y2=\"\(y)\"/>"
            }
            for (axis, scale) in [(ChartSeries.Axis.left, left), (.right, right)] {
                guard let scale, let member = series.first(where: { $0.axis == axis }) else { continue }
                for (index, tick) in scale.ticks.enumerated() {
                    let y = format(Self.topPadding + plotHeight * (1 - Double(index) / Double(scale.intervals)) - 4)
                    let anchor = axis == .left ? "x=\"0\" text-anchor=\"start\"" : "x=\"100%\" text-anchor=\"end\""
                    ticks += "<text class=\"chart-tick\" \(anchor) y=\"\(y)\">\(member.format.compact(tick))</text>"
                }
            }
        }
        // The labels go over the lines (with a halo in the stylesheet), so a line never hides a number.
        out += plot(left: left, right: right) + ticks + dateLabels() + "</svg>"
        return out
    }

    /// "Views and engagement rate per day, Jun 1 to Jun 30, 2026" — what a screen reader announces.
    func accessibleName() -> String {
        guard days > 0 else { return title + " (no data)" }
        let range = days == 1 ? ChartText.shortDate(firstDay, withYear: true)
            : ChartText.shortDate(firstDay) + " to " + ChartText.shortDate(firstDay + days - 1, withYear: true)
        return "\(title), \(range)"
    }

    /// x of day `index` in plot units.
    func x(_ index: Int) -> Double { days <= 1 ? Self.dayWidth / 2 : Double(index) * Self.dayWidth }

    func plot(left: AxisScale?, right: AxisScale?) -> String {
        let width = days <= 1 ? Self.dayWidth : Double(days - 1) * Self.dayWidth
        var out = "<svg class=\"chart-plot\" x=\"0\" y=\"\(format(Self.topPadding))\" width=\"100%\" "
            + "height=\"\(format(plotHeight))\" viewBox=\"0 0 \(format(width)) \(format(plotHeight))\" "
            + "preserveAspectRatio=\"none\" aria-hidden=\"true\">"
        for (number, member) in series.enumerated() {
            guard let scale = member.axis == .left ? left : right else { continue }
            let segments = Self.segments(member.values)
            if number == 0 && member.axis == .left {
                out += area(segments, values: member.values, scale: scale)
            }
            out += "<path class=\"chart-line s\(number)\" vector-effect=\"non-scaling-stroke\" d=\""
                + path(segments, values: member.values, scale: scale) + "\"/>"
            // A day known alone is a dot, drawn thicker than a line so it can be seen.
            let dots = segments.filter { $0.count == 1 }
            if !dots.isEmpty {
                out += "<path class=\"chart-dot s\(number)\" vector-effect=\"non-scaling-stroke\" d=\""
                    + path(dots, values: member.values, scale: scale) + "\"/>"
            }
        }
        out += hoverTargets(width: width)
        return out + "</svg>"
    }

    /// Runs of consecutive known days: a line is drawn within a run and broken between runs.
    static func segments(_ values: [Double?]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, value) in values.enumerated() {
            if value != nil {
                if start == nil { start = index }
            } else if let begun = start {
                runs.append(begun..<index)
                start = nil
            }
        }
        if let begun = start { runs.append(begun..<values.count) }
        return runs
    }

    func y(_ value: Double, _ scale: AxisScale) -> Double { plotHeight * (1 - scale.fraction(value)) }

    /// `M x y L x y …` per run; a run of one day is a zero-length segment, drawn as a dot by the round line caps.
    func path(_ segments: [Range<Int>], values: [Double?], scale: AxisScale) -> String {
        var d: [String] = []
        for run in segments {
            for index in run {
                guard let value = values[index] else { continue }
                d.append((index == run.lowerBound ? "M" : "L") + format(x(index)) + " " + format(y(value, scale)))
            }
            if run.count == 1, let value = values[run.lowerBound] {
                d.append("L" + format(x(run.lowerBound)) + " " + format(y(value, scale)))
            }
        }
        return d.joined(separator: " ")
    }

    /// The first series' runs filled down to the axis' zero (or its lower bound).
    func area(_ segments: [Range<Int>], values: [Double?], scale: AxisScale) -> String {
        let base = format(y(max(scale.lower, min(0, scale.upper)), scale))
        var d: [String] = []
        for run in segments where run.count > 1 {
            d.append("M" + format(x(run.lowerBound)) + " " + base)
            for index in run { if let value = values[index] { d.append("L" + format(x(index)) + " " + format(y(value, scale))) } }
            d.append("L" + format(x(run.upperBound - 1)) + " " + base + " Z")
        }
        return d.isEmpty ? "" : "<path class=\"chart-area\" d=\"" + d.joined(separator: " ") + "\"/>"
    }

    /// A transparent band per day whose <title> is the browser's tooltip: the date and every series' value.
    func hoverTargets(width: Double) -> String {
        var out = ""
        for index in 0..<days {
            let left = max(0, x(index) - Self.dayWidth / 2)
            let right = min(width, x(index) + Self.dayWidth / 2)
            let text = ([ChartText.shortDate(firstDay + index, withYear: true)] + series.map { member in
                "\(member.name): " + (value(member, index).map(member.format.full) ?? "unknown")
            }).joined(separator: " · ")
            out += "<rect class=\"chart-hover\" x=\"\(format(left))\" y=\"0\" width=\"\(format(max(0.5, right - left)))\" "
                + "height=\"\(format(plotHeight))\"><title>\(HTMLText.escape(text))</title></rect>"
        }
        return out
    }

    func value(_ member: ChartSeries, _ index: Int) -> Double? {
        index < member.values.count ? member.values[index] : nil
    }

    /// Up to six dates along the bottom, the first and last aligned to the edges.
    func dateLabels() -> String {
        guard days > 0 else { return "" }
        let y = format(Double(height) - 6)
        let indices = Self.labelIndices(days: days, maximum: 6)
        var out = ""
        for index in indices {
            let percent = days <= 1 ? 50 : Double(index) / Double(days - 1) * 100
            let anchor = indices.count == 1 ? "middle" : index == 0 ? "start" : index == days - 1 ? "end" : "middle"
            // Every other label in between is "minor": a phone shows only the others (the stylesheet hides these).
            let position = indices.firstIndex(of: index) ?? 0
            let minor = position % 2 == 1 && position != indices.count - 1 ? " minor" : ""
            out += "<text class=\"chart-date\(minor)\" x=\"\(format(percent))%\" y=\"\(y)\" text-anchor=\"\(anchor)\">"
                + ChartText.shortDate(firstDay + index) + "</text>"
        }
        return out
    }

    /// Evenly spread day indices, always including the first and the last.
    static func labelIndices(days: Int, maximum: Int) -> [Int] {
        guard days > 1 else { return days == 1 ? [0] : [] }
        let count = min(days, maximum)
        var indices: [Int] = []
        for step in 0..<count {
            let index = Int((Double(step) * Double(days - 1) / Double(count - 1)).rounded())
            if indices.last != index { indices.append(index) }
        }
        return indices
    }

    func legend() -> String {
        var out = "<ul class=\"chart-legend\">"
        let bothAxes = series.contains { $0.axis == .right } && series.contains { $0.axis == .left }
        for (number, member) in series.enumerated() {
            let side = bothAxes ? (member.axis == .left ? " (left axis)" : " (right axis)") : ""
            out += "<li><span class=\"swatch s\(number)\" aria-hidden=\"true\"></span>\(HTMLText.escape(member.name))"
                + "<span class=\"muted\">\(side)</span></li>"
        }
        return out + "</ul>"
    }

    /// The numbers behind the chart, one row per day ("—" where unknown).
    func table() -> String {
        var out = "<details class=\"chart-table\"><summary>Show the numbers</summary><div class=\"table-scroll\">"
            + "<table class=\"table compact\"><caption class=\"visually-hidden\">\(HTMLText.escape(accessibleName()))</caption>"
            + "<thead><tr><th scope=\"col\">Date</th>"
        for member in series { out += "<th scope=\"col\" class=\"num\">\(HTMLText.escape(member.name))</th>" }
        out += "</tr></thead><tbody>"
        for index in 0..<days {
            out += "<tr><th scope=\"row\">\(UTCDay.date(firstDay + index))</th>"
            for member in series {
                out += "<td class=\"num\">" + (value(member, index).map(member.format.full) ?? "—") + "</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div></details>"
    }

    /// Coordinates with at most two decimals, no trailing zeros (short markup, stable tests).
    func format(_ value: Double) -> String { ChartText.decimal(value, places: 2) }
}

/// A KPI card's small trend line: no axes, no text (the card states the number), gaps where unknown.
struct Sparkline: Sendable {
    let values: [Double?]
    var height = 32.0

    func svg() -> String {
        let known = values.compactMap { $0 }
        guard !known.isEmpty else { return "<svg class=\"sparkline\" aria-hidden=\"true\" focusable=\"false\"></svg>" }
        let low = known.min() ?? 0, high = known.max() ?? 0
        let span = high > low ? high - low : 1
        let width = Double(max(1, values.count - 1)) * 10
        func y(_ value: Double) -> Double { 2 + (height - 4) * (1 - (value - low) / span) - (high > low ? 0 : (height - 4) / 2) }
        var d: [String] = []
        for run in LineChart.segments(values) {
            for index in run {
                guard let value = values[index] else { continue }
                let x = values.count == 1 ? width / 2 : Double(index) * 10
                d.append((index == run.lowerBound ? "M" : "L") + ChartText.decimal(x, places: 2) + " "
                    + ChartText.decimal(y(value), places: 2))
                if run.count == 1 { d.append("l0 0") }
            }
        }
        return "<svg class=\"sparkline\" viewBox=\"0 0 \(ChartText.decimal(width, places: 2)) \(ChartText.decimal(height, places: 2))\" "
            + "preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
            + "<path vector-effect=\"non-scaling-stroke\" d=\"\(d.joined(separator: " "))\"/></svg>"
    }
}
