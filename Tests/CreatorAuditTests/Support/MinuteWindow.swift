// Rate limits count per clock minute (Auth/RateLimiter.swift): a burst that must land in one window starts early
// in a minute, so that a loaded machine cannot spread it over two.
import Foundation

enum MinuteWindow {
    /// Returns at once when at least `seconds` of the current minute remain; otherwise waits for the next minute.
    static func atLeast(_ seconds: Double) async throws {
        let intoMinute = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        guard 60 - intoMinute < seconds else { return }
        try await Task.sleep(for: .milliseconds(Int((60 - intoMinute) * 1_000) + 100))
    }
}
