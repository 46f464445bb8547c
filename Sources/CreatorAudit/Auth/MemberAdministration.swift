// Who may do what to an organization's members, and the audit trail of it: invitations (one-time link,
// 7 days, single use), role changes and removals. The last owner can be neither removed nor demoted;
// removing a member ends their sessions at once. Admins manage admins and members; only owners touch owners.
import Foundation
import SQLKit

public struct MemberAdministration: Sendable {
    let database: Database
    let members: MemberRepository
    let invitations: InvitationRepository
    let sessions: SessionRepository
    let audit: AuditRepository

    public init(database: Database) {
        self.database = database
        self.members = MemberRepository(database: database)
        self.invitations = InvitationRepository(database: database)
        self.sessions = SessionRepository(database: database)
        self.audit = AuditRepository(database: database)
    }

    static func canManage(_ role: MemberRole?) -> Bool { role == .owner || role == .admin }

    /// A new invitation and its token (shown once, as a link).
    public func invite(
        organizationID: OrganizationID, email rawEmail: String, role: MemberRole, by actorRole: MemberRole, actor: Actor
    ) async throws -> (invitation: Invitation, token: String) {
        guard Self.canManage(actorRole) else { throw DomainError.roleDenied }
        guard role != .owner || actorRole == .owner else { throw DomainError.roleDenied }
        let email = try Provisioning.validateEmail(rawEmail)
        let token = SessionSecret.generate()
        let now = Timestamp.now
        let invitation = Invitation(
            id: UUID().uuidString.lowercased(), organizationID: organizationID, email: email, role: role,
            invitedBy: actor.name, createdAt: now, expiresAt: now.adding(seconds: InvitationRepository.lifetime),
            acceptedAt: nil)
        try await database.write { db in
            if let existing = try await members.findByEmail(email, in: db),
               try await members.role(organizationID: organizationID, memberID: existing.id, in: db) != nil {
                throw DomainError.conflict("This person is already a member of the organization.")
            }
            try await invitations.insert(invitation, tokenHash: SessionSecret.hash(token), in: db)
            try await audit.record(AuditEvent(
                organizationID: organizationID, actor: actor.name, action: "member.invited", targetType: "member",
                targetID: nil, targetName: email, clientIP: actor.clientIP, details: "role \(role.rawValue)"), in: db)
        }
        return (invitation, token)
    }

    /// Whether `token` can still be used, and whether its email already has a password.
    public func lookUpInvitation(token: String) async throws -> (invitation: Invitation, existingMember: Bool)? {
        guard let invitation = try await invitations.find(token: token),
              invitation.acceptedAt == nil, invitation.expiresAt > .now else { return nil }
        let existing = try await database.read { db in try await members.findByEmail(invitation.email, in: db) }
        return (invitation, existing != nil)
    }

    /// Uses the invitation once. A new person sets a password (12–72 bytes); someone who already has an account
    /// proves it with theirs. Returns the member and the organization they joined.
    public func accept(token: String, password: String, clientIP: String?) async throws -> (Member, OrganizationID) {
        guard let (invitation, existing) = try await lookUpInvitation(token: token) else { throw DomainError.invitationUnusable }
        var newHash: String?
        if existing {
            guard let credentials = try await members.credentials(email: invitation.email),
                  try await Passwords.verify(password, hash: credentials.passwordHash)
            else { throw DomainError.invalid([FieldError(field: "password", message: "is not this account's password")]) }
        } else {
            try Passwords.validate(password)
            newHash = try await Provisioning.hashPassword(password)
        }
        return try await database.write { [newHash] db in
            guard try await invitations.markAccepted(id: invitation.id, organizationID: invitation.organizationID, in: db)
            else { throw DomainError.invitationUnusable }
            let member: Member
            if let found = try await members.findByEmail(invitation.email, in: db) {
                member = found
            } else {
                guard let newHash else { throw DomainError.invitationUnusable }
                member = try await members.create(email: invitation.email, passwordHash: newHash, in: db)
            }
            if try await members.role(organizationID: invitation.organizationID, memberID: member.id, in: db) == nil {
                try await members.addMembership(
                    organizationID: invitation.organizationID, memberID: member.id, role: invitation.role, in: db)
            }
            try await audit.record(AuditEvent(
                organizationID: invitation.organizationID, actor: member.email, action: "member.joined",
                targetType: "member", targetID: member.id.description, targetName: member.email, clientIP: clientIP,
                details: "role \(invitation.role.rawValue), invited by \(invitation.invitedBy)"), in: db)
            return (member, invitation.organizationID)
        }
    }

