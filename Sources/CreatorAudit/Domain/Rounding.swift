// The product rounds every ratio it prints (engagement rates, period-over-period changes) half away from zero to
// 4 decimals (docs/metrics.md). One implementation, exact where the inputs are integers.

enum Rounding {
    /// numerator / denominator to 4 decimals, half away from zero, computed on integers (no float error).
    static func fourDecimals(numerator: Int128, denominator: Int128) -> Double {
        precondition(denominator != 0, "callers check the denominator")
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator < 0 ? -numerator : numerator
        let d = denominator < 0 ? -denominator : denominator
        let scaled = n * 10_000
        var quotient = scaled / d
        if (scaled % d) * 2 >= d { quotient += 1 }
        return Double(negative ? -quotient : quotient) / 10_000
    }

    /// A floating-point value to 4 decimals, half away from zero.
    static func fourDecimals(_ value: Double) -> Double {
        (value * 10_000).rounded(.toNearestOrAwayFromZero) / 10_000
    }
}
