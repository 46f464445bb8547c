// The organization's daily amounts, kept at write time so the overview reads O(days) rows instead of every
// video's history (docs/metrics.md). Row (organization, day) holds, per counter, Σ over the organization's
// videos of V(day) − V(day − 1) (the daily levels of SPEC §6, views/plays stand-ins applied), and how many
// videos' levels of that counter become usable that day (a video's daily amount exists from the day after its
// level is first known). A day's amount is therefore null only where no video's counter was known.
//
// Exactness: every change to a video's rollup rows (a snapshot write, an import, a deletion) adds the difference
// between the video's contributions after and before the change, in the same transaction. Contributions are
// computed from `VideoHistory.levels`, the same code the per-video endpoints use.
import SQLKit

/// Day → per-counter amounts and "becomes known" counts, to be added to `organization_daily`.
struct DailyContributions: Sendable {
    /// Knowledge that holds on every day (a level known before the first day of any window) is counted here.
    static let alwaysDay = -1_000_000

    private(set) var days: [Int: [Int64]] = [:]  // 6 amounts, 6 known counts, account videos added, tracked videos added

    var isEmpty: Bool { days.isEmpty }

    private mutating func bump(_ day: Int, _ slot: Int, _ value: Int64) {
        guard value != 0 else { return }
        var entry = days[day] ?? [Int64](repeating: 0, count: 14)
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

    /// The value columns of `organization_daily`, in slot order.
    static let columns = ["view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count",
                          "views_known", "plays_known", "likes_known", "comments_known", "shares_known", "saves_known",
                          "account_videos_added", "tracked_videos_added"]

    /// Adds these contributions to the organization's rows.
    func apply(organizationID: OrganizationID, in db: any SQLDatabase) async throws {
        let organization = organizationID.description
        let columns = Self.columns
        for chunk in days.sorted(by: { $0.key < $1.key }).chunked(300) {
            var statement: SQLQueryString = """
                INSERT INTO organization_daily (organization_id, day, \(unsafeRaw: columns.joined(separator: ", "))) VALUES
                """
            for (index, (day, values)) in chunk.enumerated() {
                statement = statement + (index == 0 ? " (" : ", (") + "\(bind: organization), \(bind: day)"
                for value in values { statement = statement + ", \(bind: value)" }
                statement = statement + ")"
            }
            // Every value column adds up: `c = organization_daily.c + excluded.c`.
            let sums = columns.map { "\($0) = organization_daily.\($0) + excluded.\($0)" }.joined(separator: ", ")
            try await db.raw(statement + " ON CONFLICT (organization_id, day) DO UPDATE SET \(unsafeRaw: sums)").run()
        }
    }
}

/// Reads and maintenance of `organization_daily`, always for one organization.
struct OrganizationDaily: Sendable {
    /// Daily amounts of the whole organization for each day of `first...last` (null where no video's counter
    /// was known the day before).
    static func series(organizationID: OrganizationID, from first: Int, through last: Int, in db: any SQLDatabase) async throws -> [Counters] {
        guard first <= last else { return [] }
        let rows = try await db.raw("""
            SELECT day, \(unsafeRaw: DailyContributions.columns.prefix(12).joined(separator: ", "))
            FROM organization_daily WHERE organization_id = \(bind: organizationID.description) AND day <= \(bind: last)
            ORDER BY day
            """).all()
        var known = [Int64](repeating: 0, count: 6)
        var output = [Counters](repeating: Counters(), count: last - first + 1)
        var amounts = [[Int64]](repeating: [Int64](repeating: 0, count: 6), count: last - first + 1)
        var index = 0
        var decoded: [(Int, [Int64])] = []
        decoded.reserveCapacity(rows.count)
        for row in rows {
            let day = try row.decode(column: "day", as: Int.self)
            var values: [Int64] = []
            for column in DailyContributions.columns.prefix(12) {
                values.append(try row.decode(column: column, as: Int64.self))
            }
            decoded.append((day, values))
        }
        for day in first...last {
            while index < decoded.count, decoded[index].0 <= day {
                let (rowDay, values) = decoded[index]
                for slot in 0..<6 { known[slot] += values[6 + slot] }
                if rowDay == day { amounts[day - first] = Array(values[0..<6]) }
                index += 1
            }
            var point = Counters()
            for (slot, path) in Counters.keyPaths.enumerated() where known[slot] > 0 {
                point[keyPath: path] = amounts[day - first][slot]
            }
            output[day - first] = point
        }
        return output
    }

    /// Account videos and individually tracked videos of the organization added on or before `day` (and not deleted).
    static func videoCounts(organizationID: OrganizationID, through day: Int, in db: any SQLDatabase) async throws -> (account: Int64, tracked: Int64) {
        let row = try await db.raw("""
            SELECT CAST(COALESCE(SUM(account_videos_added), 0) AS BIGINT) AS account_videos,
                CAST(COALESCE(SUM(tracked_videos_added), 0) AS BIGINT) AS tracked_videos
            FROM organization_daily WHERE organization_id = \(bind: organizationID.description) AND day <= \(bind: day)
            """).first()
        return (try row?.decode(column: "account_videos", as: Int64.self) ?? 0, try row?.decode(column: "tracked_videos", as: Int64.self) ?? 0)
    }

