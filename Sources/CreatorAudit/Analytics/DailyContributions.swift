// What a change to histories adds to a subject's daily levels (docs/metrics.md, "Subject levels"): per day, per
// counter, Σ over videos of V(day) − V(day − 1) (views/plays stand-ins applied), how many videos' levels of that
// counter become usable that day (a video's daily amount exists from the day after its level is first known), the
// videos added that day, and the change of the followers level (Σ over accounts of their follower levels). Pure
// arithmetic over `VideoHistory` and `FollowerHistory`, the same levels the per-video endpoints use; the Store adds
// the result to the organization's, the account's and the creator's levels in the writer's transaction
// (Store/LevelRepository.swift).

/// Day → per-slot changes, to be added to a subject's cumulative levels.
struct DailyContributions: Sendable, Equatable {
    /// Knowledge that holds on every day (a level known before the first day of any window) is counted here.
    static let alwaysDay = -1_000_000

    /// Slots: 6 amounts, 6 "becomes known" counts, account videos added, tracked videos added, the followers level,
    /// accounts whose followers level became known.
    static let slots = 16
    static let followers = 14
    static let followersKnown = 15

    private(set) var days: [Int: [Int64]] = [:]

    var isEmpty: Bool { days.isEmpty }

    private static let zeroRow = [Int64](repeating: 0, count: slots)

    /// Adds `value` to one slot of one day, in place (copying the day's row out and back allocated a new row for
    /// every change: a good part of a collector batch's work in the writer's transaction, docs/collection.md).
    private mutating func bump(_ day: Int, _ slot: Int, _ value: Int64) {
        guard value != 0 else { return }
        days[day, default: Self.zeroRow][slot] += value
        // A day whose changes cancel out is no change at all.
        if days[day]![slot] == 0, days[day]!.allSatisfy({ $0 == 0 }) { days[day] = nil }
    }

    /// Adds every change of `other`, times `sign`.
    mutating func add(_ other: DailyContributions, sign: Int64 = 1) {
        for (day, values) in other.days {
            for (slot, value) in values.enumerated() { bump(day, slot, sign * value) }
        }
    }

    /// The changes that turn levels into `rows` (cumulative values by day, ascending): the first row as changes from
    /// zero, then the differences of consecutive rows. Used to add or take out a subject's whole levels at once.
    static func changes(toReach rows: [(day: Int, values: [Int64])]) -> DailyContributions {
        var result = DailyContributions()
        var previous = [Int64](repeating: 0, count: slots)
        for row in rows {
            for slot in 0..<slots { result.bump(row.day, slot, row.values[slot] - previous[slot]) }
            previous = row.values
        }
        return result
    }

    /// Adds `sign` × the followers contributions of `history` over `first...last` (and the level known before
    /// `first`). Followers are a level, not growth: a level first known on day d adds its whole value on d.
    mutating func add(_ history: FollowerHistory, from first: Int, through last: Int, sign: Int64) {
        guard first <= last else { return }
        let levels = history.levels(from: first - 1, through: last)
        if let base = levels[0] {
            bump(Self.alwaysDay, Self.followers, sign * base)
            bump(Self.alwaysDay, Self.followersKnown, sign)
        }
        for index in 1..<levels.count {
            guard let current = levels[index] else { continue }
            if let previous = levels[index - 1] {
                bump(first - 1 + index, Self.followers, sign * (current - previous))
            } else {
                bump(first - 1 + index, Self.followers, sign * current)
                bump(first - 1 + index, Self.followersKnown, sign)
            }
        }
    }

    /// Adds `sign` × the contributions of `history` to the days `first...last` (and knowledge from before `first`).
    /// Two histories that agree before `first` and are constant after `last` are compared exactly over that range.
    mutating func add(_ history: VideoHistory, from first: Int, through last: Int, sign: Int64) {
        guard first <= last else { return }
        let levels = history.levels(from: first - 1, through: last)
        for slot in 0..<Counters.count {
            var previous = levels[0][slot: slot]
            if previous != nil { bump(Self.alwaysDay, 6 + slot, sign) }
            for index in 1..<levels.count {
                let level = levels[index][slot: slot]
                defer { previous = level }
                guard let current = level else { continue }
                if let previous {
                    bump(first - 1 + index, slot, sign * (current - previous))
                } else {
                    bump(first + index, 6 + slot, sign)  // usable from the next day on
                }
            }
        }
    }

    /// Counts a video added (`sign` 1) or deleted (-1) on the day of its `added_at`: the overview's video counts at
    /// a window's end are the sums up to that day.
    mutating func countVideo(source: VideoSource, addedAt: Timestamp, sign: Int64) {
        bump(UTCDay.of(addedAt), source == .account ? 12 : 13, sign)
    }

    /// The whole range over which a full history's contributions can differ from another's: from its first row (or
    /// its publication, if earlier) through its last row.
    static func span(_ history: VideoHistory) -> ClosedRange<Int>? {
        guard let firstDay = history.rows.first?.day, let lastDay = history.rows.last?.day else { return nil }
        return min(firstDay, history.publicationDay ?? firstDay)...lastDay
    }

    static func span(_ history: FollowerHistory) -> ClosedRange<Int>? {
        guard let firstDay = history.rows.first?.day, let lastDay = history.rows.last?.day else { return nil }
        return firstDay...lastDay
    }
}
