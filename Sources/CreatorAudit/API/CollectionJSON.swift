// The read-only `collection` object on accounts and videos: how fresh the numbers are and why (docs/collection.md,
// "Freshness"). A paused subject has no next refresh.
enum CollectionJSON {
    static func json(_ state: CollectionState, status: CollectionStatus) -> JSONOut {
        .object([
            ("status", .string(status.rawValue)),
            ("next_refresh_at", .timestamp(status == .paused ? nil : state.nextRefreshAt)),
            ("last_attempt_at", .timestamp(state.lastAttemptAt)),
            ("last_error", .optional(state.lastError)),
            ("consecutive_failures", .int(state.consecutiveFailures)),
        ])
    }
}
