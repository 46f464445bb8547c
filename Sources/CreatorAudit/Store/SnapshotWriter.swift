// Writes snapshots: the raw row, the day's rollup (last snapshot of the UTC day wins), the latest counters on the
// account or video, and the organization's daily amounts — all in the caller's transaction, so they never disagree
// (docs/metrics.md). Batches rows into multi-row statements: importing a year of history is one statement per few
// hundred rows. Only subjects of the store's own organization can be written: any other id is a not-found error,
// raised before anything is written.
import Foundation
import SQLKit

public struct SnapshotWriter: Sendable {
    static let batchSize = 1_000
    let tenant: TenantStore

    /// Snapshot rows are written as SQL text, not binds: encoding and serialising one bind per value dominated
    /// the cost of these multi-row statements (profiled: most of the CPU of `demo`, on both engines). Only typed
    /// values go in — `Int64`s and the canonical form of UUID ids (hex digits and dashes) — so nothing can be
    /// injected (`SQLValues`).
    static func id(_ id: some UUIDIdentifier) -> String { "'" + id.description + "'" }

    /// `(values), (values), …` for a multi-row INSERT: `values` writes one row's values (`SQLValues`).
    static func rows<C: Collection>(_ rows: C, columns: Int, _ values: (C.Element, inout SQLValues) -> Void)
        -> SQLQueryString
    {
        var text = SQLValues(rows: rows.count, columns: columns)
        for row in rows { text.row { values(row, &$0) } }
        return text.query
    }

    /// Runs a multi-row `INSERT … ON CONFLICT DO NOTHING` and returns how many rows it inserted (the rest were stored
    /// already: a re-imported file). The engines report that differently; this is the one place that knows.
    private func insertCounting(_ insert: SQLQueryString, in db: any SQLDatabase) async throws -> Int {
        switch tenant.database.engine {
        case .postgres:
            return try await db.raw("WITH inserted AS (\(insert) RETURNING 1) SELECT COUNT(*) AS n FROM inserted")
                .first()?.reader("snapshots").int("n") ?? 0
        case .sqlite:
            try await db.raw(insert).run()
            return try await db.raw("SELECT changes() AS n").first()?.reader("snapshots").int("n") ?? 0
        }
    }

    /// Stores account snapshots; returns how many were new (a snapshot of the same account and instant is kept
    /// once). `refreshLatest: false` leaves the accounts' latest counters to one later
    /// `refreshLatest(accountIDs:in:)` (an import touching the same accounts in every batch).
    @discardableResult
    public func write(accounts: [AccountSnapshot], refreshLatest: Bool = true, in db: any SQLDatabase) async throws -> Int {
        var changes = LevelChanges()
        let inserted = try await write(
            accounts: accounts, refreshLatest: refreshLatest, addingLevelChangesTo: &changes, in: db)
        try await tenant.levels.apply(changes, in: db)
        return inserted
    }

