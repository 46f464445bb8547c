// One SQL code path over two engines. Repositories get an `SQLDatabase` from `read` or `write`
// and never know which engine they talk to; the few places where the dialects differ ask `engine`.
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

public enum DatabaseEngine: String, Sendable {
    case sqlite, postgres
}

/// Where the data lives: a SQLite file or a PostgreSQL server.
public enum DatabaseLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite at \(path)"
        case .postgres(let url): return "PostgreSQL at \(url.redacted)"
        }
    }
}

/// `postgres://user:password@host:port/database?sslmode=disable&search_path=schema`
public struct PostgresURL: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var requireTLS: Bool
    /// Optional schema; the test suite gives every test its own.
    public var searchPath: String?

    public init(_ string: String) throws {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme),
            let host = components.host, !host.isEmpty
        else { throw ConfigurationError("the database URL must look like postgres://user@host:5432/database") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user ?? "postgres"
        self.password = components.password
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : path
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let sslmode = query["sslmode"] ?? "disable"
        self.requireTLS = ["require", "verify-ca", "verify-full"].contains(sslmode)
        self.searchPath = query["search_path"]
    }

    /// For messages: never the password.
    public var redacted: String { "\(host):\(port)/\(database ?? username)" }
}

/// How a write transaction's commit must survive a power loss (README, "Reliability"; docs/collection.md, "Throughput").
enum CommitDurability: Sendable, Equatable {
    /// Survives it (SQLite `synchronous=FULL`: the commit waits for the disk). Every write a client or an operator
    /// is answered for.
    case durable
    /// Writes only what the collector can do again: its claims, and the refreshes it stores (values fetched, due
    /// times, failures). On SQLite the commit does not wait for the disk (`synchronous=NORMAL`). A crash of the
    /// process loses nothing either way; a power loss can undo the last such commits — never a durable commit after
    /// them: the WAL is written in order, and a durable commit syncs what came before it. What it undoes is undone
    /// whole, the subjects' due times and claims with their values, so they are due and refreshed again.
    /// PostgreSQL commits are durable either way.
    case collected
}

public final class Database: Sendable {
    public let engine: DatabaseEngine
    /// PostgreSQL notification channel for credential changes. Channels are database-wide, so deployments
    /// (or test schemas) sharing one database through different schemas get one each.
    let credentialsChannel: String
    /// PostgreSQL notification channel telling collectors that a subject was added or resumed (same scheme).
    let dueWorkChannel: String
    /// Wakes this process's collector when a subject is added or resumed (docs/collection.md, "Refreshing").
    public let dueWork = DueWorkSignal()
    /// The SQLite file, for the one-collector-per-file lock; nil on PostgreSQL.
    public let sqlitePath: String?
    private let backend: Backend
    let logger: Logger
    /// Connections in use and waiting, and how long each unit of work held one (the operator's metrics).
    public let instruments = DatabaseInstruments()

    private enum Backend: Sendable {
        case sqlite(SQLiteBackend)
        case postgres(PostgresBackend)
    }

    private init(
        engine: DatabaseEngine, backend: Backend, logger: Logger, schema: String? = nil, sqlitePath: String? = nil
    ) {
        self.engine = engine
        let suffix = (schema ?? "").lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        self.credentialsChannel = suffix.isEmpty ? "creatoraudit_credentials" : "creatoraudit_credentials_" + suffix
        self.dueWorkChannel = suffix.isEmpty ? "creatoraudit_due_work" : "creatoraudit_due_work_" + suffix
        self.sqlitePath = sqlitePath
        self.backend = backend
        self.logger = logger
    }