    /// The organization's amounts over `first...last` (null: no video's counter known by the window's end).
    static func window(organizationID: OrganizationID, from first: Int, through last: Int, in db: any SQLDatabase) async throws -> Counters {
        var sum = Counters()
        for day in try await series(organizationID: organizationID, from: first, through: last, in: db) { sum = sum + day }
        return sum
    }

    /// Full histories (every rollup row) of these videos of the organization, with their publication days.
    static func fullHistories(organizationID: OrganizationID, videoIDs: [String], in db: any SQLDatabase) async throws -> [VideoHistory] {
        guard !videoIDs.isEmpty else { return [] }
        let organization = organizationID.description
        var histories: [String: VideoHistory] = [:]
        let refs = try await db.raw("""
            SELECT v.id, v.account_id, v.create_time FROM \(MetricsStore.idList(videoIDs)) CROSS JOIN videos v
            WHERE v.id = ids.column1 AND v.organization_id = \(bind: organization)
            """).all().map(MetricsStore.videoRef)
        for ref in refs {
            histories[ref.id] = VideoHistory(videoID: ref.id, accountID: ref.accountID, publicationDay: ref.publicationDay, rows: [], first: nil)
        }
        let rows = try await db.raw("""
            SELECT video_id, day, view_count, play_count, like_count, comment_count, share_count, saved_count
            FROM video_daily WHERE organization_id = \(bind: organization) AND video_id IN (\(binds: videoIDs))
            ORDER BY video_id, day
            """).all()
        for row in rows {
            let (id, day, counters) = try MetricsStore.decodeDaily(row)
            histories[id]?.rows.append((day, counters))
        }
        return refs.compactMap { ref in
            guard var history = histories[ref.id] else { return nil }
            history.first = history.rows.first?.counters
            return history
        }
    }

    /// The whole range over which a full history's contributions can differ from another's.
    static func span(_ history: VideoHistory) -> ClosedRange<Int>? {
        guard let firstDay = history.rows.first?.day, let lastDay = history.rows.last?.day else { return nil }
        return min(firstDay, history.publicationDay ?? firstDay)...lastDay
    }

    /// Rewrites rows so that each holds the last known value of every counter (the writer's fast path reads a
    /// video's level from its latest row).
    static func carryForward(_ histories: [VideoHistory], organizationID: OrganizationID, in db: any SQLDatabase) async throws {
        let organization = organizationID.description
        for history in histories {
            var known = Counters()
            for row in history.rows {
                var carried = row.counters
                carried.fillMissing(from: known)
                known = carried
                guard carried != row.counters else { continue }
                try await db.raw("""
                    UPDATE video_daily SET view_count = \(bind: carried.views), play_count = \(bind: carried.plays),
                        like_count = \(bind: carried.likes), comment_count = \(bind: carried.comments),
                        share_count = \(bind: carried.shares), saved_count = \(bind: carried.saves)
                    WHERE organization_id = \(bind: organization) AND video_id = \(bind: history.videoID) AND day = \(bind: row.day)
                    """).run()
            }
        }
    }

    /// Takes these videos' contributions out of the organization's rows (before the videos are deleted).
    static func remove(organizationID: OrganizationID, videoIDs: [String], in db: any SQLDatabase) async throws {
        for chunk in videoIDs.chunked(200) {
            var contributions = DailyContributions()
            try await countVideos(organizationID: organizationID, videoIDs: Array(chunk), sign: -1, into: &contributions, in: db)
            for history in try await fullHistories(organizationID: organizationID, videoIDs: Array(chunk), in: db) {
                if let span = span(history) { contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: -1) }
            }
            try await contributions.apply(organizationID: organizationID, in: db)
        }
    }

    private static func countVideos(
        organizationID: OrganizationID, videoIDs: [String], sign: Int64, into contributions: inout DailyContributions, in db: any SQLDatabase
    ) async throws {
        let rows = try await db.raw("""
            SELECT source, added_at FROM videos
            WHERE organization_id = \(bind: organizationID.description) AND id IN (\(binds: videoIDs))
            """).all()
        for row in rows {
            let source = VideoSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .individual
            contributions.countVideo(source: source, addedAt: Timestamp(seconds: try row.decode(column: "added_at", as: Int64.self)), sign: sign)
        }
    }

    /// Builds every organization's rows from the rollups (the migration that adds the table, and repairs).
    static func rebuild(in db: any SQLDatabase) async throws {
        let organizations = try await db.raw("SELECT id FROM organizations ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
        for organization in organizations {
            guard let organizationID = OrganizationID(organization) else { continue }
            try await rebuild(organizationID: organizationID, in: db)
        }
    }

    /// Rebuilds one organization's rows from its videos' rollups (carrying values forward in them first).
    static func rebuild(organizationID: OrganizationID, in db: any SQLDatabase) async throws {
        let organization = organizationID.description
        try await db.raw("DELETE FROM organization_daily WHERE organization_id = \(bind: organization)").run()
        let ids = try await db.raw("SELECT id FROM videos WHERE organization_id = \(bind: organization) ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
        for chunk in ids.chunked(200) {
            let histories = try await fullHistories(organizationID: organizationID, videoIDs: Array(chunk), in: db)
            try await carryForward(histories, organizationID: organizationID, in: db)
            var contributions = DailyContributions()
            try await countVideos(organizationID: organizationID, videoIDs: Array(chunk), sign: 1, into: &contributions, in: db)
            for history in histories {
                if let span = span(history) { contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: 1) }
            }
            try await contributions.apply(organizationID: organizationID, in: db)
        }
    }
}
