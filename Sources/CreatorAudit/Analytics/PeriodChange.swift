// Period-over-period change (docs/metrics.md): `_pct` = 100 × (current − previous) / previous, rounded half away
// from zero to 4 decimals; nil when previous is 0 or either side is unknown.

enum PeriodChange {
    /// From integers, exactly.
    static func percent(current: Int64?, previous: Int64?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        return Rounding.fourDecimals(numerator: Int128(current - previous) * 100, denominator: Int128(previous))
    }

    /// From rates (engagement rate is itself rounded to 4 decimals).
    static func percent(current: Double?, previous: Double?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        return Rounding.fourDecimals(100 * (current - previous) / previous)
    }
}