    /// Opens the database. SQLite files are created 0600 in WAL mode; PostgreSQL gets a pool.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        switch location {
        case .sqlite(let path):
            return Database(
                engine: .sqlite, backend: .sqlite(try await SQLiteBackend(path: path, logger: logger)), logger: logger,
                sqlitePath: path)
        case .postgres(let url):
            return Database(
                engine: .postgres, backend: .postgres(try await PostgresBackend(url: url, logger: logger)), logger: logger,
                schema: url.searchPath)
        }
    }

    /// Runs statements outside a transaction (each statement is atomic on its own). `scope` says which tables the
    /// statements may touch (Store/QueryScope.swift); tenant data goes through `tenant(_:)` instead.
    /// Throws `DatabaseUnavailable` when the database cannot answer now (see PostgresBackend, SQLiteBackend).
    func read<T: Sendable>(scope: QueryScope = .shared, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let lease = instruments.begin(.read)
        defer { lease.end() }
        switch backend {
        case .sqlite(let sqlite):
            do {
                return try await body(lease.acquired(ScopedSQLDatabase.wrap(sqlite.reader(), scope)))
            } catch {
                throw DatabaseUnavailable.classify(error) ?? error
            }
        case .postgres(let postgres):
            return try await postgres.withConnection {
                try await body(lease.acquired(ScopedSQLDatabase.wrap($0.sql(queryLogLevel: nil), scope)))
            }
        }
    }

    /// Runs `body` in one transaction: everything or nothing. `durability`: see `CommitDurability`.
    func write<T: Sendable>(
        scope: QueryScope = .shared, durability: CommitDurability = .durable,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let lease = instruments.begin(.write)
        defer { lease.end() }
        switch backend {
        case .sqlite(let sqlite):
            return try await sqlite.transaction(durability: durability) {
                try await body(lease.acquired(ScopedSQLDatabase.wrap($0, scope)))
            }
        case .postgres(let postgres):
            let logger = self.logger
            do {
                return try await postgres.withConnection { connection in
                    try await connection.withTransaction(logger: logger) { connection in
                        try await body(lease.acquired(ScopedSQLDatabase.wrap(connection.sql(queryLogLevel: nil), scope)))
                    }
                }
            } catch let error as PostgresTransactionError {
                // Callers see their own errors (APIError…), as they do on SQLite.
                if let closureError = error.closureError { throw closureError }
                throw error
            }
        }
    }

    /// PostgreSQL only: a dedicated connection listening on `channel` until `consume` returns.
    /// Runs a read and returns each row's values by position — integers and text only — without SQLKit's
    /// Codable row decoding, which was a third of a timeseries request's CPU (perf, release build). The SQL is
    /// the same text for both engines, serialized by SQLKit; binds may be `String`, `Int` or `Int64`.
    func readValues(scope: QueryScope, _ query: SQLQueryString) async throws -> [[DatabaseValue]] {
        let lease = instruments.begin(.read)
        defer { lease.end() }
        switch backend {
        case .sqlite(let sqlite):
            let connection = lease.acquired(sqlite.readerConnection())
            var serializer = SQLSerializer(database: connection.sql(queryLogLevel: nil))
            query.serialize(to: &serializer)
            try Self.check(serializer, scope)
            let encoder = SQLiteDataEncoder()
            let binds = try serializer.binds.map { try encoder.encode($0) }
            let rows = try await connection.query(serializer.sql, binds)
            QueryStats.current?.count(rows.count)
            return try rows.map { row in
                try row.columns.map { column in
                    switch column.data {
                    case .null: return .null
                    case .integer(let value): return .integer(Int64(value))
                    case .text(let value): return .text(value)
                    default: throw DatabaseValue.Unsupported(column: column.name)
                    }
                }
            }
        case .postgres(let postgres):
            let logger = self.logger
            return try await postgres.withConnection { connection in
                var serializer = SQLSerializer(database: lease.acquired(connection).sql(queryLogLevel: nil))
                query.serialize(to: &serializer)
                try Self.check(serializer, scope)
                var bindings = PostgresBindings(capacity: serializer.binds.count)
                for bind in serializer.binds {
                    switch bind {
                    case let value as String: bindings.append(value)
                    case let value as Int: bindings.append(Int64(value))
                    case let value as Int64: bindings.append(value)
                    default: throw DatabaseValue.Unsupported(column: "bind \(type(of: bind))")
                    }
                }
                var rows: [[DatabaseValue]] = []
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: serializer.sql, binds: bindings), logger: logger) {
                    var values: [DatabaseValue] = []
                    for cell in row {
                        guard cell.bytes != nil else { values.append(.null); continue }
                        switch cell.dataType {
                        case .int2, .int4, .int8: values.append(.integer(try cell.decode(Int64.self)))
                        case .text, .varchar, .bpchar, .name: values.append(.text(try cell.decode(String.self)))
                        default: throw DatabaseValue.Unsupported(column: cell.columnName)
                        }
                    }
                    rows.append(values)
                }
                QueryStats.current?.count(rows.count)
                return rows
            }
        }
    }

    /// One round trip: is the database there?
    func ping() async throws {
        _ = try await read { db in try await db.raw("SELECT 1 AS one").first() }
    }

    /// `readValues` bypasses `SQLDatabase`, so it checks its statement itself (debug builds; see QueryScope).
    private static func check(_ serializer: SQLSerializer, _ scope: QueryScope) throws {
        #if DEBUG
        if let reason = scope.violation(sql: serializer.sql, binds: serializer.binds.compactMap { $0 as? String }) {
            throw TenancyViolation(reason: reason)
        }
        #endif
    }

    /// The store as one organization sees it: the only way to tenant tables (docs/architecture.md, "Tenancy").
    public func tenant(_ organizationID: OrganizationID) -> TenantStore { TenantStore(database: self, organizationID: organizationID) }

    func listen(
        on channel: String, _ consume: @escaping @Sendable (PostgresNotificationSequence) async throws -> Void
    ) async throws {
        guard case .postgres(let postgres) = backend else { return }
        try await postgres.withConnection { connection in
            try await connection.listen(on: channel) { try await consume($0) }
        }
    }

    /// SQLite only: the writer's `PRAGMA synchronous` (2 = FULL, 1 = NORMAL; see SQLiteBackend) as it stands between
    /// transactions; nil on PostgreSQL.
    func writerSynchronous() async throws -> Int? {
        guard case .sqlite(let sqlite) = backend else { return nil }
        return try await sqlite.writerSynchronous()
    }

    /// SQLite only: the `PRAGMA synchronous` a write transaction of `durability` commits with; nil on PostgreSQL.
    func writerSynchronous(committing durability: CommitDurability) async throws -> Int? {
        guard case .sqlite(let sqlite) = backend else { return nil }
        return try await sqlite.transaction(durability: durability) { db in
            try await db.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self) ?? -1
        }
    }

    public func close() async {
        switch backend {
        case .sqlite(let sqlite): await sqlite.close()
        case .postgres(let postgres): await postgres.close()
        }
    }
}

/// A configuration problem the operator must fix; printed as one line.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One value of a row read by position (`Database.readValues`).
enum DatabaseValue: Sendable, Equatable {
    case null, integer(Int64), text(String)

    struct Unsupported: Error, CustomStringConvertible {
        let column: String
        var description: String { "column \(column) is neither an integer nor text" }
    }

    var int64: Int64? { if case .integer(let value) = self { return value }; return nil }
    var string: String? { if case .text(let value) = self { return value }; return nil }
}
