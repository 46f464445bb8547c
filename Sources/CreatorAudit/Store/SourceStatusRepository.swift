// The last platform-wide state each source's governor saw (table `source_status`,
// Migration7CollectorSources.swift): written on changes only (ok → paused → ok, ok → failing → ok), read by
// `creatoraudit sources` and by a governor starting up, so a restart keeps honouring a pause the platform asked
// for. Reasons never contain a secret.
import SQLKit

/// A source's platform-wide state as last recorded.
public struct SourceStatusRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        case ok, paused, failing
    }

    public var source: String
    public var state: State
    public var reason: String?
    /// When this state began.
    public var since: Timestamp
    public var pausedUntil: Timestamp?
    /// For a failing source: when it will let one request through to see whether it works again.
    public var nextAttemptAt: Timestamp?
    public var updatedAt: Timestamp

    public init(
        source: String, state: State, reason: String? = nil, since: Timestamp, pausedUntil: Timestamp? = nil,
        nextAttemptAt: Timestamp? = nil, updatedAt: Timestamp
    ) {
        self.source = source
        self.state = state
        self.reason = reason
        self.since = since
        self.pausedUntil = pausedUntil
        self.nextAttemptAt = nextAttemptAt
        self.updatedAt = updatedAt
    }
}

public struct SourceStatusRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func save(_ record: SourceStatusRecord) async throws {
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO source_status (source, state, reason, since, paused_until, next_attempt_at, updated_at)
                VALUES (\(bind: record.source), \(bind: record.state.rawValue), \(bind: record.reason),
                    \(bind: record.since.seconds), \(bind: record.pausedUntil?.seconds),
                    \(bind: record.nextAttemptAt?.seconds),
                    \(bind: record.updatedAt.seconds))
                ON CONFLICT (source) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                    since = excluded.since, paused_until = excluded.paused_until,
                    next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at
                """
            ).run()
        }
    }

    public func find(source: String) async throws -> SourceStatusRecord? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT source, state, reason, since, paused_until, next_attempt_at, updated_at
                FROM source_status WHERE source = \(bind: source)
                """
            ).first().map(Self.record)
        }
    }

    public func all() async throws -> [SourceStatusRecord] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT source, state, reason, since, paused_until, next_attempt_at, updated_at
                FROM source_status ORDER BY source
                """
            ).all().map(Self.record)
        }
    }

    private static func record(_ row: any SQLRow) throws -> SourceStatusRecord {
        SourceStatusRecord(
            source: try row.reader("source_status").value("source", as: String.self),
            state: try row.reader("source_status").choice("state", as: SourceStatusRecord.State.self),
            reason: try row.reader("source_status").optional("reason", as: String.self),
            since: Timestamp(seconds: try row.reader("source_status").value("since", as: Int64.self)),
            pausedUntil: try row.reader("source_status").optional("paused_until", as: Int64.self).map(Timestamp.init(seconds:)),
            nextAttemptAt: try row.reader("source_status").optional("next_attempt_at", as: Int64.self).map(
                Timestamp.init(seconds:)),
            updatedAt: Timestamp(seconds: try row.reader("source_status").value("updated_at", as: Int64.self)))
    }
}
