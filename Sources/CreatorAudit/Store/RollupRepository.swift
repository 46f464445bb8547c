// Reads the daily rollups of one organization for analytics (docs/metrics.md): at most one row per subject per
// day asked, plus one "carry" row per subject (its latest day before the range).
import Foundation
import SQLKit

/// A video as the analytics need it: its id, how it is tracked, its account, its publication day and when it was added.
struct VideoRef: Sendable {
    let id: String
    let source: VideoSource
    let accountID: String?
    let publicationDay: Int?
    let addedAt: Timestamp
}

extension Video {
    /// The video as the levels need it.
    var ref: VideoRef {
        VideoRef(
            id: id.description, source: source, accountID: accountID?.description,
            publicationDay: createTime.map(UTCDay.of), addedAt: addedAt)
    }
}

struct RollupRepository: Sendable {
    let tenant: TenantStore

    /// Videos of the organization among `ids` (any source unless given).
    func videos(ids: [String], source: VideoSource?) async throws -> [VideoRef] {
        guard !ids.isEmpty else { return [] }
        return try await tenant.read { db in try await videos(ids: ids, source: source, in: db) }
    }

    func videos(ids: [String], source: VideoSource?, in db: any SQLDatabase) async throws -> [VideoRef] {
        guard !ids.isEmpty else { return [] }
        var query: SQLQueryString = """
            SELECT v.id, v.source, v.account_id, v.create_time, v.added_at FROM \(Self.idList(ids)) CROSS JOIN videos v
            WHERE v.id = ids.column1 AND v.organization_id = \(bind: tenant.id)
            """
        if let source { query = query + " AND v.source = \(bind: source.rawValue)" }
        return try await db.raw(query).all().map(Self.videoRef)
    }

    /// The account videos of these accounts (or of every account when `accountIDs` is nil), plus — for the
    /// organization as a whole — its individual videos when `includeIndividual`.
    func videos(accountIDs: [String]?, includeIndividual: Bool) async throws -> [VideoRef] {
        var query: SQLQueryString = """
            SELECT id, source, account_id, create_time, added_at FROM videos WHERE organization_id = \(bind: tenant.id)
            """
        if let accountIDs {
            if accountIDs.isEmpty { return [] }
            query = query + " AND source = 'account' AND account_id IN (\(binds: accountIDs))"
        } else if !includeIndividual {
            query = query + " AND source = 'account'"
        }
        let built = query
        return try await tenant.read { db in try await db.raw(built).all().map(Self.videoRef) }
    }

    static func videoRef(_ row: any SQLRow) throws -> VideoRef {
        let r = row.reader("videos")
        return VideoRef(id: try r.string("id"), source: try r.choice("source"), accountID: try r.optionalString("account_id"),
                        publicationDay: try r.optionalTimestamp("create_time").map(UTCDay.of), addedAt: try r.timestamp("added_at"))
    }

    /// Histories able to answer levels for every day in `firstDay...lastDay`.
    func histories(videos: [VideoRef], firstDay: Int, lastDay: Int) async throws -> [VideoHistory] {
        guard !videos.isEmpty else { return [] }
        var byID: [String: VideoHistory] = [:]
        for video in videos {
            byID[video.id] = VideoHistory(videoID: video.id, accountID: video.accountID, publicationDay: video.publicationDay, rows: [], first: nil)
        }
        let organization = tenant.id
        for chunk in videos.map(\.id).chunked(500) {
            let ids = Array(chunk)
            let windowRows = try await tenant.readValues("""
                SELECT video_id, day, view_count, play_count, like_count, comment_count, share_count, saved_count
                FROM video_daily WHERE organization_id = \(bind: organization) AND video_id IN (\(binds: ids))
                    AND day >= \(bind: firstDay) AND day <= \(bind: lastDay)
                """).map(Self.daily)
            let carryRows = try await tenant.readValues(Self.rowAtOrBefore(day: firstDay - 1, organization: organization, ids: ids)).map(Self.daily)
            // The first row only matters before a video's first row; rows carry values forward, so a video with a row
            // before the range needs nothing more.
            let carried = Set(carryRows.map(\.id))
            let uncarried = ids.filter { !carried.contains($0) }
            let firstRows = uncarried.isEmpty ? [] : try await tenant.readValues(Self.firstRow(organization: organization, ids: uncarried)).map(Self.daily)
            for row in carryRows + windowRows { byID[row.id]?.rows.append((row.day, row.counters)) }
            for row in firstRows { byID[row.id]?.first = row.counters }
        }
        return videos.compactMap { byID[$0.id] }.map { history in
            var sorted = history
            sorted.rows.sort { $0.day < $1.day }
            return sorted
        }
    }

