// Daily levels (SPEC §6). For a counter, V(d) is the last value at or before the end of day d. Before the
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

    /// V(d) for every counter.
    func level(at day: Int) -> Counters {
        var result = Counters()
        for path in Counters.keyPaths {
            result[keyPath: path] = level(path, at: day)
        }
        return result.withStandIns
    }

    private func level(_ path: WritableKeyPath<Counters, Int64?>, at day: Int) -> Int64? {
        // Last known value on or before `day`.
        var index = rows.count - 1
        while index >= 0 {
            let row = rows[index]
            if row.day <= day, let value = row.counters[keyPath: path] { return value }
            index -= 1
        }
        guard let firstValue = first?[keyPath: path] else { return nil }  // never reported
        if let publicationDay, day < publicationDay { return 0 }
        return firstValue
    }

    /// Levels for each day from `start` through `end`, in one forward pass.
    func levels(from start: Int, through end: Int) -> [Counters] {
        guard start <= end else { return [] }
        var output: [Counters] = []
        output.reserveCapacity(end - start + 1)
        var carried = Counters()
        var index = 0
        // Start from what is known just before `start`.
        for path in Counters.keyPaths { carried[keyPath: path] = nil }
        var known = Counters()
        while index < rows.count, rows[index].day < start {
            for path in Counters.keyPaths where rows[index].counters[keyPath: path] != nil {
                known[keyPath: path] = rows[index].counters[keyPath: path]
            }
            index += 1
        }
        for day in start...end {
            while index < rows.count, rows[index].day == day {
                for path in Counters.keyPaths where rows[index].counters[keyPath: path] != nil {
                    known[keyPath: path] = rows[index].counters[keyPath: path]
                }
                index += 1
            }
            carried = known
            for path in Counters.keyPaths where carried[keyPath: path] == nil {
                if let firstValue = first?[keyPath: path] {
                    carried[keyPath: path] = (publicationDay.map { day < $0 } ?? false) ? 0 : firstValue
                }
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