    /// The same, leaving the levels' changes to the caller (see `write(videos:refreshLatest:addingLevelChangesTo:in:)`).
    @discardableResult
    func write(
        accounts: [AccountSnapshot], refreshLatest: Bool, addingLevelChangesTo changes: inout LevelChanges,
        in db: any SQLDatabase
    ) async throws -> Int {
        var inserted = 0
        let organization = "'" + tenant.id + "'"
        let ids = Array(Set(accounts.map(\.accountID.description))).sorted()
        for chunk in ids.chunked(500) {
            // The ids drive the lookup (as in `refreshLatestChunk`): with `organization_id = ? AND id IN (…)` SQLite
            // walked one of the organization's account indexes, every account of it, for each collector batch.
            let found = try await db.raw("""
                SELECT a.id FROM \(RollupRepository.idList(Array(chunk))) CROSS JOIN accounts a
                WHERE a.id = ids.column1 AND a.organization_id = \(bind: tenant.id)
                """).all().count
            guard found == chunk.count else { throw DomainError.notFound("account") }
        }
        // The followers levels from the earliest day written on, before and after: their difference goes to the
        // organization's and the accounts' levels.
        let firstDay = accounts.map { UTCDay.of($0.observedAt) }.min() ?? 0
        let rollups = tenant.rollups
        let before = try await rollups.followerHistories(accountIDs: ids, firstDay: firstDay, lastDay: Int.max / 2, in: db)
        for batch in accounts.chunked(Self.batchSize) {
            let raw = Self.rows(batch, columns: 6) { snapshot, row in
                row.sql(organization)
                row.id(snapshot.accountID)
                row.number(snapshot.observedAt.seconds)
                row.number(snapshot.followerCount)
                row.number(snapshot.followingCount)
                row.number(snapshot.profilePostCount)
            }
            inserted += try await insertCounting("""
                INSERT INTO account_snapshots (organization_id, account_id, observed_at, follower_count, following_count,
                    profile_post_count) VALUES \(raw) ON CONFLICT (account_id, observed_at) DO NOTHING
                """, in: db)

            let lastOfDay = Self.lastPerDay(batch, key: { $0.accountID.description }, time: \.observedAt)
            let daily = Self.rows(lastOfDay, columns: 7) { snapshot, row in
                row.sql(organization)
                row.id(snapshot.accountID)
                row.number(Int64(UTCDay.of(snapshot.observedAt)))
                row.number(snapshot.observedAt.seconds)
                row.number(snapshot.followerCount)
                row.number(snapshot.followingCount)
                row.number(snapshot.profilePostCount)
            }
            try await db.raw("""
                INSERT INTO account_daily (organization_id, account_id, day, observed_at, follower_count, following_count,
                    profile_post_count) VALUES \(daily)
                ON CONFLICT (account_id, day) DO UPDATE SET observed_at = excluded.observed_at,
                    follower_count = COALESCE(excluded.follower_count, account_daily.follower_count),
                    following_count = COALESCE(excluded.following_count, account_daily.following_count),
                    profile_post_count = COALESCE(excluded.profile_post_count, account_daily.profile_post_count)
                WHERE excluded.observed_at >= account_daily.observed_at
                """).run()
        }
        let after = try await rollups.followerHistories(accountIDs: ids, firstDay: firstDay, lastDay: Int.max / 2, in: db)
        for (old, new) in zip(before, after) {
            let last = max(old.rows.last?.day ?? firstDay, new.rows.last?.day ?? firstDay)
            var contributions = DailyContributions()
            contributions.add(new, from: firstDay, through: last, sign: 1)
            contributions.add(old, from: firstDay, through: last, sign: -1)
            changes.add(contributions, account: new.accountID)
        }
        if refreshLatest {
            try await self.refreshLatest(accountIDs: ids, in: db)
        }
        return inserted
    }

    /// Copies each account's newest snapshot onto the account row (latest counters, first and last scrape time): one
    /// statement per 500 accounts (a collector batch or an import's accounts), the ids driving the lookup
    /// (`RollupRepository.idList`).
    public func refreshLatest(accountIDs: [String], in db: any SQLDatabase) async throws {
        let organization = tenant.id
        for chunk in accountIDs.chunked(500) where !chunk.isEmpty {
            try await db.raw("""
                UPDATE accounts SET
                    follower_count = COALESCE((SELECT s.follower_count FROM account_snapshots s WHERE s.account_id = accounts.id
                        ORDER BY s.observed_at DESC LIMIT 1), follower_count),
                    following_count = COALESCE((SELECT s.following_count FROM account_snapshots s WHERE s.account_id = accounts.id
                        ORDER BY s.observed_at DESC LIMIT 1), following_count),
                    profile_post_count = COALESCE((SELECT s.profile_post_count FROM account_snapshots s
                        WHERE s.account_id = accounts.id ORDER BY s.observed_at DESC LIMIT 1), profile_post_count),
                    first_scrape_time = (SELECT MIN(s.observed_at) FROM account_snapshots s WHERE s.account_id = accounts.id),
                    last_scrape_time = (SELECT MAX(s.observed_at) FROM account_snapshots s WHERE s.account_id = accounts.id)
                WHERE id IN (SELECT a.id FROM \(RollupRepository.idList(Array(chunk))) CROSS JOIN accounts a
                    WHERE a.id = ids.column1 AND a.organization_id = \(bind: organization))
                """).run()
        }
    }

