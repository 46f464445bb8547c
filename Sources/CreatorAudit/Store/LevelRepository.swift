// `subject_levels`: the cumulative levels of the organization and of each account (Analytics/Levels.swift, and
// docs/metrics.md, "Subject levels"), kept exact at write time. Every change to videos' or accounts' histories (a
// snapshot write, an import, a deletion, a video added) adds its `DailyContributions` to the subjects it belongs to, in
// the same transaction: the organization gets every video and account, an account its discovered videos and its own
// followers. A row holds the values at the end of its day and stands for every later day until the next row.
import SQLKit

/// Whose levels: the organization as a whole, or one account.
enum LevelSubject: Hashable, Sendable {
    case organization
    case account(String)

    var type: String {
        switch self {
        case .organization: return "organization"
        case .account: return "account"
        }
    }
}

/// Contributions grouped by the subjects they belong to.
struct LevelChanges: Sendable {
    private(set) var bySubject: [LevelSubject: DailyContributions] = [:]

    var isEmpty: Bool { bySubject.values.allSatisfy(\.isEmpty) }

    /// A video's contributions count for the organization and, for a discovered video, for its account.
    mutating func add(_ contributions: DailyContributions, video: VideoRef, sign: Int64 = 1) {
        add(contributions, to: .organization, sign: sign)
        if video.source == .account, let accountID = video.accountID { add(contributions, to: .account(accountID), sign: sign) }
    }

    /// An account's followers contributions count for the organization and the account.
    mutating func add(_ contributions: DailyContributions, account accountID: String, sign: Int64 = 1) {
        add(contributions, to: .organization, sign: sign)
        add(contributions, to: .account(accountID), sign: sign)
    }

    mutating func add(_ contributions: DailyContributions, to subject: LevelSubject, sign: Int64 = 1) {
        guard !contributions.isEmpty else { return }
        bySubject[subject, default: DailyContributions()].add(contributions, sign: sign)
    }
}

struct LevelRepository: Sendable {
    let tenant: TenantStore

    /// The value columns, in `DailyContributions` slot order.
    static let columns = ["view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count",
                          "views_known", "plays_known", "likes_known", "comments_known", "shares_known", "saves_known",
                          "account_videos", "tracked_videos", "follower_count", "followers_known"]
    static let columnList = columns.joined(separator: ", ")
    /// The first key of the organizations' level locks (`apply`; the migrations' lock is another number).
    static let lockSpace = 7_235_515

    func subjectID(_ subject: LevelSubject) -> String {
        switch subject {
        case .organization: return tenant.id
        case .account(let id): return id
        }
    }

    // MARK: Writing

