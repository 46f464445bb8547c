// docs/metrics.md: the engagement rate is rounded half away from zero to 4 decimals, also when a window's
// engagement is negative (counts that went down).
import Testing
@testable import CreatorAudit

@Suite("Engagement rate rounding")
struct EngagementRateTests {
    @Test("half away from zero on both sides of zero")
    func rounding() {
        // 100 × 1 / 2_000_000 = 0.00005 % → 0.0001; its negative → -0.0001 (not 0).
        #expect(EngagementRate.compute(likes: 1, comments: 0, shares: 0, views: 2_000_000, plays: nil) == 0.0001)
        #expect(EngagementRate.compute(likes: -1, comments: 0, shares: 0, views: 2_000_000, plays: nil) == -0.0001)
        // 100 × -2 / 3 = -66.6666… → -66.6667
        #expect(EngagementRate.compute(likes: -3, comments: 1, shares: 0, views: 3, plays: nil) == -66.6667)
        #expect(EngagementRate.compute(likes: 1, comments: 1, shares: 1, views: 0, plays: nil) == nil)
        #expect(EngagementRate.compute(likes: 1, comments: nil, shares: nil, views: nil, plays: 8) == 12.5)
    }
}