    /// Stores video snapshots; returns how many were new. `refreshLatest: false` leaves the videos' latest counters
    /// (and their accounts' totals) to one later `refreshLatest(videoIDs:in:)`.
    @discardableResult
    public func write(videos: [VideoSnapshot], refreshLatest: Bool = true, in db: any SQLDatabase) async throws -> Int {
        var changes = LevelChanges()
        let inserted = try await write(videos: videos, refreshLatest: refreshLatest, addingLevelChangesTo: &changes, in: db)
        try await tenant.levels.apply(changes, in: db)
        return inserted
    }

    /// The same, except that the difference the write makes to the subjects' levels is added to `changes` instead
    /// of written: the caller applies it (`levels.apply`) as the last statement of its transaction. The
    /// organization's level rows are shared by every writer of the organization, so on PostgreSQL concurrent
    /// writers of one organization queue on them until they commit; the less of a transaction follows them, the
    /// more of them get through (the collector's refreshes, docs/collection.md).
    @discardableResult
    func write(
        videos: [VideoSnapshot], refreshLatest: Bool, addingLevelChangesTo changes: inout LevelChanges,
        in db: any SQLDatabase
    ) async throws -> Int {
        try await write(videos: videos, refreshLatest: refreshLatest, addingLevelChangesTo: &changes, schedule: nil,
                        in: db).inserted
    }

    /// What an account refresh records on the videos it saw: refreshed at `at`, due again at `next[videoID]`.
    struct VideoSchedule {
        var at: Timestamp
        var next: [String: Timestamp]
        /// Videos the same transaction inserted already holding what this write would copy onto them — the counters
        /// of their one snapshot here, its time as first and last scrape time, this schedule (a post first seen:
        /// `Refresher`). Their rows are left as they are: no second row version, no index entries changed twice. Their
        /// rollup state is known too — no rollup row yet — and is not read back (`VideoRepository.insert` wrote it).
        var inserted: [String: VideoRef] = [:]
    }

    /// The same; with `schedule` (the collector's account refresh), the videos it names are also marked refreshed and
    /// due again in the statement that copies their latest counters — one new row version instead of two. Returns,
    /// with the count, the ids so recorded (the others are the caller's: history that arrived out of order).
    func write(
        videos: [VideoSnapshot], refreshLatest: Bool, addingLevelChangesTo changes: inout LevelChanges,
        schedule: VideoSchedule?, in db: any SQLDatabase
    ) async throws -> (inserted: Int, scheduled: Set<String>) {
        var scheduled = Set<String>()
        var inserted = 0
        let organization = "'" + tenant.id + "'"
        var byVideo: [String: [VideoSnapshot]] = [:]
        for snapshot in videos { byVideo[snapshot.videoID.description, default: []].append(snapshot) }
        let ids = byVideo.keys.sorted()
        // Read first: an id of another organization (or none) fails the whole call before anything is written.
        let fresh = schedule?.inserted ?? [:]
        var states = try await videoStates(ids: ids.filter { fresh[$0] == nil }, in: db)
        for id in ids { if let ref = fresh[id] { states[id] = VideoState(ref: ref) } }
        guard states.count == ids.count else { throw DomainError.notFound("video") }
        for batch in videos.chunked(Self.batchSize) {
            let raw = Self.rows(batch, columns: 9) { s, row in
                row.sql(organization)
                row.id(s.videoID)
                row.number(s.observedAt.seconds)
                row.counters(s.counters)
            }
            inserted += try await insertCounting("""
                INSERT INTO video_snapshots (organization_id, video_id, observed_at, view_count, play_count, like_count,
                    comment_count, share_count, saved_count) VALUES \(raw) ON CONFLICT (video_id, observed_at) DO NOTHING
                """, in: db)

        }
        // Rollups and the organization's daily amounts for the whole call at once: one read of the videos' state
        // per 1,000 videos rather than per 1,000 snapshots (an import batch or a seeder call holds many days).
        let outOfOrder = try await writeVideoDaily(byVideo: byVideo, states: states, into: &changes, in: db)
        if refreshLatest {
            // A video whose snapshots all came after its stored ones (the collector, the demo): its newest snapshot
            // is in hand, and one statement per chunk copies them all. Out-of-order history is read back.
            var newest: [(id: String, snapshot: VideoSnapshot, earliest: Int64)] = []
            var current = Set<String>()
            for id in ids where !outOfOrder.contains(id) {
                let snapshots = byVideo[id]!
                if snapshots.count == 1, fresh[id] != nil {
                    current.insert(id)
                    continue
                }
                // The first of equal instants, as the insert kept it (ON CONFLICT DO NOTHING).
                var latest = snapshots[0]
                var earliest = latest.observedAt.seconds
                for snapshot in snapshots.dropFirst() {
                    if snapshot.observedAt > latest.observedAt { latest = snapshot }
                    earliest = min(earliest, snapshot.observedAt.seconds)
                }
                newest.append((id, latest, earliest))
            }
            for chunk in newest.chunked(300) { try await copyLatest(Array(chunk), schedule: schedule, in: db) }
            if let schedule { scheduled = current.union(newest.map(\.id).filter { schedule.next[$0] != nil }) }
            let slow = ids.filter(outOfOrder.contains)
            for chunk in slow.chunked(500) { try await readBackLatest(videoIDs: Array(chunk), in: db) }
            let accounts = Set(ids.compactMap { id in states[id].flatMap { $0.ref.source == .account ? $0.ref.accountID : nil } })
            try await sumAccountTotals(accountIDs: accounts.sorted(), in: db)
        }
        return (inserted, scheduled)
    }