    /// Adds the changes to each subject's levels: the rows from the earliest changed day on are read, the running sums
    /// recomputed and written back (a collector refresh touches the last row or two; a history import, the days since
    /// its first snapshot). The rows of every subject are written together, 500 a statement (a collector batch
    /// changes the organization's levels and those of each of its accounts).
    ///
    /// The rows are read and written back whole, so two writers of one organization must not interleave. SQLite has
    /// one writer. On PostgreSQL (READ COMMITTED) two transactions read the same rows and the later write dropped
    /// the earlier one's change; each now first takes the organization's level lock (a transaction-scoped advisory
    /// lock), held to its commit — the last step of its transaction, so writers queue only for that step.
    func apply(_ changes: LevelChanges, in db: any SQLDatabase) async throws {
        guard !changes.isEmpty else { return }
        if tenant.database.engine == .postgres {
            try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.lockSpace)), hashtext(\(bind: tenant.id)))")
                .run()
        }
        let changed = changes.bySubject.filter { !$0.value.isEmpty }.sorted { subjectID($0.key) < subjectID($1.key) }
        let existing = try await rowsFromFirstChange(changed, in: db)
        // Ids, days and sums: typed values as SQL text (`SQLValues`), 500 rows a statement.
        var statements: [SQLValues] = []
        var values = SQLValues(rows: 500, columns: Self.columns.count + 4)
        var rowsInStatement = 0
        for (subject, contributions) in changed {
            let key = "'" + tenant.id + "', '" + subject.type + "', '" + subjectID(subject) + "'"
            for updated in updatedRows(contributions, existing: existing[subject] ?? []) {
                if rowsInStatement == 500 {
                    statements.append(values)
                    values = SQLValues(rows: 500, columns: Self.columns.count + 4)
                    rowsInStatement = 0
                }
                values.row { row in
                    row.sql(key)
                    row.number(updated.day)
                    for value in updated.values { row.number(value) }
                }
                rowsInStatement += 1
            }
        }
        if !values.isEmpty { statements.append(values) }
        let sets = Self.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        for values in statements {
            try await db.raw("""
                INSERT INTO subject_levels (organization_id, subject_type, subject_id, day, \(unsafeRaw: Self.columnList))
                VALUES \(values.query)
                ON CONFLICT (organization_id, subject_type, subject_id, day) DO UPDATE SET \(unsafeRaw: sets)
                """).run()
        }
    }

    /// Each subject's rows from its first changed day on, and the row before it — 100 subjects a statement (200
    /// SELECTs; SQLite allows 500 in one compound SELECT). A collector batch changes the organization's levels and
    /// each of its accounts'; one read each was a statement per account. Two range reads of the primary key per
    /// subject, joined by UNION ALL: a join against a list of subjects let PostgreSQL hash the organization's whole
    /// level table instead (BENCHMARKS.md, "Collector").
    private func rowsFromFirstChange(_ changed: [(key: LevelSubject, value: DailyContributions)], in db: any SQLDatabase)
        async throws -> [LevelSubject: [(day: Int, values: [Int64])]] {
        var result: [LevelSubject: [(day: Int, values: [Int64])]] = [:]
        let select = "SELECT subject_type, subject_id, day, " + Self.columnList + " FROM subject_levels"
        for chunk in changed.chunked(100) {
            var query: SQLQueryString = ""
            for (index, (subject, contributions)) in chunk.enumerated() {
                // Subject types and days are typed values as SQL text (`SQLValues`); ids are binds.
                let first = String(contributions.days.keys.min() ?? 0)
                let subjectIs: SQLQueryString = """
                    organization_id = \(bind: tenant.id) AND subject_type = '\(unsafeRaw: subject.type)' \
                    AND subject_id = \(bind: subjectID(subject))
                    """
                query += """
                    \(unsafeRaw: index == 0 ? "" : " UNION ALL ")\(unsafeRaw: select) WHERE \(subjectIs) \
                    AND day >= \(unsafeRaw: first) UNION ALL SELECT * FROM (\(unsafeRaw: select) WHERE \(subjectIs) \
                    AND day < \(unsafeRaw: first) ORDER BY day DESC LIMIT 1) AS carry\(unsafeRaw: String(index))
                    """
            }
            for row in try await db.raw(query).all() {
                let r = row.reader("subject_levels")
                let subject: LevelSubject = try r.string("subject_type") == "organization"
                    ? .organization : .account(try r.string("subject_id"))
                result[subject, default: []].append(try Self.decode(row))
            }
        }
        return result
    }

    /// A subject's rows from its first changed day on (and the one before, `existing`), with `contributions` added.
    private func updatedRows(_ contributions: DailyContributions, existing: [(day: Int, values: [Int64])])
        -> [(day: Int, values: [Int64])] {
        let changeDays = contributions.days.keys.sorted()
        guard let first = changeDays.first else { return [] }
        var carried = Levels.zero
        var byDay: [Int: [Int64]] = [:]
        for row in existing {
            if row.day < first { carried = row.values } else { byDay[row.day] = row.values }
        }
        let days = Set(changeDays).union(byDay.keys).sorted()
        var delta = Levels.zero
        var previousOld = carried
        var updated: [(day: Int, values: [Int64])] = []
        for day in days {
            if let change = contributions.days[day] { for slot in 0..<DailyContributions.slots { delta[slot] += change[slot] } }
            let old = byDay[day] ?? previousOld
            previousOld = old
            updated.append((day, zip(old, delta).map { $0 + $1 }))
        }
        return updated
    }

    /// Deletes an account's levels (the account is being deleted; its contributions to the organization are taken out
    /// by the caller).
    func deleteAccountLevels(_ accountID: String, in db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM subject_levels WHERE organization_id = \(bind: tenant.id) AND subject_type = 'account'
                AND subject_id = \(bind: accountID)
            """).run()
    }

    // MARK: Reading

    /// Rows in `first...last`, and (with `carry`) the row before `first`.
    private func rows(_ subject: LevelSubject, from first: Int, through last: Int, carry: Bool, in db: any SQLDatabase)
        async throws -> [(day: Int, values: [Int64])] {
        let type = subject.type, id = subjectID(subject)
        var query: SQLQueryString = """
            SELECT day, \(unsafeRaw: Self.columnList) FROM subject_levels
            WHERE organization_id = \(bind: tenant.id) AND subject_type = \(bind: type) AND subject_id = \(bind: id)
                AND day >= \(bind: first) AND day <= \(bind: last)
            """
        if carry {
            query = query + """
                 UNION ALL SELECT * FROM (SELECT day, \(unsafeRaw: Self.columnList) FROM subject_levels
                WHERE organization_id = \(bind: tenant.id) AND subject_type = \(bind: type) AND subject_id = \(bind: id)
                    AND day < \(bind: first) ORDER BY day DESC LIMIT 1) carry
                """
        }
        return try await db.raw(query).all().map(Self.decode).sorted { $0.day < $1.day }
    }

    /// A subject's levels able to answer every day of `first...last` (the rows inside and the one before).
    func levels(_ subject: LevelSubject, from first: Int, through last: Int) async throws -> Levels {
        Levels(rows: try await tenant.read { db in try await rows(subject, from: first, through: last, carry: true, in: db) })
    }

    /// Levels able to answer only `days` for each account of `accountIDs` (one row per account per day asked: the latest
    /// at or before it), for window totals in O(1) per account. The ids drive the join (`RollupRepository.idList`):
    /// written as a join of a derived table, the bundled SQLite 3.54 walked the organization's whole level index once
    /// per id (0.9 s for 500 accounts of 11 days; seconds on a year of history).
    func accountLevels(_ accountIDs: [String], at days: [Int]) async throws -> [String: Levels] {
        guard !accountIDs.isEmpty else { return [:] }
        var rowsByAccount: [String: [(day: Int, values: [Int64])]] = [:]
        for chunk in accountIDs.chunked(500) {
            for day in Set(days).sorted() {
                let found = try await tenant.readValues("""
                    SELECT l.subject_id, l.day, \(unsafeRaw: Self.columns.map { "l." + $0 }.joined(separator: ", "))
                    FROM \(RollupRepository.idList(Array(chunk))) CROSS JOIN subject_levels l
                    WHERE l.organization_id = \(bind: tenant.id) AND l.subject_type = 'account' AND l.subject_id = ids.column1
                        AND l.day = (SELECT x.day FROM subject_levels x
                            WHERE x.organization_id = \(bind: tenant.id) AND x.subject_type = 'account'
                                AND x.subject_id = ids.column1 AND x.day <= \(bind: day) ORDER BY x.day DESC LIMIT 1)
                    """)
                for values in found {
                    guard values.count == 2 + DailyContributions.slots, let id = values[0].string, let rowDay = values[1].int64 else {
                        throw CorruptRow(table: "subject_levels", column: "subject_id, day")
                    }
                    let numbers = try values.dropFirst(2).map { value -> Int64 in
                        guard let number = value.int64 else { throw CorruptRow(table: "subject_levels", column: "value") }
                        return number
                    }
                    rowsByAccount[id, default: []].append((Int(rowDay), numbers))
                }
            }
        }
        var result: [String: Levels] = [:]
        for id in accountIDs {
            var seen = Set<Int>()
            let rows = (rowsByAccount[id] ?? []).filter { seen.insert($0.day).inserted }.sorted { $0.day < $1.day }
            result[id] = Levels(rows: rows)
        }
        return result
    }

    static func decode(_ row: any SQLRow) throws -> (day: Int, values: [Int64]) {
        let r = row.reader("subject_levels")
        return (try r.int("day"), try columns.map { try r.int64($0) })
    }

    // MARK: Maintenance

    /// Every video's and account's contributions from scratch (after carrying values forward in the videos' rollups):
    /// the migration that added the table, and repairs. The organization's rows are replaced.
    func rebuild(in db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM subject_levels WHERE organization_id = \(bind: tenant.id)").run()
        let rollups = tenant.rollups
        let videoIDs = try await db.raw("SELECT id FROM videos WHERE organization_id = \(bind: tenant.id) ORDER BY id").all()
            .map { try $0.reader("videos").string("id") }
        for chunk in videoIDs.chunked(200) {
            let histories = try await rollups.fullHistories(videoIDs: Array(chunk), in: db)
            try await rollups.carryForward(histories, in: db)
            var changes = LevelChanges()
            for (ref, history) in histories {
                var contributions = DailyContributions()
                contributions.countVideo(source: ref.source, addedAt: ref.addedAt, sign: 1)
                if let span = DailyContributions.span(history) {
                    contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: 1)
                }
                changes.add(contributions, video: ref)
            }
            try await apply(changes, in: db)
        }
        let accountIDs = try await db.raw("SELECT id FROM accounts WHERE organization_id = \(bind: tenant.id) ORDER BY id").all()
            .map { try $0.reader("accounts").string("id") }
        for chunk in accountIDs.chunked(200) {
            var changes = LevelChanges()
            for history in try await rollups.followerHistories(accountIDs: Array(chunk), firstDay: Int.min / 2, lastDay: Int.max / 2, in: db) {
                guard let span = DailyContributions.span(history) else { continue }
                var contributions = DailyContributions()
                contributions.add(history, from: span.lowerBound, through: span.upperBound, sign: 1)
                changes.add(contributions, account: history.accountID)
            }
            try await apply(changes, in: db)
        }
    }
}
