// Reads daily rollups for analytics. Every query is scoped by organization id and reads at most
// one row per subject per day, plus one "carry" row per subject (its latest day before the range).
import Foundation
import SQLKit

struct MetricsStore: Sendable {
    let database: Database

    struct VideoRef: Sendable {
        let id: String
        let accountID: String?
        let publicationDay: Int?
    }

    /// Videos of the organization among `ids` (any source unless given).
    func videos(organizationID: OrganizationID, ids: [String], source: VideoSource?) async throws -> [VideoRef] {
        guard !ids.isEmpty else { return [] }
        var query: SQLQueryString = """
            SELECT v.id, v.account_id, v.create_time FROM \(Self.idList(ids)) CROSS JOIN videos v
            WHERE v.id = ids.column1 AND v.organization_id = \(bind: organizationID.description)
            """
        if let source { query = query + " AND v.source = \(bind: source.rawValue)" }
        let built = query
        return try await database.read { db in try await db.raw(built).all().map(Self.videoRef) }
    }

    /// The account videos of these accounts (or of every account when `accountIDs` is nil), plus — for the
    /// organization as a whole — its individual videos when `includeIndividual`.
    func videos(organizationID: OrganizationID, accountIDs: [String]?, includeIndividual: Bool) async throws -> [VideoRef] {
        var query: SQLQueryString = "SELECT id, account_id, create_time FROM videos WHERE organization_id = \(bind: organizationID.description)"
        if let accountIDs {
            if accountIDs.isEmpty { return [] }
            query = query + " AND source = 'account' AND account_id IN (\(binds: accountIDs))"
        } else if !includeIndividual {
            query = query + " AND source = 'account'"
        }
        let built = query
        return try await database.read { db in try await db.raw(built).all().map(Self.videoRef) }
    }

    static func videoRef(_ row: any SQLRow) throws -> VideoRef {
        VideoRef(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decodeOptional(column: "account_id", as: String.self),
            publicationDay: try row.decodeOptional(column: "create_time", as: Int64.self).map { UTCDay.of(Timestamp(seconds: $0)) })
    }

