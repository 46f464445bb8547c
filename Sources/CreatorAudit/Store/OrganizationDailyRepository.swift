// `organization_daily`: the organization's daily amounts, kept exact at write time so the overview reads O(days)
// rows instead of every video's history (docs/metrics.md, "Organization daily amounts"). Every change to a video's
// rollup rows (a snapshot write, an import, a deletion) adds the difference between the video's contributions after
// and before the change (Analytics/DailyContributions.swift), in the same transaction.
import SQLKit

struct OrganizationDailyRepository: Sendable {
    let tenant: TenantStore

    /// The value columns, in `DailyContributions` slot order.
    static let columns = ["view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count",
                          "views_known", "plays_known", "likes_known", "comments_known", "shares_known", "saves_known",
                          "account_videos_added", "tracked_videos_added"]

    /// Adds these contributions to the organization's rows.
    func apply(_ contributions: DailyContributions, in db: any SQLDatabase) async throws {
        let columns = Self.columns
        // Every value column adds up: `c = organization_daily.c + excluded.c`.
        let sums = columns.map { "\($0) = organization_daily.\($0) + excluded.\($0)" }.joined(separator: ", ")
        for chunk in contributions.days.sorted(by: { $0.key < $1.key }).chunked(300) {
            var statement: SQLQueryString = """
                INSERT INTO organization_daily (organization_id, day, \(unsafeRaw: columns.joined(separator: ", "))) VALUES
                """
            for (index, (day, values)) in chunk.enumerated() {
                statement = statement + (index == 0 ? " (" : ", (") + "\(bind: tenant.id), \(bind: day)"
                for value in values { statement = statement + ", \(bind: value)" }
                statement = statement + ")"
            }
            try await db.raw(statement + " ON CONFLICT (organization_id, day) DO UPDATE SET \(unsafeRaw: sums)").run()
        }
    }

    /// Daily amounts of the whole organization for each day of `first...last` (null where no video's counter was
    /// known the day before).
    func series(from first: Int, through last: Int) async throws -> [Counters] {
        guard first <= last else { return [] }
        let known = Self.columns.prefix(12)
        let rows = try await tenant.read { db in
            try await db.raw("""
                SELECT day, \(unsafeRaw: known.joined(separator: ", "))
                FROM organization_daily WHERE organization_id = \(bind: tenant.id) AND day <= \(bind: last)
                ORDER BY day
                """).all().map { row -> (Int, [Int64]) in
                    let r = row.reader("organization_daily")
                    return (try r.int("day"), try known.map { try r.int64($0) })
                }
        }
        return Self.series(rows, from: first, through: last)
    }

    /// Folds the rows (day-ordered; values in slot order, 12 of them) into one point per day of the range.
    static func series(_ rows: [(day: Int, values: [Int64])], from first: Int, through last: Int) -> [Counters] {
        var knownCounts = [Int64](repeating: 0, count: 6)
        var output = [Counters](repeating: Counters(), count: last - first + 1)
        var amounts = [[Int64]](repeating: [Int64](repeating: 0, count: 6), count: last - first + 1)
        var index = 0
        for day in first...last {
            while index < rows.count, rows[index].day <= day {
                let (rowDay, values) = rows[index]
                for slot in 0..<6 { knownCounts[slot] += values[6 + slot] }
                if rowDay == day { amounts[day - first] = Array(values[0..<6]) }
                index += 1
            }
            var point = Counters()
            for (slot, path) in Counters.keyPaths.enumerated() where knownCounts[slot] > 0 {
                point[keyPath: path] = amounts[day - first][slot]
            }
            output[day - first] = point
        }
        return output
    }

