// Time for the platform sources and their governors, injectable so tests can move it: pauses, usage spacing,
// the TikTok token's expiry and the daily budget's UTC midnight all read it.
import Foundation

public protocol CollectorClock: Sendable {
    /// Wall-clock seconds since 1970 (UTC days and platform timestamps depend on the wall clock).
    func now() -> Double
    /// Waits `seconds` (a test clock may just move its time forward).
    func sleep(seconds: Double) async throws
}

public struct SystemCollectorClock: CollectorClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

extension CollectorClock {
    /// Now in whole seconds.
    var timestamp: Timestamp { Timestamp(seconds: Int64(now().rounded(.down))) }
}
