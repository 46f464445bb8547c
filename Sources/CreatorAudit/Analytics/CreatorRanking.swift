// The top-creators board (docs/metrics.md): creators ranked by views, engagement rate or follower growth over a
// window. Unknown values rank last; ties are broken by creator id so the order is total and stable.

enum CreatorRankingOrder: String, Sendable, CaseIterable {
    case views, engagementRate = "engagement_rate", followerGrowth = "follower_growth"
}

struct CreatorStanding: Sendable, Equatable {
    let id: String
    let name: String
    let views: Int64
    let engagementRate: Double?
    let followerGrowth: Int64?

    /// A creator's standing from its accounts' window totals (accounts without totals are skipped).
    init(id: String, name: String, accounts: [WindowTotals]) {
        var sum = Counters()
        for total in accounts { sum = sum + total.amounts }
        self.init(id: id, name: name, views: sum.effectiveViews ?? 0, engagementRate: sum.engagementRate,
                  followerGrowth: WindowTotals.sum(accounts.map(\.followerChange)))
    }

    init(id: String, name: String, views: Int64, engagementRate: Double?, followerGrowth: Int64?) {
        self.id = id
        self.name = name
        self.views = views
        self.engagementRate = engagementRate
        self.followerGrowth = followerGrowth
    }
}

enum CreatorRanking {
    /// Best first; at most `limit`.
    static func rank(_ standings: [CreatorStanding], by order: CreatorRankingOrder, limit: Int) -> [CreatorStanding] {
        Array(standings.sorted { a, b in
            let decided: Bool?
            switch order {
            case .views: decided = higherFirst(a.views, b.views)
            case .engagementRate: decided = higherFirst(a.engagementRate, b.engagementRate)
            case .followerGrowth: decided = higherFirst(a.followerGrowth, b.followerGrowth)
            }
            return decided ?? (a.id < b.id)
        }.prefix(limit))
    }

    /// Nil when equal (the caller breaks the tie); a known value beats an unknown one.
    private static func higherFirst<T: Comparable>(_ x: T?, _ y: T?) -> Bool? {
        switch (x, y) {
        case (let x?, let y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return nil
        }
    }
}
