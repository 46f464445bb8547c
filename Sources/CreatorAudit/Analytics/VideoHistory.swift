// Daily levels (docs/metrics.md). For a counter, V(d) is the last value at or before the end of day d. Before the
// first snapshot, V(d) is 0 on days before the video's publication day and the first snapshot's value from
// the publication day on (so growth before tracking began counts on the publication day, and tracking an
// old video late adds no fake growth); with an unknown publication time, the first snapshot's value.
// An amount in a window is V(last day) − V(day before the first day), so daily amounts add up exactly.

/// One subject's daily rollup rows, sorted by day, plus its first row ever.
struct VideoHistory: Sendable {
    let videoID: String
    let accountID: String?
    let publicationDay: Int?
    /// Rows used for levels: at least the latest row before the range asked for, and every row inside it.
    var rows: [(day: Int, counters: Counters)]
    /// The first row ever (nil: never snapshotted).
    var first: Counters?

    /// V(d) for every counter: the last known value on or before `day`; before the first snapshot, 0 before
    /// publication and the first snapshot's value from it on; unknown where never reported.
    func level(at day: Int) -> Counters {
        var known = Counters()
        for row in rows where row.day <= day { known.overlay(row.counters) }
        if let first { known.fillMissing(from: first, asZero: publicationDay.map { day < $0 } ?? false) }
        return known.withStandIns
    }

    /// Levels for each day from `start` through `end`, in one forward pass.
    func levels(from start: Int, through end: Int) -> [Counters] {
        guard start <= end else { return [] }
        var output: [Counters] = []
        output.reserveCapacity(end - start + 1)
        var index = 0
        // Start from what is known just before `start`.
        var known = Counters()
        while index < rows.count, rows[index].day < start {
            known.overlay(rows[index].counters)
            index += 1
        }
        for day in start...end {
            while index < rows.count, rows[index].day == day {
                known.overlay(rows[index].counters)
                index += 1
            }
            var carried = known
            if let first {
                // Before the first snapshot: 0 before publication, the first snapshot's value from it on.
                carried.fillMissing(from: first, asZero: publicationDay.map { day < $0 } ?? false)
            }
            output.append(carried.withStandIns)
        }
        return output
    }
}

/// An account's follower level by day: the last snapshot at or before the end of the day; nil before the first.
struct FollowerHistory: Sendable {
    let accountID: String
    var rows: [(day: Int, followers: Int64)]

    func level(at day: Int) -> Int64? {
        var result: Int64?
        for row in rows where row.day <= day { result = row.followers }
        return result
    }

    func levels(from start: Int, through end: Int) -> [Int64?] {
        guard start <= end else { return [] }
        var output: [Int64?] = []
        var current: Int64?
        var index = 0
        while index < rows.count, rows[index].day < start {
            current = rows[index].followers
            index += 1
        }
        for day in start...end {
            while index < rows.count, rows[index].day == day {
                current = rows[index].followers
                index += 1
            }
            output.append(current)
        }
        return output
    }
}
