// How fresh an account's or video's numbers are: the read-only `collection` object of the API
// (docs/collection.md, "Freshness"). The collector stores what its last attempt came to; the status a client
// sees also depends on whether the subject is paused or unavailable.

/// What a client sees in `collection.status`.
public enum CollectionStatus: String, Sendable, CaseIterable {
    /// Not refreshed yet (a new subject waiting for its first refresh).
    case pending
    /// The last refresh worked; the next is at `next_refresh_at`.
    case ok
    /// The last attempt failed for a transient reason (5xx, timeout, unreadable answer); retried with back-off.
    case retrying
    /// The platform says the profile or video is gone or private, or the source cannot answer for it.
    case unavailable
    /// The subject (or its creator) is paused: it is not refreshed.
    case paused
    /// The platform source as a whole is failing (e.g. an expired token): the subject waits, unpunished.
    case sourceFailing = "source_failing"
}

/// What the collector's last attempt on a subject came to (stored as `collection_state`).
public enum CollectionOutcome: String, Sendable {
    case ok, retrying, unavailable
    case sourceFailing = "source_failing"
}

/// The collector's bookkeeping on one subject.
public struct CollectionState: Sendable, Equatable {
    /// When the subject is due next (nil: never, e.g. a discovered video that left its account's recent posts).
    public var nextRefreshAt: Timestamp?
    public var lastAttemptAt: Timestamp?
    /// Short and secret-free (a `PlatformSourceError.reason`).
    public var lastError: String?
    public var consecutiveFailures: Int
    public var outcome: CollectionOutcome?

    public init(
        nextRefreshAt: Timestamp? = nil, lastAttemptAt: Timestamp? = nil, lastError: String? = nil,
        consecutiveFailures: Int = 0, outcome: CollectionOutcome? = nil
    ) {
        self.nextRefreshAt = nextRefreshAt
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.outcome = outcome
    }

    /// The status a client sees. Paused wins (a paused subject is not refreshed, whatever happened before), then
    /// unavailable; a subject with data but no recorded attempt (imported, demo) is `ok`.
    public func status(isActive: Bool, isUnavailable: Bool, lastScrapeTime: Timestamp?) -> CollectionStatus {
        if !isActive { return .paused }
        if isUnavailable { return .unavailable }
        switch outcome {
        case .sourceFailing: return .sourceFailing
        case .retrying: return .retrying
        case .unavailable: return .unavailable
        case .ok: return .ok
        case nil: return lastScrapeTime == nil ? .pending : .ok
        }
    }
}
