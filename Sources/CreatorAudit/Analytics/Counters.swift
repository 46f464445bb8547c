// The six video counters and their arithmetic. A counter a platform never reported is nil and is skipped
// in sums (a sum of only nils stays nil).
public struct Counters: Sendable, Equatable {
    public var views: Int64?
    public var plays: Int64?
    public var likes: Int64?
    public var comments: Int64?
    public var shares: Int64?
    public var saves: Int64?

    public static let zero = Counters(views: 0, plays: 0, likes: 0, comments: 0, shares: 0, saves: 0)
    public static let unknown = Counters()

    public init(views: Int64? = nil, plays: Int64? = nil, likes: Int64? = nil, comments: Int64? = nil,
                shares: Int64? = nil, saves: Int64? = nil) {
        self.views = views
        self.plays = plays
        self.likes = likes
        self.comments = comments
        self.shares = shares
        self.saves = saves
    }

    nonisolated(unsafe) static let keyPaths: [WritableKeyPath<Counters, Int64?>] = [\.views, \.plays, \.likes, \.comments, \.shares, \.saves]

    /// Sum that skips unknowns.
    static func + (a: Counters, b: Counters) -> Counters {
        var result = Counters()
        for path in keyPaths {
            switch (a[keyPath: path], b[keyPath: path]) {
            case (nil, nil): result[keyPath: path] = nil
            case (let x?, nil): result[keyPath: path] = x
            case (nil, let y?): result[keyPath: path] = y
            case (let x?, let y?): result[keyPath: path] = x + y
            }
        }
        return result
    }

    /// Difference of two levels; unknown where either is unknown.
    static func - (a: Counters, b: Counters) -> Counters {
        var result = Counters()
        for path in keyPaths {
            if let x = a[keyPath: path], let y = b[keyPath: path] { result[keyPath: path] = x - y }
        }
        return result
    }

    /// likes + comments + shares (unknowns skipped; nil when all unknown).
    var engagement: Int64? {
        let parts = [likes, comments, shares].compactMap { $0 }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }

    var engagementRate: Double? {
        EngagementRate.compute(likes: likes, comments: comments, shares: shares, views: views, plays: plays)
    }

    /// Where only one of views and plays is reported, each stands in for the other (SPEC §6; TikTok: plays = views).
    var withStandIns: Counters {
        var result = self
        if result.views == nil { result.views = plays }
        if result.plays == nil { result.plays = views }
        return result
    }

    /// Views where reported, else plays (TikTok: plays equal views).
    var effectiveViews: Int64? { views ?? plays }
}

/// `_pct` = 100 × (current − previous) / previous, rounded half away from zero to 4 decimals; nil when previous is 0.
enum PeriodChange {
    static func percent(current: Int64?, previous: Int64?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        return round4(100 * Double(current - previous) / Double(previous), exactNumerator: Int128(current - previous) * 1_000_000, denominator: Int128(previous))
    }

    static func percent(current: Double?, previous: Double?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        let value = 100 * (current - previous) / previous
        return (value * 10_000).rounded(.toNearestOrAwayFromZero) / 10_000
    }

    /// Exact rounding from integers: numerator / denominator with half away from zero.
    static func round4(_ approximate: Double, exactNumerator: Int128, denominator: Int128) -> Double {
        let negative = (exactNumerator < 0) != (denominator < 0)
        let n = exactNumerator < 0 ? -exactNumerator : exactNumerator
        let d = denominator < 0 ? -denominator : denominator
        var q = n / d
        if (n % d) * 2 >= d { q += 1 }
        return Double(negative ? -q : q) / 10_000
    }
}
