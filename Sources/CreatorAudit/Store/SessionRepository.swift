// Server-side dashboard sessions, in the database so every node sees them (the session-store driver for
// SQLite and PostgreSQL alike). Rows are keyed by SHA-256 of the session id; the id itself is never stored.
// Idle timeout 12 h, absolute 7 d (README, "Dashboard"); an expired session is deleted when it is next presented.
import Foundation
import SQLKit

/// A valid session as the dashboard sees it: who, and (when they still belong to it) the current organization.
public struct SessionRecord: Sendable {
    public let idHash: String
    public let memberID: MemberID
    public let email: String
    public let organizationID: OrganizationID?
    public let organizationName: String?
    public let role: MemberRole?
    let csrfHash: String
    public let createdAt: Timestamp
    public let lastSeenAt: Timestamp
    let flash: String?
}

public struct SessionRepository: Sendable {
    public static let idleTimeout: Int64 = 12 * 3600
    public static let absoluteTimeout: Int64 = 7 * 24 * 3600
    /// `last_seen_at` is written at most this often (not on every page view).
    static let touchInterval: Int64 = 60

    let database: Database

    public init(database: Database) { self.database = database }

    /// A new session; returns its id (the cookie value), which exists nowhere else.
    public func create(memberID: MemberID, organizationID: OrganizationID?, clientIP: String?) async throws -> String {
        let secret = SessionSecret.generate()
        let now = Timestamp.now.seconds
        try await database.write { db in
            try await db.raw("""
                INSERT INTO sessions (id_hash, member_id, organization_id, csrf_hash, created_at, last_seen_at, client_ip, flash)
                VALUES (\(bind: SessionSecret.hash(secret)), \(bind: memberID.description), \(bind: organizationID?.description),
                    \(bind: SessionSecret.hash(SessionSecret.csrfToken(forSession: secret))), \(bind: now), \(bind: now),
                    \(bind: clientIP), NULL)
                """).run()
        }
        return secret
    }

    /// The session for a cookie value, or nil when unknown or expired (an expired one is deleted).
    public func find(secret: String, now: Timestamp = .now) async throws -> SessionRecord? {
        let idHash = SessionSecret.hash(secret)
        let row = try await database.read { db in
            try await db.raw("""
                SELECT s.id_hash, s.member_id, m.email, s.organization_id, o.name AS organization_name, ms.role,
                    s.csrf_hash, s.created_at, s.last_seen_at, s.flash
                FROM sessions s
                JOIN members m ON m.id = s.member_id
                LEFT JOIN memberships ms ON ms.member_id = s.member_id AND ms.organization_id = s.organization_id
                LEFT JOIN organizations o ON o.id = ms.organization_id
                WHERE s.id_hash = \(bind: idHash)
                """).first()
        }
        guard let row else { return nil }
        let storedHash = try row.reader("sessions").value("id_hash", as: String.self)
        guard ConstantTime.equal(storedHash, idHash) else { return nil }
        let createdAt = try row.reader("sessions").value("created_at", as: Int64.self)
        let lastSeen = try row.reader("sessions").value("last_seen_at", as: Int64.self)
        if now.seconds - lastSeen > Self.idleTimeout || now.seconds - createdAt > Self.absoluteTimeout {
            try await delete(idHash: idHash)
            return nil
        }
        if now.seconds - lastSeen >= Self.touchInterval {
            try await database.write { db in
                try await db.raw("UPDATE sessions SET last_seen_at = \(bind: now.seconds) WHERE id_hash = \(bind: idHash)").run()
            }
        }
        let role: MemberRole? = try row.reader("sessions").optional("role", as: String.self).map { text in
            guard let role = MemberRole(rawValue: text) else { throw CorruptRow(table: "memberships", column: "role") }
            return role
        }
        return SessionRecord(
            idHash: idHash,
            memberID: try row.reader("sessions").id("member_id", as: MemberID.self),
            email: try row.reader("sessions").value("email", as: String.self),
            organizationID: role == nil ? nil : try row.reader("sessions").optionalID("organization_id", as: OrganizationID.self),
            organizationName: role == nil ? nil : try row.reader("sessions").optional("organization_name", as: String.self),
            role: role,
            csrfHash: try row.reader("sessions").value("csrf_hash", as: String.self),
            createdAt: Timestamp(seconds: createdAt),
            lastSeenAt: Timestamp(seconds: lastSeen),
            flash: try row.reader("sessions").optional("flash", as: String.self))
    }

    /// Switches the session's current organization (the caller has checked the membership).
    public func setOrganization(idHash: String, organizationID: OrganizationID) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE sessions SET organization_id = \(bind: organizationID.description), flash = NULL
                WHERE id_hash = \(bind: idHash)
                """).run()
        }
    }

    func setFlash(idHash: String, sealed: String?) async throws {
        try await database.write { db in
            try await db.raw("UPDATE sessions SET flash = \(bind: sealed) WHERE id_hash = \(bind: idHash)").run()
        }
    }

    /// Reads and clears the flash in one transaction, so it is shown exactly once.
    func takeFlash(idHash: String) async throws -> String? {
        try await database.write { db in
            let sealed = try await db.raw("SELECT flash FROM sessions WHERE id_hash = \(bind: idHash)").first()?
                .reader("sessions").optional("flash", as: String.self)
            if sealed != nil {
                try await db.raw("UPDATE sessions SET flash = NULL WHERE id_hash = \(bind: idHash)").run()
            }
            return sealed
        }
    }

    public func delete(idHash: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run()
        }
    }

    /// Ends every session of a member (removed from an organization, password changed), except `keeping`.
    func deleteAll(memberID: MemberID, keeping: String? = nil, in db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM sessions WHERE member_id = \(bind: memberID.description) AND id_hash <> \(bind: keeping ?? "")
            """).run()
    }

    /// How many sessions a member has (tests, and the members page).
    public func count(memberID: MemberID) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM sessions WHERE member_id = \(bind: memberID.description)").first()?
                .reader("sessions").value("n", as: Int.self) ?? 0
        }
    }
}