    /// Copies each video's newest snapshot (newer than any it had) onto the video row in one statement.
    /// With `schedule`, the videos it names are marked refreshed and due again in the same statement.
    private func copyLatest(
        _ newest: [(id: String, snapshot: VideoSnapshot, earliest: Int64)], schedule: VideoSchedule?,
        in db: any SQLDatabase
    ) async throws {
        guard !newest.isEmpty else { return }
        let values = Self.rows(newest, columns: 10) { video, row in
            row.id(video.snapshot.videoID)
            row.counters(video.snapshot.counters)
            row.number(video.earliest)
            row.number(video.snapshot.observedAt.seconds)
            row.number(schedule?.next[video.id]?.seconds)
        }
        // column10: the next due time where `schedule` names the video (NULL: its schedule is left alone).
        var scheduling: SQLQueryString = ""
        if let schedule {
            let at = String(schedule.at.seconds)
            scheduling = """
                , next_refresh_at = CASE WHEN n.column10 IS NULL THEN videos.next_refresh_at
                    ELSE CAST(n.column10 AS BIGINT) END,
                last_attempt_at = CASE WHEN n.column10 IS NULL THEN videos.last_attempt_at ELSE \(unsafeRaw: at) END,
                last_error = CASE WHEN n.column10 IS NULL THEN videos.last_error ELSE NULL END,
                consecutive_failures = CASE WHEN n.column10 IS NULL THEN videos.consecutive_failures ELSE 0 END,
                collection_state = CASE WHEN n.column10 IS NULL THEN videos.collection_state ELSE 'ok' END,
                is_unavailable = CASE WHEN n.column10 IS NULL THEN videos.is_unavailable ELSE 0 END
                """
        }
        // VALUES columns are column1… on both engines; the casts type a column that holds only NULLs (PostgreSQL
        // would call it text).
        try await db.raw("""
            UPDATE videos SET view_count = CAST(n.column2 AS BIGINT), play_count = CAST(n.column3 AS BIGINT),
                like_count = CAST(n.column4 AS BIGINT), comment_count = CAST(n.column5 AS BIGINT),
                share_count = CAST(n.column6 AS BIGINT), saved_count = CAST(n.column7 AS BIGINT),
                first_scrape_time = CASE WHEN videos.first_scrape_time IS NULL OR videos.first_scrape_time > n.column8
                    THEN CAST(n.column8 AS BIGINT) ELSE videos.first_scrape_time END,
                last_scrape_time = CAST(n.column9 AS BIGINT)\(scheduling)
            FROM (VALUES \(values)) AS n
            WHERE videos.organization_id = \(bind: tenant.id) AND videos.id = n.column1
            """).run()
    }

