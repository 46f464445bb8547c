// The six video counters — views, plays, likes, comments, shares, saves — and their arithmetic: the one definition
// used by snapshots, videos, account totals, daily levels and window amounts (docs/metrics.md). A counter a
// platform never reported is nil and is skipped in sums (a sum of only nils stays nil).
public struct Counters: Sendable, Equatable {
    public var views: Int64?
    public var plays: Int64?
    public var likes: Int64?
    public var comments: Int64?
    public var shares: Int64?
    public var saves: Int64?

    public static let zero = Counters(views: 0, plays: 0, likes: 0, comments: 0, shares: 0, saves: 0)

    public init(views: Int64? = nil, plays: Int64? = nil, likes: Int64? = nil, comments: Int64? = nil,
                shares: Int64? = nil, saves: Int64? = nil) {
        self.views = views
        self.plays = plays
        self.likes = likes
        self.comments = comments
        self.shares = shares
        self.saves = saves
    }

    /// How many counters there are; `self[slot:]` reads them by position.
    static let count = 6

    /// The counter at `slot`, in the order views, plays, likes, comments, shares, saves. (A switch, not key paths:
    /// key-path access was a sixth of an analytics request's CPU, and most of the collector's level arithmetic.)
    @inline(__always) subscript(slot slot: Int) -> Int64? {
        switch slot {
        case 0: views
        case 1: plays
        case 2: likes
        case 3: comments
        case 4: shares
        default: saves
        }
    }

    /// Sum that skips unknowns (field by field, see `subscript(slot:)`).
    static func + (a: Counters, b: Counters) -> Counters {
        @inline(__always) func add(_ x: Int64?, _ y: Int64?) -> Int64? {
            guard let x else { return y }
            guard let y else { return x }
            return x + y
        }
        return Counters(views: add(a.views, b.views), plays: add(a.plays, b.plays), likes: add(a.likes, b.likes),
                        comments: add(a.comments, b.comments), shares: add(a.shares, b.shares), saves: add(a.saves, b.saves))
    }

    /// Difference of two levels; unknown where either is unknown.
    static func - (a: Counters, b: Counters) -> Counters {
        @inline(__always) func subtract(_ x: Int64?, _ y: Int64?) -> Int64? {
            guard let x, let y else { return nil }
            return x - y
        }
        return Counters(views: subtract(a.views, b.views), plays: subtract(a.plays, b.plays), likes: subtract(a.likes, b.likes),
                        comments: subtract(a.comments, b.comments), shares: subtract(a.shares, b.shares),
                        saves: subtract(a.saves, b.saves))
    }

    /// Every counter `other` knows replaces ours.
    mutating func overlay(_ other: Counters) {
        if let value = other.views { views = value }
        if let value = other.plays { plays = value }
        if let value = other.likes { likes = value }
        if let value = other.comments { comments = value }
        if let value = other.shares { shares = value }
        if let value = other.saves { saves = value }
    }

    /// Every counter we do not know is taken from `other` (as 0 when `asZero`, where `other` knows it).
    mutating func fillMissing(from other: Counters, asZero: Bool = false) {
        @inline(__always) func pick(_ value: Int64?) -> Int64? { asZero ? value.map { _ in 0 } : value }
        if views == nil { views = pick(other.views) }
        if plays == nil { plays = pick(other.plays) }
        if likes == nil { likes = pick(other.likes) }
        if comments == nil { comments = pick(other.comments) }
        if shares == nil { shares = pick(other.shares) }
        if saves == nil { saves = pick(other.saves) }
    }

    /// likes + comments + shares (unknowns skipped; nil when all unknown).
    var engagement: Int64? {
        let parts = [likes, comments, shares].compactMap { $0 }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }

    var engagementRate: Double? {
        EngagementRate.compute(likes: likes, comments: comments, shares: shares, views: views, plays: plays)
    }

    /// Where only one of views and plays is reported, each stands in for the other (docs/metrics.md; TikTok: plays = views).
    var withStandIns: Counters {
        var result = self
        if result.views == nil { result.views = plays }
        if result.plays == nil { result.plays = views }
        return result
    }

    /// Views where reported, else plays (TikTok: plays equal views).
    var effectiveViews: Int64? { views ?? plays }
}
