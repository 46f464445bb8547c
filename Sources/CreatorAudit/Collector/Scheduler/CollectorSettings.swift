// How a collector works: how many refreshes at once, how long a claim lasts, how long a stopping collector waits
// for refreshes in flight, and when a subject is due again (docs/collection.md, "Refreshing").
import Foundation

public struct CollectorSettings: Sendable {
    /// Platform requests in flight at once in this process (each platform's governor limits its requests on top).
    /// A refresh whose answer waits to be stored holds none; as many such answers may wait (`RequestTurns`).
    public var concurrency: Int = 16
    /// How long a claim lasts. A refresh finishes well within it; a crashed worker's claims are free again after
    /// it. A refresh that outlives its lease stores nothing (another worker may have the subject by then).
    public var leaseSeconds: Int64 = 300
    /// On SIGTERM: how long refreshes in flight may take to finish before they are cancelled and released.
    public var shutdownGraceSeconds: Double = 10
    /// The longest an idle collector sleeps without looking at the queue: a safety net for changes made where no
    /// wake-up reaches it (another process on SQLite, a notification lost while reconnecting).
    public var idleCheckSeconds: Double = 60
    public var schedule = RetrySchedule()
    /// Who holds a claim: host, process id and a random tag (shown nowhere but the database).
    public var owner: String = CollectorSettings.makeOwner()

    public init() {}

    public static func makeOwner() -> String {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(ProcessInfo.processInfo.hostName) pid \(getpid()) \(tag)"
    }
}

/// When a subject is due again: after a refresh, its interval (± a small jitter, so subjects added together drift
/// apart instead of staying in lockstep); after a failure, an exponential back-off with jitter, from about a minute
/// up to a day; after a platform-wide stop, when the platform says (plus a little spread). Pure arithmetic.
public struct RetrySchedule: Sendable, Equatable {
    public var firstBackoffSeconds: Double = 60
    public var maximumBackoffSeconds: Double = 86_400
    /// A back-off is multiplied by a random factor in 1 ± this.
    public var backoffJitter: Double = 0.2
    /// The interval after a refresh is moved by a random fraction in ± this.
    public var intervalJitter: Double = 0.01
    /// The wait after a platform-wide stop that did not say how long.
    public var defaultDeferralSeconds: Double = 60

    public init() {}

    /// Seconds to wait after the `failures`-th consecutive failure (1 = the first): 1 minute, 2, 4, … capped at a
    /// day. `random` is uniform in 0..<1.
    public func backoffSeconds(failures: Int, random: Double) -> Int64 {
        let exponent = Double(max(0, min(failures - 1, 30)))
        let base = min(maximumBackoffSeconds, firstBackoffSeconds * pow(2, exponent))
        let jittered = base * (1 + backoffJitter * (2 * random - 1))
        return Int64(max(1, min(maximumBackoffSeconds, jittered)).rounded())
    }

    /// When a subject refreshed at `observedAt` is due again.
    public func nextRefresh(after observedAt: Timestamp, intervalHours: Int, random: Double) -> Timestamp {
        let interval = Double(max(1, intervalHours)) * 3_600
        return observedAt.adding(seconds: Int64((interval * (1 + intervalJitter * (2 * random - 1))).rounded()))
    }

    /// Seconds a subject waits after its platform paused us or its source failed (`retryAfter` when known),
    /// plus up to a tenth more, so the waiting subjects do not all come back in the same second.
    public func deferralSeconds(retryAfter: Int?, random: Double) -> Int64 {
        let wait = max(1, retryAfter.map(Double.init) ?? defaultDeferralSeconds)
        return Int64((wait + min(300, wait * 0.1) * random).rounded(.up))
    }
}