    /// A video's rollup state before a write: its publication day, first row and latest row.
    private struct VideoState {
        /// The video as the levels need it (its account, for an account's levels).
        var ref: VideoRef
        var publicationDay: Int? { ref.publicationDay }
        var first: Counters?
        var latest: (day: Int, observedAt: Int64, counters: Counters)?
        /// The row before the latest: the level on the day before the latest day (rows carry values forward).
        var previous: (day: Int, counters: Counters)?
    }

    /// Writes one batch's daily rollup rows and adds the difference they make to the subjects' levels (the organization's
    /// and, for discovered videos, their account's).
    ///
    /// Fast path (every snapshot of a video observed after its latest row — the collector and most imports): the
    /// new rows are computed here, each carrying forward the last known value of every counter, and the video's
    /// contribution changes only from its latest day on. Otherwise (history arriving out of order) the video's
    /// whole history is read before and after the write and compared.
    /// Returns the videos whose history arrived out of order.
    private func writeVideoDaily(
        byVideo: [String: [VideoSnapshot]], states: [String: VideoState], into changes: inout LevelChanges,
        in db: any SQLDatabase
    ) async throws -> Set<String> {
        let organizationText = "'" + tenant.id + "'"
        let ids = byVideo.keys.sorted()

        var rows: [(video: String, videoID: VideoID, day: Int, observedAt: Int64, counters: Counters)] = []
        var slow: [String] = []
        for id in ids {
            let snapshots = byVideo[id]!.sorted { $0.observedAt < $1.observedAt }
            let state = states[id]
            if let latest = state?.latest, snapshots[0].observedAt.seconds <= latest.observedAt {
                slow.append(id)
                for snapshot in Self.lastPerDay(snapshots[...], key: { $0.videoID.description }, time: \.observedAt) {
                    rows.append((id, snapshot.videoID, UTCDay.of(snapshot.observedAt), snapshot.observedAt.seconds, snapshot.counters))
                }
                continue
            }
            // Fast path: fold the snapshots in time order onto the latest known levels.
            var known = state?.latest?.counters ?? Counters()
            var newRows: [(day: Int, counters: Counters)] = []
            for snapshot in snapshots {
                var merged = snapshot.counters
                merged.fillMissing(from: known)
                known = merged
                let day = UTCDay.of(snapshot.observedAt)
                if let last = rows.last, last.video == id, last.day == day {
                    rows[rows.count - 1] = (id, snapshot.videoID, day, snapshot.observedAt.seconds, merged)
                    newRows[newRows.count - 1] = (day, merged)
                } else {
                    rows.append((id, snapshot.videoID, day, snapshot.observedAt.seconds, merged))
                    newRows.append((day, merged))
                }
            }
            guard let state else { continue }  // unreachable: `write` checked every id
            let lastDay = newRows[newRows.count - 1].day
            if let latest = state.latest {
                let previous = state.previous.map { [$0] } ?? []
                let before = VideoHistory(videoID: id, accountID: nil, publicationDay: state.publicationDay,
                                          rows: previous + [(latest.day, latest.counters)], first: state.first)
                var after = before
                after.rows = previous + (latest.day < newRows[0].day ? [(latest.day, latest.counters)] : []) + newRows
                var contributions = DailyContributions()
                contributions.add(after, from: latest.day, through: lastDay, sign: 1)
                contributions.add(before, from: latest.day, through: lastDay, sign: -1)
                changes.add(contributions, video: state.ref)
            } else {
                let history = VideoHistory(videoID: id, accountID: nil, publicationDay: state.publicationDay,
                                           rows: newRows, first: newRows[0].counters)
                let firstDay = min(newRows[0].day, state.publicationDay ?? newRows[0].day)
                var contributions = DailyContributions()
                contributions.add(history, from: firstDay, through: lastDay, sign: 1)
                changes.add(contributions, video: state.ref)
            }
        }

        let rollups = tenant.rollups
        let slowBefore = try await rollups.fullHistories(videoIDs: slow, in: db)
        for chunk in rows.chunked(Self.batchSize) {
            let daily = Self.rows(chunk, columns: 10) { daily, row in
                row.sql(organizationText)
                row.id(daily.videoID)
                row.number(Int64(daily.day))
                row.number(daily.observedAt)
                row.counters(daily.counters)
            }
            try await db.raw("""
                INSERT INTO video_daily (organization_id, video_id, day, observed_at, view_count, play_count, like_count,
                    comment_count, share_count, saved_count) VALUES \(daily)
                ON CONFLICT (video_id, day) DO UPDATE SET observed_at = excluded.observed_at,
                    view_count = COALESCE(excluded.view_count, video_daily.view_count),
                    play_count = COALESCE(excluded.play_count, video_daily.play_count),
                    like_count = COALESCE(excluded.like_count, video_daily.like_count),
                    comment_count = COALESCE(excluded.comment_count, video_daily.comment_count),
                    share_count = COALESCE(excluded.share_count, video_daily.share_count),
                    saved_count = COALESCE(excluded.saved_count, video_daily.saved_count)
                WHERE excluded.observed_at >= video_daily.observed_at
                """).run()
        }
        if !slow.isEmpty {
            // Out-of-order history: carry values forward over the whole history again, then compare.
            try await rollups.carryForward(try await rollups.fullHistories(videoIDs: slow, in: db), in: db)
            let slowAfter = try await rollups.fullHistories(videoIDs: slow, in: db)
            let beforeByID = Dictionary(uniqueKeysWithValues: slowBefore.map { ($0.history.videoID, $0.history) })
            for (ref, after) in slowAfter {
                guard let before = beforeByID[after.videoID], let a = DailyContributions.span(after) else { continue }
                let b = DailyContributions.span(before) ?? a
                let range = min(a.lowerBound, b.lowerBound)...max(a.upperBound, b.upperBound)
                var contributions = DailyContributions()
                contributions.add(after, from: range.lowerBound, through: range.upperBound, sign: 1)
                contributions.add(before, from: range.lowerBound, through: range.upperBound, sign: -1)
                changes.add(contributions, video: ref)
            }
        }
        return Set(slow)
    }

