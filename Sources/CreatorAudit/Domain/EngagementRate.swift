// Engagement rate (docs/metrics.md) = 100 × (likes + comments + shares) / views, a percentage rounded half away
// from zero to 4 decimals, computed from integers. Where only one of views and plays is reported, each stands in
// for the other. Nil when views are 0 or unknown. Saves are not part of it.

public enum EngagementRate {
    public static func compute(likes: Int64?, comments: Int64?, shares: Int64?, views: Int64?, plays: Int64?) -> Double? {
        let denominator: Int64
        if let views, views > 0 {
            denominator = views
        } else if views == nil || views == 0, let plays, plays > 0 {
            denominator = plays
        } else {
            return nil
        }
        // A window's engagement can be negative (a platform's count went down); the rounding handles the sign.
        let engagement = Int128(likes ?? 0) + Int128(comments ?? 0) + Int128(shares ?? 0)
        return Rounding.fourDecimals(numerator: engagement * 100, denominator: Int128(denominator))
    }
}
