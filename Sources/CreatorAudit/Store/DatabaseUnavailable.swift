// The one error the Store throws when the database cannot serve a request *now*, as opposed to refusing it:
// PostgreSQL is unreachable (stopped, restarting, connection refused or lost), or the database is busy (SQLite's
// write lock held by another process past the bounded wait, a PostgreSQL lock wait past `lock_timeout`).
// The HTTP layer answers it with 503 SERVICE_UNAVAILABLE and `Retry-After` (README, "Reliability").
import NIOCore
import NIOPosix
import PostgresNIO
import SQLiteNIO

public struct DatabaseUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Sendable, Equatable {
        case unreachable, busy
    }

    private let reason: Reason

    /// PostgreSQL does not answer: the request was not run (or its transaction was rolled back).
    public static let unreachable = DatabaseUnavailable(reason: .unreachable)
    /// The write lock (or a row lock) stayed taken past the bounded wait; nothing was written.
    public static let busy = DatabaseUnavailable(reason: .busy)

    public var isBusy: Bool { reason == .busy }

    /// Seconds a client should wait before retrying: the outage probe runs every 250 ms and a busy lock is held
    /// for at most ~100 ms at a time by our own writers, so a short wait is enough either way.
    public var retryAfterSeconds: Int { reason == .busy ? 1 : 2 }

    public var description: String {
        reason == .busy ? "the database is busy" : "the database is unreachable"
    }

    /// What `error` means for availability, or nil when it is an ordinary error (a constraint, bad SQL, …).
    static func classify(_ error: any Error) -> DatabaseUnavailable? {
        switch error {
        case let error as DatabaseUnavailable:
            return error
        case let error as PostgresTransactionError:
            for inner in [error.beginError, error.closureError, error.commitError, error.rollbackError] {
                if let inner, let classified = classify(inner) { return classified }
            }
            return nil
        case let error as PSQLError:
            return classify(error)
        case let error as SQLiteError:
            switch error.reason {
            case .busy, .locked, .busyTimeout, .busyInRecovery, .busyInSnapshot: return .busy
            default: return nil
            }
        case is IOError, is ChannelError, is NIOConnectionError:
            return .unreachable
        default:
            return nil
        }
    }

    private static func classify(_ error: PSQLError) -> DatabaseUnavailable? {
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return .unreachable
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08: connection exception; 57P01–57P03: admin/crash shutdown, "the database system is starting up".
            if state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) { return .unreachable }
            // 55P03: lock_not_available (lock_timeout); 40001/40P01: serialization failure, deadlock.
            if ["55P03", "40001", "40P01"].contains(state) { return .busy }
            return nil
        default:
            return nil
        }
    }
}