    /// Publication day, latest row and the row before it (and so the first row's levels) of each video of the organization among `ids`.
    private func videoStates(ids allIDs: [String], in db: any SQLDatabase) async throws -> [String: VideoState] {
        var states: [String: VideoState] = [:]
        for chunk in allIDs.chunked(1000) {
            try await videoStates(ids: Array(chunk), into: &states, in: db)
        }
        return states
    }

    private func videoStates(ids: [String], into states: inout [String: VideoState], in db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        for ref in try await tenant.rollups.videos(ids: ids, source: nil, in: db) {
            states[ref.id] = VideoState(ref: ref)
        }
        // The latest row (OFFSET 0) and the one before it (OFFSET 1). The first row is not read: with one row it is
        // the latest; with more, the row before the latest already carries every counter the first row knew.
        for offset in [0, 1] {
            let rows = try await db.raw("""
                SELECT d.video_id, d.day, d.observed_at, d.view_count, d.play_count, d.like_count, d.comment_count,
                    d.share_count, d.saved_count
                FROM \(RollupRepository.idList(ids)) CROSS JOIN videos v CROSS JOIN video_daily d
                WHERE v.id = ids.column1 AND v.organization_id = \(bind: tenant.id) AND d.video_id = v.id
                    AND d.day = (SELECT x.day FROM video_daily x WHERE x.video_id = v.id
                        ORDER BY x.day DESC LIMIT 1 OFFSET \(unsafeRaw: String(offset)))
                """).all()
            for row in rows {
                let (id, day, counters) = try RollupRepository.decodeDaily(row)
                if offset == 0 {
                    states[id]?.latest = (day, try row.reader("video_daily").int64("observed_at"), counters)
                } else {
                    states[id]?.previous = (day, counters)
                }
            }
        }
        for id in ids {
            guard var state = states[id] else { continue }
            state.first = state.previous?.counters ?? state.latest?.counters
            states[id] = state
        }
    }

    /// Copies each video's newest snapshot onto the video row, then re-sums its account's totals.
    public func refreshLatest(videoIDs: [String], in db: any SQLDatabase) async throws {
        // In chunks: the account lookup binds every id, and engines cap the binds of one statement.
        for chunk in videoIDs.chunked(500) {
            try await refreshLatestChunk(videoIDs: Array(chunk), in: db)
        }
    }