    /// Histories able to answer levels for every day in `firstDay...lastDay`.
    func histories(organizationID: OrganizationID, videos: [VideoRef], firstDay: Int, lastDay: Int) async throws -> [VideoHistory] {
        guard !videos.isEmpty else { return [] }
        var byID: [String: VideoHistory] = [:]
        for video in videos {
            byID[video.id] = VideoHistory(videoID: video.id, accountID: video.accountID, publicationDay: video.publicationDay, rows: [], first: nil)
        }
        let organization = organizationID.description
        for chunk in videos.map(\.id).chunked(500) {
            let ids = Array(chunk)
            let (windowRows, carryRows, firstRows) = try await database.read { db in
                let window = try await db.raw("""
                    SELECT video_id, day, view_count, play_count, like_count, comment_count, share_count, saved_count
                    FROM video_daily WHERE organization_id = \(bind: organization) AND video_id IN (\(binds: ids))
                        AND day >= \(bind: firstDay) AND day <= \(bind: lastDay)
                    """).all()
                let carry = try await db.raw(Self.rowAtOrBefore(day: firstDay - 1, organization: organization, ids: ids)).all()
                // The first row only matters before a video's first row; rows carry values forward, so a video with
                // a row before the range needs nothing more.
                let carried = Set(try carry.map { try $0.decode(column: "video_id", as: String.self) })
                let uncarried = ids.filter { !carried.contains($0) }
                let first = uncarried.isEmpty ? [] : try await db.raw(Self.firstRow(organization: organization, ids: uncarried)).all()
                return (window, carry, first)
            }
            for row in carryRows + windowRows {
                let (id, day, counters) = try Self.decodeDaily(row)
                byID[id]?.rows.append((day, counters))
            }
            for row in firstRows {
                let (id, _, counters) = try Self.decodeDaily(row)
                byID[id]?.first = counters
            }
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
    func endpointHistories(organizationID: OrganizationID, videos: [VideoRef], days: [Int]) async throws -> [VideoHistory] {
        guard !videos.isEmpty else { return [] }
        var byID: [String: VideoHistory] = [:]
        for video in videos {
            byID[video.id] = VideoHistory(videoID: video.id, accountID: video.accountID, publicationDay: video.publicationDay, rows: [], first: nil)
        }
        let organization = organizationID.description
        let targets = Array(Set(days)).sorted()
        for chunk in videos.map(\.id).chunked(1000) {
            let ids = Array(chunk)
            let results = try await database.read { db -> [(Int?, [any SQLRow])] in
                var results: [(Int?, [any SQLRow])] = []
                for day in targets {
                    results.append((day, try await db.raw(Self.rowAtOrBefore(day: day, organization: organization, ids: ids)).all()))
                }
                // First rows only for videos without a row at the earliest day asked (see `histories`).
                let covered = Set(try (results.first?.1 ?? []).map { try $0.decode(column: "video_id", as: String.self) })
                let uncovered = ids.filter { !covered.contains($0) }
                if !uncovered.isEmpty {
                    results.append((nil, try await db.raw(Self.firstRow(organization: organization, ids: uncovered)).all()))
                }
                return results
            }
            for (day, rows) in results {
                for row in rows {
                    let (id, rowDay, counters) = try Self.decodeDaily(row)
                    if day == nil {
                        byID[id]?.first = counters
                    } else if byID[id]?.rows.contains(where: { $0.day == rowDay }) == false {
                        byID[id]?.rows.append((rowDay, counters))
                    }
                }
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
        for (index, id) in ids.enumerated() { list = list + (index == 0 ? "(" : ", (") + "\(bind: id))" }
        return list + ") AS ids"
    }

    /// Each video's rollup row on its latest day at or before `day`: the day is found per video (one backwards step
    /// of the `(video_id, day)` index), then its row by primary key. Only videos of the organization.
    static func rowAtOrBefore(day: Int, organization: String, ids: [String]) -> SQLQueryString {
        """
        SELECT d.video_id, d.day, d.view_count, d.play_count, d.like_count, d.comment_count, d.share_count, d.saved_count
        FROM (SELECT v.id AS video_id, (SELECT x.day FROM video_daily x WHERE x.video_id = v.id
                AND x.day <= \(bind: day) ORDER BY x.day DESC LIMIT 1) AS day
              FROM \(idList(ids)) CROSS JOIN videos v WHERE v.id = ids.column1 AND v.organization_id = \(bind: organization)) t
        JOIN video_daily d ON d.video_id = t.video_id AND d.day = t.day
        """
    }

    /// Each video's first rollup row (one forward step of the index).
    static func firstRow(organization: String, ids: [String]) -> SQLQueryString {
        """
        SELECT d.video_id, d.day, d.view_count, d.play_count, d.like_count, d.comment_count, d.share_count, d.saved_count
        FROM (SELECT v.id AS video_id, (SELECT x.day FROM video_daily x WHERE x.video_id = v.id ORDER BY x.day LIMIT 1) AS day
              FROM \(idList(ids)) CROSS JOIN videos v WHERE v.id = ids.column1 AND v.organization_id = \(bind: organization)) t
        JOIN video_daily d ON d.video_id = t.video_id AND d.day = t.day
        """
    }

    static func decodeDaily(_ row: any SQLRow) throws -> (String, Int, Counters) {
        (try row.decode(column: "video_id", as: String.self), try row.decode(column: "day", as: Int.self),
         Counters(views: try row.decodeOptional(column: "view_count", as: Int64.self),
                  plays: try row.decodeOptional(column: "play_count", as: Int64.self),
                  likes: try row.decodeOptional(column: "like_count", as: Int64.self),
                  comments: try row.decodeOptional(column: "comment_count", as: Int64.self),
                  shares: try row.decodeOptional(column: "share_count", as: Int64.self),
                  saves: try row.decodeOptional(column: "saved_count", as: Int64.self)))
    }

    /// Follower histories of accounts for `firstDay...lastDay` (with the carry row before it).
    func followerHistories(organizationID: OrganizationID, accountIDs: [String], firstDay: Int, lastDay: Int) async throws -> [FollowerHistory] {
        guard !accountIDs.isEmpty else { return [] }
        let organization = organizationID.description
        var byID: [String: FollowerHistory] = [:]
        for id in accountIDs { byID[id] = FollowerHistory(accountID: id, rows: []) }
        for chunk in accountIDs.chunked(500) {
            let ids = Array(chunk)
            let rows = try await database.read { db in
                let window = try await db.raw("""
                    SELECT account_id, day, follower_count FROM account_daily
                    WHERE organization_id = \(bind: organization) AND account_id IN (\(binds: ids))
                        AND day >= \(bind: firstDay) AND day <= \(bind: lastDay) AND follower_count IS NOT NULL
                    """).all()
                let carry = try await db.raw("""
                    SELECT d.account_id, d.day, d.follower_count FROM account_daily d JOIN (
                        SELECT account_id, MAX(day) AS day FROM account_daily
                        WHERE organization_id = \(bind: organization) AND account_id IN (\(binds: ids)) AND day < \(bind: firstDay)
                            AND follower_count IS NOT NULL
                        GROUP BY account_id) m ON d.account_id = m.account_id AND d.day = m.day
                    """).all()
                return carry + window
            }
            for row in rows {
                let id = try row.decode(column: "account_id", as: String.self)
                if let followers = try row.decodeOptional(column: "follower_count", as: Int64.self) {
                    byID[id]?.rows.append((try row.decode(column: "day", as: Int.self), followers))
                }
            }
        }
        return accountIDs.compactMap { byID[$0] }.map { history in
            var sorted = history
            sorted.rows.sort { $0.day < $1.day }
            return sorted
        }
    }
}
