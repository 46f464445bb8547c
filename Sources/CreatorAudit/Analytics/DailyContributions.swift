// What a change to videos' histories adds to the organization's daily amounts (docs/metrics.md, "Organization
// daily amounts"): per day, per counter, Σ over videos of V(day) − V(day − 1) (views/plays stand-ins applied), and
// how many videos' levels of that counter become usable that day (a video's daily amount exists from the day after
// its level is first known). Pure arithmetic over `VideoHistory`, the same levels the per-video endpoints use; the
// Store adds the result to `organization_daily` in the writer's transaction (Store/OrganizationDailyRepository.swift).

/// Day → per-counter amounts and "becomes known" counts, to be added to `organization_daily`.
struct DailyContributions: Sendable {
    /// Knowledge that holds on every day (a level known before the first day of any window) is counted here.
    static let alwaysDay = -1_000_000

    /// Slots: 6 amounts, 6 "becomes known" counts, account videos added, tracked videos added.
    static let slots = 14

    private(set) var days: [Int: [Int64]] = [:]

    var isEmpty: Bool { days.isEmpty }

    private mutating func bump(_ day: Int, _ slot: Int, _ value: Int64) {
        guard value != 0 else { return }
        var entry = days[day] ?? [Int64](repeating: 0, count: Self.slots)
        entry[slot] += value
        if entry.allSatisfy({ $0 == 0 }) { days[day] = nil } else { days[day] = entry }
    }

    /// Adds `sign` × the contributions of `history` to the days `first...last` (and knowledge from before `first`).
    /// Two histories that agree before `first` and are constant after `last` are compared exactly over that range.
    mutating func add(_ history: VideoHistory, from first: Int, through last: Int, sign: Int64) {
        guard first <= last else { return }
        let levels = history.levels(from: first - 1, through: last)
        for (slot, path) in Counters.keyPaths.enumerated() {
            if levels[0][keyPath: path] != nil { bump(Self.alwaysDay, 6 + slot, sign) }
            for index in 1..<levels.count {
                guard let current = levels[index][keyPath: path] else { continue }
                if let previous = levels[index - 1][keyPath: path] {
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
}