    private func refreshLatestChunk(videoIDs: [String], in db: any SQLDatabase) async throws {
        try await readBackLatest(videoIDs: videoIDs, in: db)
        // The ids drive the lookup: with `organization_id = ? AND id IN (…)` SQLite walked the organization's videos.
        let accountRows = try await db.raw("""
            SELECT DISTINCT v.account_id FROM \(RollupRepository.idList(videoIDs)) CROSS JOIN videos v
            WHERE v.id = ids.column1 AND v.organization_id = \(bind: tenant.id) AND v.source = 'account'
                AND v.account_id IS NOT NULL
            """).all()
        try await sumAccountTotals(accountIDs: try accountRows.map { try $0.reader("videos").string("account_id") }, in: db)
    }

    /// Copies each video's newest snapshot onto the video row, read from its stored snapshots.
    private func readBackLatest(videoIDs: [String], in db: any SQLDatabase) async throws {
        let organization = tenant.id
        for videoID in videoIDs {
            try await db.raw("""
                UPDATE videos SET
                    view_count = (SELECT s.view_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    play_count = (SELECT s.play_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    like_count = (SELECT s.like_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    comment_count = (SELECT s.comment_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    share_count = (SELECT s.share_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    saved_count = (SELECT s.saved_count FROM video_snapshots s WHERE s.video_id = videos.id ORDER BY s.observed_at DESC LIMIT 1),
                    first_scrape_time = (SELECT MIN(s.observed_at) FROM video_snapshots s WHERE s.video_id = videos.id),
                    last_scrape_time = (SELECT MAX(s.observed_at) FROM video_snapshots s WHERE s.video_id = videos.id)
                WHERE organization_id = \(bind: organization) AND id = \(bind: videoID)
                """).run()
        }
    }

    /// Re-sums each account's totals over its discovered videos: one statement per 500 accounts, one pass over each
    /// account's videos (an account without any gets zeros).
    private func sumAccountTotals(accountIDs: [String], in db: any SQLDatabase) async throws {
        let organization = tenant.id
        for chunk in accountIDs.chunked(500) where !chunk.isEmpty {
            try await db.raw("""
                UPDATE accounts SET view_count = t.views, play_count = t.plays, like_count = t.likes,
                    comment_count = t.comments, share_count = t.shares,
                    saved_count = CASE WHEN accounts.platform = 'tiktok' THEN NULL ELSE t.saves END,
                    total_post_count = t.posts
                FROM (SELECT ids.column1 AS account_id,
                        COALESCE(SUM(COALESCE(v.view_count, v.play_count)), 0) AS views,
                        COALESCE(SUM(COALESCE(v.play_count, v.view_count)), 0) AS plays,
                        COALESCE(SUM(v.like_count), 0) AS likes, COALESCE(SUM(v.comment_count), 0) AS comments,
                        COALESCE(SUM(v.share_count), 0) AS shares, COALESCE(SUM(v.saved_count), 0) AS saves,
                        COUNT(v.id) AS posts
                    FROM \(RollupRepository.idList(Array(chunk))) LEFT JOIN videos v
                        ON v.organization_id = \(bind: organization) AND v.account_id = ids.column1 AND v.source = 'account'
                    GROUP BY ids.column1) AS t
                WHERE accounts.organization_id = \(bind: organization) AND accounts.id = t.account_id
                """).run()
        }
    }

    /// Within one batch, the last snapshot per (subject, day): a multi-row upsert may not touch a row twice.
    static func lastPerDay<T>(_ rows: ArraySlice<T>, key: (T) -> String, time: KeyPath<T, Timestamp>) -> [T] {
        var latest: [String: T] = [:]
        var order: [String] = []
        for row in rows {
            let slot = key(row) + "|" + String(UTCDay.of(row[keyPath: time]))
            if let existing = latest[slot] {
                if row[keyPath: time] >= existing[keyPath: time] { latest[slot] = row }
            } else {
                latest[slot] = row
                order.append(slot)
            }
        }
        return order.compactMap { latest[$0] }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
