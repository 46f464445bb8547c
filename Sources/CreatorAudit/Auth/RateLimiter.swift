// Per-key fixed 60-second windows, in this node's memory (README, "API conventions": N nodes allow at most N× the setting).
import NIOConcurrencyHelpers

public struct RateLimitDecision: Sendable, Equatable {
    public let allowed: Bool
    public let limit: Int
    public let remaining: Int
    /// Unix seconds when the window resets.
    public let reset: Int64
    /// Seconds until then (≥ 1).
    public let secondsToReset: Int64
}

public final class RateLimiter: Sendable {
    public static let window: Int64 = 60

    private struct Counter {
        var windowStart: Int64
        var count: Int
    }

    private let counters = NIOLockedValueBox([String: Counter]())

    public init() {}

    /// Counts one request for `subject` against `limit` per window.
    public func consume(_ subject: String, limit: Int, now: Timestamp = .now) -> RateLimitDecision {
        let windowStart = now.seconds - ((now.seconds % Self.window) + Self.window) % Self.window
        let count = counters.withLockedValue { counters -> Int in
            var counter = counters[subject] ?? Counter(windowStart: windowStart, count: 0)
            if counter.windowStart != windowStart {
                counter = Counter(windowStart: windowStart, count: 0)
                // Forget subjects idle since an older window, so memory follows active keys only.
                if counters.count > 10_000 { counters = counters.filter { $0.value.windowStart == windowStart } }
            }
            counter.count += 1
            counters[subject] = counter
            return counter.count
        }
        let reset = windowStart + Self.window
        return RateLimitDecision(
            allowed: count <= limit, limit: limit, remaining: max(0, limit - count), reset: reset,
            secondsToReset: max(1, reset - now.seconds))
    }

    /// How many requests `subject` has made in the current window (without counting one).
    public func peek(_ subject: String, now: Timestamp = .now) -> Int {
        let windowStart = now.seconds - ((now.seconds % Self.window) + Self.window) % Self.window
        return counters.withLockedValue { counters in
            guard let counter = counters[subject], counter.windowStart == windowStart else { return 0 }
            return counter.count
        }
    }
}
