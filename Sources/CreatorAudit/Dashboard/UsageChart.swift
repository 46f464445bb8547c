// Per-key usage for the last 30 days as a small SVG bar chart, drawn on the server (no script, no images).
import Foundation

enum UsageChart {
    static let days = 30

    /// The 30 UTC days ending today, oldest first.
    static func window(endingAt now: Timestamp = .now) -> [String] {
        (0..<days).reversed().map { now.adding(seconds: -Int64($0) * 86400).day }
    }

    /// Bars scaled to the busiest day; each has a <title> with its date and count (a tooltip and for screen readers).
    static func svg(counts: [String: Int], days window: [String]) -> String {
        let barWidth = 5, gap = 1, height = 44
        let width = window.count * (barWidth + gap) - gap
        let peak = max(1, window.map { counts[$0] ?? 0 }.max() ?? 0)
        let total = window.reduce(0) { $0 + (counts[$1] ?? 0) }
        var bars = ""
        for (index, day) in window.enumerated() {
            let count = counts[day] ?? 0
            let barHeight = count == 0 ? 0 : max(2, Int((Double(count) / Double(peak) * Double(height - 4)).rounded()))
            let x = index * (barWidth + gap)
            bars += "<rect class=\"chart-track\" x=\"\(x)\" y=\"0\" width=\"\(barWidth)\" height=\"\(height)\"/>"
            bars += "<rect class=\"chart-bar\" x=\"\(x)\" y=\"\(height - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\">"
                + "<title>\(day): \(count) requests</title></rect>"
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"Requests per day, last 30 days: \(total) in total\">"
            + "<line class=\"chart-base\" x1=\"0\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\"/>" + bars + "</svg>"
    }
}