    public func changeRole(
        organizationID: OrganizationID, memberID: MemberID, to role: MemberRole, by actorRole: MemberRole, actor: Actor
    ) async throws {
        guard Self.canManage(actorRole), role != .owner || actorRole == .owner else { throw DomainError.roleDenied }
        try await database.write { db in
            guard let current = try await members.role(organizationID: organizationID, memberID: memberID, in: db),
                  let email = try await members.email(organizationID: organizationID, memberID: memberID, in: db)
            else { throw DomainError.notFound("member") }
            guard current != .owner || actorRole == .owner else { throw DomainError.roleDenied }
            if current == .owner, role != .owner, try await members.ownerCount(organizationID: organizationID, in: db) <= 1 {
                throw DomainError.conflict("The last owner cannot be demoted; make someone else an owner first.")
            }
            guard current != role else { return }
            try await members.setRole(organizationID: organizationID, memberID: memberID, role: role, in: db)
            try await audit.record(AuditEvent(
                organizationID: organizationID, actor: actor.name, action: "member.role_changed", targetType: "member",
                targetID: memberID.description, targetName: email, clientIP: actor.clientIP,
                details: "\(current.rawValue) → \(role.rawValue)"), in: db)
        }
    }

    /// Removes the membership and ends every session of that person at once.
    public func remove(organizationID: OrganizationID, memberID: MemberID, by actorRole: MemberRole, actor: Actor) async throws {
        guard Self.canManage(actorRole) else { throw DomainError.roleDenied }
        try await database.write { db in
            guard let current = try await members.role(organizationID: organizationID, memberID: memberID, in: db),
                  let email = try await members.email(organizationID: organizationID, memberID: memberID, in: db)
            else { throw DomainError.notFound("member") }
            guard current != .owner || actorRole == .owner else { throw DomainError.roleDenied }
            if current == .owner, try await members.ownerCount(organizationID: organizationID, in: db) <= 1 {
                throw DomainError.conflict("The last owner cannot be removed.")
            }
            try await members.removeMembership(organizationID: organizationID, memberID: memberID, in: db)
            try await sessions.deleteAll(memberID: memberID, in: db)
            try await audit.record(AuditEvent(
                organizationID: organizationID, actor: actor.name, action: "member.removed", targetType: "member",
                targetID: memberID.description, targetName: email, clientIP: actor.clientIP,
                details: "was \(current.rawValue)"), in: db)
        }
    }

    /// Changes a password (the current one is checked) and ends the member's other sessions.
    public func changePassword(
        memberID: MemberID, current: String, new: String, keepingSession idHash: String,
        organizationID: OrganizationID?, actor: Actor
    ) async throws {
        guard let hash = try await members.passwordHash(memberID: memberID),
              try await Passwords.verify(current, hash: hash)
        else { throw DomainError.invalid([FieldError(field: "current_password", message: "is not your current password")]) }
        try Passwords.validate(new, field: "new_password")
        let newHash = try await Provisioning.hashPassword(new)
        try await database.write { db in
            try await members.setPasswordHash(memberID: memberID, newHash, in: db)
            try await sessions.deleteAll(memberID: memberID, keeping: idHash, in: db)
            if let organizationID {
                try await audit.record(AuditEvent(
                    organizationID: organizationID, actor: actor.name, action: "member.password_changed",
                    targetType: "member", targetID: memberID.description, targetName: actor.name,
                    clientIP: actor.clientIP), in: db)
            }
        }
    }
}

extension DomainError {
    /// The signed-in member's role does not allow this action.
    static let roleDenied = DomainError(.forbidden, "Your role in this organization does not allow this action.")
    /// The invitation is unknown, used or expired.
    static let invitationUnusable = DomainError(
        .notFound, "This invitation link cannot be used: it is unknown, has expired or was already used.")
}