    /// Histories that can answer levels only at `days` (window ends), reading one row per video per day asked:
    /// each video's latest rollup row at or before the day — a correlated `ORDER BY day DESC LIMIT 1`, which both
    /// engines answer by walking the `(video_id, day)` index backwards one step (`MAX(day)` scanned the range) — and,
    /// for videos without a row at the earliest day, their first row.
    func endpointHistories(videos: [VideoRef], days: [Int]) async throws -> [VideoHistory] {
        guard !videos.isEmpty else { return [] }
        var byID: [String: VideoHistory] = [:]
        for video in videos {
            byID[video.id] = VideoHistory(videoID: video.id, accountID: video.accountID, publicationDay: video.publicationDay, rows: [], first: nil)
        }
        let organization = tenant.id
        let targets = Array(Set(days)).sorted()
        for chunk in videos.map(\.id).chunked(1000) {
            let ids = Array(chunk)
            var rows: [(id: String, day: Int, counters: Counters)] = []
            for day in targets {
                rows += try await tenant.readValues(Self.rowAtOrBefore(day: day, organization: organization, ids: ids)).map(Self.daily)
            }
            // First rows only for videos without a row at the earliest day asked (see `histories`).
            let covered = Set(rows.filter { $0.day <= targets[0] }.map(\.id))
            let uncovered = ids.filter { !covered.contains($0) }
            if !uncovered.isEmpty {
                for row in try await tenant.readValues(Self.firstRow(organization: organization, ids: uncovered)).map(Self.daily) {
                    byID[row.id]?.first = row.counters
                }
            }
            for row in rows where byID[row.id]?.rows.contains(where: { $0.day == row.day }) == false {
                byID[row.id]?.rows.append((row.day, row.counters))
            }
        }
        return videos.compactMap { byID[$0.id] }.map { history in
            var sorted = history
            sorted.rows.sort { $0.day < $1.day }
            return sorted
        }
    }

    /// `(VALUES (?), (?), …) AS ids` — a driving table of the ids asked for, so both engines look each id up by
    /// primary key (with `id IN (…)` next to `organization_id = ?`, SQLite without statistics walked the whole
    /// organization's index instead). Its column is `ids.column1` on both engines. Callers write
    /// `FROM \(idList) CROSS JOIN videos v WHERE v.id = ids.column1 AND …`: SQLite keeps a CROSS JOIN's order (the
    /// bundled SQLite otherwise scanned the organization's videos against the list), PostgreSQL plans it freely.
    static func idList(_ ids: [String]) -> SQLQueryString {
        var list: SQLQueryString = "(VALUES "
        for (index, id) in ids.enumerated() { list += (index == 0 ? "(" : ", (") + "\(bind: id))" }
        return list + ") AS ids"
    }

    /// Each video's rollup row on its latest day at or before `day`: the day is found per video (one backwards step
    /// of the `(video_id, day)` index), then its row by primary key. Only videos of the organization. Every table is
    /// CROSS JOINed in the order written, so SQLite can only walk ids → video → row (a derived table in between lets
    /// it flatten the query and pick another order; see `LevelRepository.accountLevels`).
    static func rowAtOrBefore(day: Int, organization: String, ids: [String]) -> SQLQueryString {
        """
        SELECT d.video_id, d.day, d.view_count, d.play_count, d.like_count, d.comment_count, d.share_count, d.saved_count
        FROM \(idList(ids)) CROSS JOIN videos v CROSS JOIN video_daily d
        WHERE v.id = ids.column1 AND v.organization_id = \(bind: organization) AND d.video_id = v.id
            AND d.day = (SELECT x.day FROM video_daily x WHERE x.video_id = v.id
                AND x.day <= \(bind: day) ORDER BY x.day DESC LIMIT 1)
        """
    }

    /// Each video's first rollup row (one forward step of the index).
    static func firstRow(organization: String, ids: [String]) -> SQLQueryString {
        """
        SELECT d.video_id, d.day, d.view_count, d.play_count, d.like_count, d.comment_count, d.share_count, d.saved_count
        FROM \(idList(ids)) CROSS JOIN videos v CROSS JOIN video_daily d
        WHERE v.id = ids.column1 AND v.organization_id = \(bind: organization) AND d.video_id = v.id
            AND d.day = (SELECT x.day FROM video_daily x WHERE x.video_id = v.id ORDER BY x.day LIMIT 1)
        """
    }

    /// A rollup row read by position: video_id, day, then the six counters.
    static func daily(_ values: [DatabaseValue]) throws -> (id: String, day: Int, counters: Counters) {
        guard values.count == 8, let id = values[0].string, let day = values[1].int64 else {
            throw CorruptRow(table: "video_daily", column: "video_id, day")
        }
        return (id, Int(day), Counters(views: values[2].int64, plays: values[3].int64, likes: values[4].int64,
                                       comments: values[5].int64, shares: values[6].int64, saves: values[7].int64))
    }

