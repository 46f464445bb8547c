// Why a source could not answer, in the three families a collector treats differently (docs/collection.md):
// - about the subject: gone, private, or not answerable by this source → the subject is marked unavailable;
// - about the whole source: the platform paused us (rate limits, budget) or the source is failing (expired
//   token, revoked app) → the subject is not punished, it waits;
// - anything else (5xx, timeouts, unreadable answers) → retried with the subject's back-off.
// Messages are short and never contain a credential: they end up in logs and in the API's `last_error`.
import Foundation

/// A struct over a private enum, so new cases do not break callers.
public struct PlatformSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case gone
        case notPublic
        case unavailable(String)
        case rateLimited(retryAfter: Int?, reason: String?)
        case sourceFailing(String, retryAfter: Int?)
        case upstream(String)
    }

    private let kind: Kind

    /// The account or video does not exist (any more): the collector sets `is_unavailable`.
    public static let gone = PlatformSourceError(kind: .gone)
    /// The account or video is private: the collector sets `is_unavailable`.
    public static let `private` = PlatformSourceError(kind: .notPublic)
    /// The source cannot answer for this subject (not a business account, owner unknown…): `is_unavailable`.
    public static func unavailable(_ reason: String) -> PlatformSourceError {
        PlatformSourceError(kind: .unavailable(reason))
    }
    /// The platform asked us to slow down, or our budget for it is spent; `retryAfter` in seconds when known.
    public static func rateLimited(retryAfter: Int? = nil, reason: String? = nil) -> PlatformSourceError {
        PlatformSourceError(kind: .rateLimited(retryAfter: retryAfter, reason: reason))
    }
    /// The source as a whole cannot work (expired or invalid token, revoked app, scope not authorized).
    /// `retryAfter`: seconds until the source tries again.
    public static func sourceFailing(_ reason: String, retryAfter: Int? = nil) -> PlatformSourceError {
        PlatformSourceError(kind: .sourceFailing(reason, retryAfter: retryAfter))
    }
    /// Anything else the platform answered (a 5xx, a timeout, an unreadable body): retried with back-off.
    public static func upstream(_ message: String) -> PlatformSourceError {
        PlatformSourceError(kind: .upstream(message))
    }

    /// True when the subject should be marked unavailable (gone, private, or not answerable by this source).
    public var isUnavailable: Bool {
        switch kind {
        case .gone, .notPublic, .unavailable: return true
        default: return false
        }
    }
    /// True when the platform paused us (the subject waits `retryAfter`, no failure is counted).
    public var isRateLimited: Bool {
        if case .rateLimited = kind { return true }
        return false
    }
    /// True when the whole source is failing (the subject waits, no failure is counted; the operator must act).
    public var isSourceFailing: Bool {
        if case .sourceFailing = kind { return true }
        return false
    }
    /// True for errors about the whole source rather than one subject: rate-limited or failing.
    public var isPlatformWide: Bool { isRateLimited || isSourceFailing }
    /// True for transient errors worth retrying with the subject's back-off (5xx, timeouts, unreadable answers).
    public var isRetryable: Bool {
        if case .upstream = kind { return true }
        return false
    }
    /// Seconds after which trying again makes sense, when known (rate-limited or failing sources).
    public var retryAfter: Int? {
        switch kind {
        case .rateLimited(let seconds, _): return seconds
        case .sourceFailing(_, let seconds): return seconds
        default: return nil
        }
    }

    /// The same error with another `retryAfter` (the governor knows the pause better than the request did).
    func with(retryAfter seconds: Int?) -> PlatformSourceError {
        switch kind {
        case .rateLimited(_, let reason): return .rateLimited(retryAfter: seconds, reason: reason)
        case .sourceFailing(let reason, _): return .sourceFailing(reason, retryAfter: seconds)
        default: return self
        }
    }

    /// The reason alone, without the retry time (for status and logs).
    public var reason: String {
        switch kind {
        case .gone: return "the account or video does not exist"
        case .notPublic: return "the account or video is private"
        case .unavailable(let reason): return reason
        case .rateLimited(_, let reason): return reason ?? "rate-limited by the platform"
        case .sourceFailing(let reason, _): return reason
        case .upstream(let message): return message
        }
    }

    public var description: String {
        switch kind {
        case .rateLimited(let seconds, _), .sourceFailing(_, let seconds):
            return reason + (seconds.map { " (retry after \($0) s)" } ?? "")
        case .upstream(let message): return "the platform answered with an error: \(message)"
        default: return reason
        }
    }

    /// Same family, whatever the message or retry time.
    public static func == (a: PlatformSourceError, b: PlatformSourceError) -> Bool {
        switch (a.kind, b.kind) {
        case (.gone, .gone), (.notPublic, .notPublic), (.unavailable, .unavailable), (.rateLimited, .rateLimited),
            (.sourceFailing, .sourceFailing), (.upstream, .upstream):
            return true
        default: return false
        }
    }
}
