// Which tables a database handle may touch (docs/architecture.md, "Tenancy"). Tenant tables hold an
// organization's tracked data; they are read and written through a `TenantStore`, whose every statement carries
// that organization's id. A handle with the `shared` scope (keys, members, sessions, audit) must not touch them, and
// the few jobs that span organizations (migrations, the collector's queue, the bench seeder) say so by name.
//
// In debug builds — the test suite — every statement is checked against its handle's scope before it runs, so a
// tenant query written without the organization, or through the wrong handle, fails the tests
// (`TenancyGuardTests`). Release builds skip the check (it serialises every statement a second time).
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

enum QueryScope: Sendable, Equatable {
    /// One organization's data: a statement naming a tenant table must carry this id.
    case tenant(OrganizationID)
    /// No tenant table at all.
    case shared
    /// Deliberately every organization (the reason is for readers and for the violation message).
    case crossTenant(String)

    /// The tables that hold an organization's tracked data.
    static let tenantTables: Set<String> = [
        "accounts", "videos", "creators", "account_snapshots", "video_snapshots", "account_daily", "video_daily",
        "subject_levels", "idempotency_records", "imports",
    ]

    /// Nil when `sql` (with its text binds) may run under this scope, else why not.
    func violation(sql: String, binds: [String]) -> String? {
        if case .crossTenant = self { return nil }
        let named = Self.tenantTablesNamed(in: sql)
        guard !named.isEmpty else { return nil }
        switch self {
        case .shared:
            return "tenant table \(named.sorted().joined(separator: ", ")) queried outside a TenantStore"
        case .tenant(let organizationID):
            let id = organizationID.description
            if binds.contains(id) || sql.contains("'" + id + "'") { return nil }
            return "tenant table \(named.sorted().joined(separator: ", ")) queried without the organization's id"
        case .crossTenant:
            return nil
        }
    }

    /// Tenant table names appearing as whole identifiers in `sql` (`accounts`, not `accounts_summary`).
    static func tenantTablesNamed(in sql: String) -> Set<String> {
        var found = Set<String>()
        var word = ""
        func flush() {
            if tenantTables.contains(word) { found.insert(word) }
            word.removeAll(keepingCapacity: true)
        }
        for character in sql.lowercased() {
            if character.isLetter || character.isNumber || character == "_" { word.append(character) } else { flush() }
        }
        flush()
        return found
    }
}

/// Rows read by the statements of a task (debug builds): tests count what an endpoint reads, to prove its cost follows
/// the answer rather than the history (`AnalyticsCostTests`).
final class QueryStats: Sendable {
    @TaskLocal static var current: QueryStats?
    private let counter = NIOLockedValueBox(0)

    var rows: Int { counter.withLockedValue { $0 } }
    func count(_ rows: Int = 1) { counter.withLockedValue { $0 += rows } }
}

/// Test hook (debug builds, where handles are scoped): while set, every statement run through a scoped handle is
/// recorded as SQL text — the query-plan test explains each one (Tests: QueryPlanTests).
final class StatementLog: Sendable {
    @TaskLocal static var current: StatementLog?
    private let recorded = NIOLockedValueBox<[String]>([])

    var statements: [String] { recorded.withLockedValue { $0 } }
    func record(_ sql: String) { recorded.withLockedValue { $0.append(sql) } }
}

/// A statement refused by its handle's scope (debug builds only). A bug in our code, never a user's doing.
struct TenancyViolation: Error, CustomStringConvertible {
    let reason: String
    var description: String { "tenancy violation: \(reason)" }
}

/// An `SQLDatabase` that checks each statement against a scope before handing it on.
struct ScopedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let scope: QueryScope

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        if let error = check(query) { return eventLoop.makeFailedFuture(error) }
        guard let stats = QueryStats.current else { return base.execute(sql: query, onRow) }
        return base.execute(sql: query) { row in
            stats.count()
            onRow(row)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        if let error = check(query) { throw error }
        guard let stats = QueryStats.current else { return try await base.execute(sql: query, onRow) }
        try await base.execute(sql: query) { row in
            stats.count()
            onRow(row)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { session in try await closure(ScopedSQLDatabase(base: session, scope: scope)) }
    }

    private func check(_ query: any SQLExpression) -> TenancyViolation? {
        let (sql, binds) = base.serialize(query)
        StatementLog.current?.record(sql)
        return scope.violation(sql: sql, binds: binds.compactMap { $0 as? String }).map(TenancyViolation.init)
    }

    /// The handle repositories get: checked in debug builds, the engine's own in release builds.
    static func wrap(_ database: any SQLDatabase, _ scope: QueryScope) -> any SQLDatabase {
        #if DEBUG
        return ScopedSQLDatabase(base: database, scope: scope)
        #else
        return database
        #endif
    }
}
