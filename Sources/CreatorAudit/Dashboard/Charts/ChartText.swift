// How numbers and days read on the dashboard's charts and tables (README, "Dashboard"): grouped integers
// (1,234,567), compact axis labels (950, 12.3K, 4.5M), percentages, short dates. Pure and locale-free, so a page
// renders the same everywhere and the tests can pin it.
enum ChartText {
    /// 1234567 → "1,234,567"; negative numbers keep their sign.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// 950 → "950", 12_345 → "12.3K", 123_456 → "123K", 4_500_000 → "4.5M", 999_960 → "1M", 2.5 → "2.5".
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let sign = value < 0 ? "-" : ""
        var scaled = value.magnitude
        let units = ["", "K", "M", "B", "T"]
        var unit = 0
        while scaled >= 999.95, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        // One decimal below 100 of a unit ("12.3K"), none above ("123K"); plain numbers keep one only if they
        // have a fraction (axis steps such as 2.5).
        let text: String
        if scaled >= 100 {
            text = String(Int64(scaled.rounded()))
        } else {
            text = decimal(scaled, places: 1)
        }
        return sign + text + units[unit]
    }

    /// `value` with at most `places` decimals, trailing zeros dropped: 4.50 → "4.5", 3.0 → "3".
    static func decimal(_ value: Double, places: Int) -> String {
        var factor = 1.0
        for _ in 0..<places { factor *= 10 }
        let scaled = Int64((value.magnitude * factor).rounded())
        let whole = scaled / Int64(factor)
        var fraction = String(scaled % Int64(factor))
        while fraction.count < places { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// An engagement rate (already a percentage, e.g. 4.3121) as "4.31%".
    static func percent(_ value: Double, places: Int = 2) -> String {
        let factor = places == 0 ? 1.0 : (1...places).reduce(1.0) { product, _ in product * 10 }
        let scaled = Int64((value.magnitude * factor).rounded())
        let whole = scaled / Int64(factor)
        var fraction = String(scaled % Int64(factor))
        while fraction.count < places { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return sign + String(whole) + (places > 0 ? "." + fraction : "") + "%"
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A UTC day as "Jun 14" (with the year, "Jun 14, 2026", when `withYear`).
    static func shortDate(_ day: Int, withYear: Bool = false) -> String {
        let date = UTCDay.date(day)  // YYYY-MM-DD
        let parts = date.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let dayOfMonth = Int(parts[2]), (1...12).contains(month)
        else { return date }
        let text = "\(months[month - 1]) \(dayOfMonth)"
        return withYear ? "\(text), \(parts[0])" : text
    }
}

/// The value axis of a chart: `intervals` equal steps of a "nice" size (1, 2, 2.5 or 5 × 10ⁿ) covering the data.
struct AxisScale: Sendable, Equatable {
    let lower: Double
    let step: Double
    let intervals: Int

    var upper: Double { lower + step * Double(intervals) }
    var ticks: [Double] { (0...intervals).map { lower + step * Double($0) } }

    /// Covers `minimum...maximum` in exactly `intervals` steps. `integral` keeps steps whole (counts); `includeZero`
    /// starts daily amounts at 0, while levels (followers) may start above it so their changes stay visible.
    static func covering(
        minimum: Double, maximum: Double, intervals: Int = 4, integral: Bool = true, includeZero: Bool = true
    ) -> AxisScale {
        var low = minimum, high = maximum
        if includeZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        if high <= low { high = low + (integral ? Double(intervals) : 1) }
        var step = niceStep(atLeast: (high - low) / Double(intervals), integral: integral)
        var lower = (low / step).rounded(.down) * step
        // Rounding the lower bound down may leave the top uncovered: take the next nice step until it fits.
        while lower + step * Double(intervals) < high {
            step = niceStep(atLeast: step * 1.0001, integral: integral)
            lower = (low / step).rounded(.down) * step
        }
        return AxisScale(lower: lower, step: step, intervals: intervals)
    }

    /// The smallest 1, 2, 2.5 or 5 × 10ⁿ at least `rough` (at least 1 when `integral`).
    static func niceStep(atLeast rough: Double, integral: Bool) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where magnitude * factor >= rough * 0.999_999 {
            let step = magnitude * factor
            if integral && step < 1 { return 1 }
            if integral && factor == 2.5 && magnitude < 10 { continue }  // no 2.5-steps of whole counts
            return step
        }
        return magnitude * 10
    }

    /// Where `value` sits, from 0 (lower) to 1 (upper).
    func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }
}