    static func decodeDaily(_ row: any SQLRow) throws -> (String, Int, Counters) {
        let r = row.reader("video_daily")
        return (try r.string("video_id"), try r.int("day"), try r.counters())
    }

    /// Follower histories of accounts for `firstDay...lastDay` (with the carry row before it).
    func followerHistories(accountIDs: [String], firstDay: Int, lastDay: Int) async throws -> [FollowerHistory] {
        guard !accountIDs.isEmpty else { return [] }
        return try await tenant.read { db in try await followerHistories(accountIDs: accountIDs, firstDay: firstDay, lastDay: lastDay, in: db) }
    }

    func followerHistories(accountIDs: [String], firstDay: Int, lastDay: Int, in db: any SQLDatabase) async throws -> [FollowerHistory] {
        guard !accountIDs.isEmpty else { return [] }
        let organization = tenant.id
        var byID: [String: FollowerHistory] = [:]
        for id in accountIDs { byID[id] = FollowerHistory(accountID: id, rows: []) }
        for chunk in accountIDs.chunked(500) {
            let ids = Array(chunk)
            let window = try await db.raw("""
                SELECT account_id, day, follower_count FROM account_daily
                WHERE organization_id = \(bind: organization) AND account_id IN (\(binds: ids))
                    AND day >= \(bind: firstDay) AND day <= \(bind: lastDay) AND follower_count IS NOT NULL
                """).all()
            // The outer side names the accounts too: joined on the grouped subquery alone, PostgreSQL scanned the
            // whole account_daily table once per collector batch (BENCHMARKS.md, "Collector").
            let carry = try await db.raw("""
                SELECT d.account_id, d.day, d.follower_count FROM account_daily d JOIN (
                    SELECT account_id, MAX(day) AS day FROM account_daily
                    WHERE organization_id = \(bind: organization) AND account_id IN (\(binds: ids)) AND day < \(bind: firstDay)
                        AND follower_count IS NOT NULL
                    GROUP BY account_id) m ON d.account_id = m.account_id AND d.day = m.day
                WHERE d.organization_id = \(bind: organization) AND d.account_id IN (\(binds: ids))
                """).all()
            for row in carry + window {
                let r = row.reader("account_daily")
                if let followers = try r.optionalInt64("follower_count") {
                    byID[try r.string("account_id")]?.rows.append((try r.int("day"), followers))
                }
            }
        }
        return accountIDs.compactMap { byID[$0] }.map { history in
            var sorted = history
            sorted.rows.sort { $0.day < $1.day }
            return sorted
        }
    }

    /// Full histories (every rollup row) of these videos, with their references.
    func fullHistories(videoIDs: [String], in db: any SQLDatabase) async throws -> [(ref: VideoRef, history: VideoHistory)] {
        guard !videoIDs.isEmpty else { return [] }
        var histories: [String: VideoHistory] = [:]
        let refs = try await videos(ids: videoIDs, source: nil, in: db)
        for ref in refs {
            histories[ref.id] = VideoHistory(videoID: ref.id, accountID: ref.accountID, publicationDay: ref.publicationDay, rows: [], first: nil)
        }
        let rows = try await db.raw("""
            SELECT video_id, day, view_count, play_count, like_count, comment_count, share_count, saved_count
            FROM video_daily WHERE organization_id = \(bind: tenant.id) AND video_id IN (\(binds: videoIDs))
            ORDER BY video_id, day
            """).all()
        for row in rows {
            let (id, day, counters) = try Self.decodeDaily(row)
            histories[id]?.rows.append((day, counters))
        }
        return refs.compactMap { ref in
            guard var history = histories[ref.id] else { return nil }
            history.first = history.rows.first?.counters
            return (ref, history)
        }
    }

    /// Rewrites rows so that each holds the last known value of every counter (the writer's fast path reads a
    /// video's level from its latest row).
    func carryForward(_ histories: [(ref: VideoRef, history: VideoHistory)], in db: any SQLDatabase) async throws {
        for (_, history) in histories {
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

    /// Takes these videos' contributions (history and the count of videos) out of their subjects' levels, before the
    /// videos are deleted.
    func removeContributions(videoIDs: [String], in db: any SQLDatabase) async throws {
        for chunk in videoIDs.chunked(200) {
            var changes = LevelChanges()
            for (ref, history) in try await fullHistories(videoIDs: Array(chunk), in: db) {
                var contributions = DailyContributions()
                contributions.countVideo(source: ref.source, addedAt: ref.addedAt, sign: -1)
                if let span = DailyContributions.span(history) {
                    contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: -1)
                }
                changes.add(contributions, video: ref)
            }
            try await tenant.levels.apply(changes, in: db)
        }
    }
}
