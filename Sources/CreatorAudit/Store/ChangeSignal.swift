// Tells every server node that credentials changed (a key's status, name, scopes, or an organization's
// limits). Called inside the transaction that makes the change, so the signal and the change commit together.
import SQLKit

enum ChangeSignal {
    static func credentialsChanged(in db: any SQLDatabase, database: Database) async throws {
        // SQLite nodes poll this counter; it also lets a PostgreSQL node that lost its LISTEN connection catch up.
        try await db.raw("UPDATE change_counters SET value = value + 1 WHERE name = 'credentials'").run()
        if database.engine == .postgres {
            // NOTIFY is transactional: delivered to listeners only when this transaction commits.
            try await db.raw("SELECT pg_notify(\(bind: database.credentialsChannel), 'credentials')").run()
        }
    }

    static func currentValue(in db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT value FROM change_counters WHERE name = 'credentials'").first()?
            .reader("change_counters").value("value", as: Int64.self) ?? 0
    }
}
