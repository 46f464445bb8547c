// A subject's amounts over a window, and its followers at the window's end and their change (docs/metrics.md).

struct WindowTotals: Sendable, Equatable {
    var amounts: Counters
    var followerCount: Int64?
    var followerChange: Int64?

    /// The amount of each counter in the window of a video: V(last day) − V(day before the first day).
    static func amounts(_ history: VideoHistory, window: Window) -> Counters {
        history.level(at: window.endDay) - history.level(at: window.startDay - 1)
    }

    /// Followers at the window's end and their change over it (nil before the first snapshot).
    static func followers(_ history: FollowerHistory, window: Window) -> (count: Int64?, change: Int64?) {
        let end = history.level(at: window.endDay)
        let before = history.level(at: window.startDay - 1)
        return (end, end.flatMap { e in before.map { e - $0 } })
    }

    /// Sum of the known values; nil when none is known.
    static func sum(_ values: [Int64?]) -> Int64? {
        let known = values.compactMap { $0 }
        return known.isEmpty ? nil : known.reduce(0, +)
    }

    /// An account without any video has amounts of 0 (nothing happened), not unknown.
    static func zeroIfEmpty(_ counters: Counters?) -> Counters {
        counters ?? Counters(views: 0, plays: 0, likes: 0, comments: 0, shares: 0, saves: nil)
    }
}
