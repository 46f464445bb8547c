// Audit events: who did what to which key or member, when, from where. They outlive the keys they describe.
import Foundation
import SQLKit

public struct AuditEvent: Sendable, Equatable {
    public let id: AuditEventID
    public let organizationID: OrganizationID
    public let occurredAt: Timestamp
    /// `cli`, or a member's email.
    public let actor: String
    /// e.g. `api_key.created`, `api_key.disabled`.
    public let action: String
    public let targetType: String
    public let targetID: String?
    public let targetName: String?
    public let clientIP: String?
    public let details: String?

    public init(
        organizationID: OrganizationID, actor: String, action: String, targetType: String,
        targetID: String?, targetName: String?, clientIP: String?, details: String? = nil, at time: Timestamp = .now
    ) {
        self.id = AuditEventID()
        self.organizationID = organizationID
        self.occurredAt = time
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.targetName = targetName
        self.clientIP = clientIP
        self.details = details
    }

    init(row: any SQLRow) throws {
        self.id = try row.reader("audit_events").id("id", as: AuditEventID.self)
        self.organizationID = try row.reader("audit_events").id("organization_id", as: OrganizationID.self)
        self.occurredAt = Timestamp(seconds: try row.reader("audit_events").value("occurred_at", as: Int64.self))
        self.actor = try row.reader("audit_events").value("actor", as: String.self)
        self.action = try row.reader("audit_events").value("action", as: String.self)
        self.targetType = try row.reader("audit_events").value("target_type", as: String.self)
        self.targetID = try row.reader("audit_events").optional("target_id", as: String.self)
        self.targetName = try row.reader("audit_events").optional("target_name", as: String.self)
        self.clientIP = try row.reader("audit_events").optional("client_ip", as: String.self)
        self.details = try row.reader("audit_events").optional("details", as: String.self)
    }
}

public struct AuditRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Written in the caller's transaction, so the event exists exactly when the change does.
    func record(_ event: AuditEvent, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audit_events (id, organization_id, occurred_at, actor, action, target_type, target_id,
                target_name, client_ip, details)
            VALUES (\(bind: event.id.description), \(bind: event.organizationID.description),
                \(bind: event.occurredAt.seconds), \(bind: event.actor), \(bind: event.action),
                \(bind: event.targetType), \(bind: event.targetID), \(bind: event.targetName), \(bind: event.clientIP),
                \(bind: event.details))
            """).run()
    }

    /// Newest first.
    public func list(organizationID: OrganizationID, limit: Int = 50, offset: Int = 0) async throws -> [AuditEvent] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM audit_events WHERE organization_id = \(bind: organizationID.description)
                ORDER BY seq DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map(AuditEvent.init(row:))
        }
    }
}
