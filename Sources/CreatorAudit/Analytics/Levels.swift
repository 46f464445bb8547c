// A subject's cumulative levels by day (docs/metrics.md, "Subject levels"): for the organization and for each account,
// the running sums of its videos' daily amounts, of the "becomes known" counts, of the videos added, and of the
// followers level. A row holds the values at the end of its day and stands for every later day until the next row, so
// a day's amount is the difference of two levels, and a window's amount the difference of the levels at its end and
// before its start — O(days) for a series and O(1) for a window, whatever the number of videos.

struct Levels: Sendable, Equatable {
    /// Cumulative values in `DailyContributions` slot order, by day, ascending (possibly starting at `alwaysDay`).
    let rows: [(day: Int, values: [Int64])]

    static func == (a: Levels, b: Levels) -> Bool {
        a.rows.count == b.rows.count && zip(a.rows, b.rows).allSatisfy { $0.day == $1.day && $0.values == $1.values }
    }

    static let zero = [Int64](repeating: 0, count: DailyContributions.slots)

    /// The values at the end of `day`.
    func at(_ day: Int) -> [Int64] {
        var result = Self.zero
        for row in rows where row.day <= day { result = row.values }
        return result
    }

    /// Values at the end of every day of `first...last`, in one pass.
    func each(from first: Int, through last: Int) -> [[Int64]] {
        guard first <= last else { return [] }
        var output: [[Int64]] = []
        output.reserveCapacity(last - first + 1)
        var current = Self.zero
        var index = 0
        for day in first...last {
            while index < rows.count, rows[index].day <= day {
                current = rows[index].values
                index += 1
            }
            output.append(current)
        }
        return output
    }

    /// The amount of each counter from the end of `before` to the end of `end`; nil where no video's counter is known
    /// by `end`.
    static func amounts(from before: [Int64], to end: [Int64]) -> Counters {
        func slot(_ index: Int) -> Int64? { end[6 + index] > 0 ? end[index] - before[index] : nil }
        return Counters(views: slot(0), plays: slot(1), likes: slot(2), comments: slot(3), shares: slot(4), saves: slot(5))
    }

    /// The followers level (Σ over accounts with a known level); nil while none is known.
    static func followers(_ values: [Int64]) -> Int64? {
        values[DailyContributions.followersKnown] > 0 ? values[DailyContributions.followers] : nil
    }

    /// One point per day of the window: the day's amounts and the followers at its end.
    func series(_ window: Window) -> [SeriesPoint] {
        let values = each(from: window.startDay - 1, through: window.endDay)
        return (1..<values.count).map { index in
            SeriesPoint(day: window.startDay + index - 1, followers: Self.followers(values[index]),
                        amounts: Self.amounts(from: values[index - 1], to: values[index]))
        }
    }

    /// Amounts over the window and the followers at its end. The followers change is the account's own (nil unless
    /// the level was known before the window): over several accounts, sum their changes.
    func totals(_ window: Window) -> WindowTotals {
        let before = at(window.startDay - 1), end = at(window.endDay)
        let count = Self.followers(end)
        let change = Self.followers(before).flatMap { b in count.map { $0 - b } }
        return WindowTotals(amounts: Self.amounts(from: before, to: end), followerCount: count, followerChange: change)
    }
}