    /// Account videos and individually tracked videos added on or before `day` (and not deleted).
    func videoCounts(through day: Int) async throws -> (account: Int64, tracked: Int64) {
        try await tenant.read { db in
            let row = try await db.raw("""
                SELECT CAST(COALESCE(SUM(account_videos_added), 0) AS BIGINT) AS account_videos,
                    CAST(COALESCE(SUM(tracked_videos_added), 0) AS BIGINT) AS tracked_videos
                FROM organization_daily WHERE organization_id = \(bind: tenant.id) AND day <= \(bind: day)
                """).first()?.reader("organization_daily")
            return (try row?.int64("account_videos") ?? 0, try row?.int64("tracked_videos") ?? 0)
        }
    }

    /// Full histories (every rollup row) of these videos, with their publication days.
    func fullHistories(videoIDs: [String], in db: any SQLDatabase) async throws -> [VideoHistory] {
        guard !videoIDs.isEmpty else { return [] }
        var histories: [String: VideoHistory] = [:]
        let refs = try await tenant.rollups.videos(ids: videoIDs, source: nil, in: db)
        for ref in refs {
            histories[ref.id] = VideoHistory(videoID: ref.id, accountID: ref.accountID, publicationDay: ref.publicationDay, rows: [], first: nil)
        }
        let rows = try await db.raw("""
            SELECT video_id, day, view_count, play_count, like_count, comment_count, share_count, saved_count
            FROM video_daily WHERE organization_id = \(bind: tenant.id) AND video_id IN (\(binds: videoIDs))
            ORDER BY video_id, day
            """).all()
        for row in rows {
            let (id, day, counters) = try RollupRepository.decodeDaily(row)
            histories[id]?.rows.append((day, counters))
        }
        return refs.compactMap { ref in
            guard var history = histories[ref.id] else { return nil }
            history.first = history.rows.first?.counters
            return history
        }
    }

    /// Rewrites rows so that each holds the last known value of every counter (the writer's fast path reads a
    /// video's level from its latest row).
    func carryForward(_ histories: [VideoHistory], in db: any SQLDatabase) async throws {
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
                    WHERE organization_id = \(bind: tenant.id) AND video_id = \(bind: history.videoID) AND day = \(bind: row.day)
                    """).run()
            }
        }
    }

    /// Takes these videos' contributions out of the organization's rows (before the videos are deleted).
    func remove(videoIDs: [String], in db: any SQLDatabase) async throws {
        for chunk in videoIDs.chunked(200) {
            var contributions = DailyContributions()
            try await countVideos(Array(chunk), sign: -1, into: &contributions, in: db)
            for history in try await fullHistories(videoIDs: Array(chunk), in: db) {
                if let span = DailyContributions.span(history) {
                    contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: -1)
                }
            }
            try await apply(contributions, in: db)
        }
    }

    private func countVideos(_ videoIDs: [String], sign: Int64, into contributions: inout DailyContributions, in db: any SQLDatabase) async throws {
        let rows = try await db.raw("""
            SELECT source, added_at FROM videos WHERE organization_id = \(bind: tenant.id) AND id IN (\(binds: videoIDs))
            """).all()
        for row in rows {
            let r = row.reader("videos")
            contributions.countVideo(source: try r.choice("source"), addedAt: try r.timestamp("added_at"), sign: sign)
        }
    }

    /// Rebuilds the organization's rows from its videos' rollups (carrying values forward in them first): the
    /// migration that added the table, and repairs.
    func rebuild(in db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM organization_daily WHERE organization_id = \(bind: tenant.id)").run()
        let ids = try await db.raw("SELECT id FROM videos WHERE organization_id = \(bind: tenant.id) ORDER BY id").all()
            .map { try $0.reader("videos").string("id") }
        for chunk in ids.chunked(200) {
            let histories = try await fullHistories(videoIDs: Array(chunk), in: db)
            try await carryForward(histories, in: db)
            var contributions = DailyContributions()
            try await countVideos(Array(chunk), sign: 1, into: &contributions, in: db)
            for history in histories {
                if let span = DailyContributions.span(history) {
                    contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: 1)
                }
            }
            try await apply(contributions, in: db)
        }
    }
}
