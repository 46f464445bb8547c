// SPEC §6: engagement rate = 100 × (likes + comments + shares) / views, a percentage rounded half away from
// zero to 4 decimals, computed from integers. Where only one of views and plays is reported, each stands in
// for the other. Null when views are 0 or unknown. Saves are not part of it.
public enum EngagementRate {
    public static func compute(likes: Int64?, comments: Int64?, shares: Int64?, views: Int64?, plays: Int64?) -> Double? {
        let denominator: Int64
        if let views, views > 0 {
            denominator = views
        } else if (views == nil || views == 0), let plays, plays > 0, views == nil || views == 0 {
            denominator = plays
        } else {
            return nil
        }
        let engagement = Int128(likes ?? 0) + Int128(comments ?? 0) + Int128(shares ?? 0)
        // 100 × 10⁴ (four decimals) × engagement / views, rounded half away from zero. The denominator is > 0;
        // a window's engagement can be negative (a platform's count went down), so round the magnitude.
        let scaled = (engagement < 0 ? -engagement : engagement) * 1_000_000
        var quotient = scaled / Int128(denominator)
        let remainder = scaled % Int128(denominator)
        if remainder * 2 >= Int128(denominator) { quotient += 1 }
        return Double(engagement < 0 ? -quotient : quotient) / 10_000
    }
}
