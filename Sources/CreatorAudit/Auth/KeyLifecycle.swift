// Every change to an API key goes through here — from the dashboard or the operator CLI — so the rules,
// the audit event and the cross-node signal are the same wherever the change starts.
import Foundation
import SQLKit

/// Who is acting, for the audit log.
public struct Actor: Sendable {
    public let name: String
    public let clientIP: String?
    public static let cli = Actor(name: "cli", clientIP: nil)
    /// Leak reports (docs/secret-scanning.md).
    public static func secretScanning(clientIP: String?) -> Actor { Actor(name: "secret-scanning", clientIP: clientIP) }
    public init(name: String, clientIP: String?) {
        self.name = name
        self.clientIP = clientIP
    }
}

/// A key just created: the one moment its secret exists outside the client.
public struct CreatedAPIKey: Sendable {
    public let record: APIKeyRecord
    public let token: APIKeyToken
}

public struct KeyLifecycle: Sendable {
    public static let maximumOverlapSeconds: Int64 = 7 * 24 * 3600

    let database: Database
    let keys: APIKeyRepository
    let audit: AuditRepository
    /// Called after a change commits, so this node forgets cached copies at once (other nodes are signalled).
    let onChange: @Sendable () -> Void

    public init(database: Database, onChange: @escaping @Sendable () -> Void = {}) {
        self.database = database
        self.keys = APIKeyRepository(database: database)
        self.audit = AuditRepository(database: database)
        self.onChange = onChange
    }

    /// Name rules: 1–100 characters after trimming.
    public static func validateName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw DomainError.invalid([FieldError(field: "name", message: "must be 1 to 100 characters")])
        }
        return name
    }

    public func create(
        organizationID: OrganizationID, name rawName: String, scopes: [Scope] = Scope.allCases,
        expiresAt: Timestamp? = nil, actor: Actor
    ) async throws -> CreatedAPIKey {
        let name = try Self.validateName(rawName)
        let scopes = Scope.expand(scopes)
        guard !scopes.isEmpty else {
            throw DomainError.invalid([FieldError(field: "scopes", message: "must name at least one scope")])
        }
        if let expiresAt, expiresAt <= .now {
            throw DomainError.invalid([FieldError(field: "expires_at", message: "must be in the future")])
        }
        let token = APIKeyToken.generate()
        let record = APIKeyRecord(
            id: APIKeyID(), organizationID: organizationID, name: name, masked: token.masked, scopes: scopes,
            status: .enabled, createdAt: .now, createdBy: actor.name, expiresAt: expiresAt, lastUsedAt: nil)
        try await database.write { db in
            guard try await OrganizationRepository(database: database).exists(organizationID, in: db)
            else { throw DomainError.notFound("organization") }
            let count = try await keys.countNotDeleted(organizationID: organizationID, in: db)
            guard count < APIKeyRepository.maximumKeysPerOrganization else {
                throw DomainError.conflict("The organization already has \(APIKeyRepository.maximumKeysPerOrganization) keys; delete one first.")
            }
            try await keys.insert(record, hash: token.hash, in: db)
            try await audit.record(event(record, "api_key.created", actor), in: db)
            try await ChangeSignal.credentialsChanged(in: db, database: database)
        }
        onChange()
        return CreatedAPIKey(record: record, token: token)
    }

    public func rename(organizationID: OrganizationID, id: APIKeyID, to rawName: String, actor: Actor) async throws -> APIKeyRecord {
        let name = try Self.validateName(rawName)
        return try await change(organizationID, id, action: "api_key.renamed", actor: actor) { key, db in
            try await keys.update(organizationID: organizationID, id: id, set: "name = \(bind: name)", in: db)
            key.name = name
        }
    }

    public func disable(organizationID: OrganizationID, id: APIKeyID, actor: Actor) async throws -> APIKeyRecord {
        try await change(organizationID, id, action: "api_key.disabled", actor: actor) { key, db in
            try await keys.update(organizationID: organizationID, id: id, set: "status = 'disabled'", in: db)
            key.status = .disabled
        }
    }

    public func enable(organizationID: OrganizationID, id: APIKeyID, actor: Actor) async throws -> APIKeyRecord {
        try await change(organizationID, id, action: "api_key.enabled", actor: actor) { key, db in
            try await keys.update(organizationID: organizationID, id: id, set: "status = 'enabled'", in: db)
            key.status = .enabled
        }
    }

    /// Permanent. The row stays as a tombstone (hash kept for leak reports; name kept for the audit log).
    public func delete(organizationID: OrganizationID, id: APIKeyID, actor: Actor) async throws {
        _ = try await change(organizationID, id, action: "api_key.deleted", actor: actor) { key, db in
            try await keys.update(
                organizationID: organizationID, id: id,
                set: "status = 'deleted', deleted_at = \(bind: Timestamp.now.seconds)", in: db)
            key.status = .deleted
        }
    }

    /// The successor's expiry when a key is rolled.
    public enum SuccessorExpiry: Sendable, Equatable {
        /// The lifetime the rolled key was created with (its expiry minus its creation), from now; never when it
        /// had no expiry. The default: rolling must not turn a 30-day key into one that never expires.
        case sameLifetime
        case never
        case at(Timestamp)
    }

    /// Rotation: a new key with the same name and scopes; the old one expires after `overlapSeconds`
    /// (0 h – 7 d, never later than its own expiry). Refused (conflict) for an expired key, and for a key already
    /// rolled whose successor still exists: roll the successor instead, or delete it first (README, "API keys").
    public func roll(
        organizationID: OrganizationID, id: APIKeyID, overlapSeconds: Int64,
        successorExpiry: SuccessorExpiry = .sameLifetime, actor: Actor
    ) async throws -> (old: APIKeyRecord, new: CreatedAPIKey) {
        guard (0...Self.maximumOverlapSeconds).contains(overlapSeconds) else {
            throw DomainError.invalid([FieldError(field: "overlap", message: "must be between 0 hours and 7 days")])
        }
        let token = APIKeyToken.generate()
        let now = Timestamp.now
        if case .at(let expiry) = successorExpiry, expiry <= now {
            throw DomainError.invalid([FieldError(field: "expires_at", message: "must be in the future")])
        }
        let result = try await database.write { db -> (APIKeyRecord, APIKeyRecord) in
            guard var old = try await keys.find(organizationID: organizationID, id: id, in: db) else {
                throw DomainError.notFound("API key")
            }
            guard !old.isExpired(at: now) else {
                throw DomainError.conflict("This key has expired and cannot be rolled; create a new key instead.")
            }
            if let successor = old.replacedBy,
               try await keys.find(organizationID: organizationID, id: successor, in: db) != nil {
                throw DomainError.conflict(
                    "This key was already rolled and its successor still exists; "
                        + "roll the successor instead, or delete it first.")
            }
            let count = try await keys.countNotDeleted(organizationID: organizationID, in: db)
            guard count < APIKeyRepository.maximumKeysPerOrganization else {
                throw DomainError.conflict("The organization already has \(APIKeyRepository.maximumKeysPerOrganization) keys; delete one first.")
            }
            var newExpiry = now.adding(seconds: overlapSeconds)
            if let existing = old.expiresAt, existing < newExpiry { newExpiry = existing }
            let successorExpiresAt: Timestamp?
            switch successorExpiry {
            case .sameLifetime:
                let createdAt = old.createdAt
                successorExpiresAt = old.expiresAt.map { now.adding(seconds: max(1, $0.seconds - createdAt.seconds)) }
            case .never: successorExpiresAt = nil
            case .at(let expiry): successorExpiresAt = expiry
            }
            let new = APIKeyRecord(
                id: APIKeyID(), organizationID: organizationID, name: old.name, masked: token.masked, scopes: old.scopes,
                status: .enabled, createdAt: now, createdBy: actor.name, expiresAt: successorExpiresAt, lastUsedAt: nil)
            try await keys.insert(new, hash: token.hash, in: db)
            try await keys.update(
                organizationID: organizationID, id: id,
                set: "expires_at = \(bind: newExpiry.seconds), replaced_by = \(bind: new.id.description)", in: db)
            old.expiresAt = newExpiry
            old.replacedBy = new.id
            try await audit.record(
                event(old, "api_key.rolled", actor, details: "replaced by \(new.id); old key expires \(newExpiry.iso8601)"), in: db)
            try await audit.record(event(new, "api_key.created", actor, details: "rolled from \(old.id)"), in: db)
            try await ChangeSignal.credentialsChanged(in: db, database: database)
            return (old, new)
        }
        onChange()
        return (result.0, CreatedAPIKey(record: result.1, token: token))
    }

    /// A token reported as found in public (docs/secret-scanning.md).
    public struct Exposure: Sendable {
        public let hash: KeyHash
        /// Where it was found (the report's `url`); may be empty.
        public let url: String?
        /// What kind of place (`content`, `commit`, `issue_comment`…).
        public let source: String?

        public init(hash: KeyHash, url: String?, source: String?) {
            self.hash = hash
            self.url = url
            self.source = source
        }
    }

    /// Leaked keys: every key matching a reported token is disabled at once and flagged exposed (deleted keys stay
    /// deleted: their tombstone still matches, so the report is a true positive). One audit event per matching key,
    /// with `actor` (`secret-scanning`) and where it was found. Returns the hashes that matched a key.
    public func reportExposed(_ exposures: [Exposure], actor: Actor) async throws -> Set<KeyHash> {
        var first: [KeyHash: Exposure] = [:]
        for exposure in exposures where first[exposure.hash] == nil { first[exposure.hash] = exposure }
        let firstByHash = first
        guard !firstByHash.isEmpty else { return [] }
        let now = Timestamp.now
        let hashes = Array(firstByHash.keys)
        let matched = try await database.write { db -> Set<KeyHash> in
            var matched = Set<KeyHash>()
            // Bounded statements: a report may name thousands of tokens.
            for start in stride(from: 0, to: hashes.count, by: 500) {
                let chunk = Array(hashes[start..<min(start + 500, hashes.count)])
                for (hash, key) in try await keys.find(hashes: chunk, in: db) {
                    matched.insert(hash)
                    let exposure = firstByHash[hash]
                    let url = exposure?.url.map { String($0.prefix(2048)) }.flatMap { $0.isEmpty ? nil : $0 }
                    let outcome: String
                    switch key.status {
                    case .deleted: outcome = "the key was already deleted"
                    case .disabled: outcome = "the key was already disabled"
                    case .enabled: outcome = "the key was disabled"
                    }
                    if key.status != .deleted {
                        try await keys.update(
                            organizationID: key.organizationID, id: key.id,
                            set: """
                                status = 'disabled', exposed_at = COALESCE(exposed_at, \(bind: now.seconds)),
                                exposed_url = \(bind: url)
                                """, in: db)
                    }
                    let place = url.map { "found in public at \($0)" } ?? "found in public"
                    let source = exposure?.source.map { " (\(String($0.prefix(64))))" } ?? ""
                    let details = "\(place)\(source); \(outcome)"
                    try await audit.record(event(key, "api_key.exposed", actor, details: details), in: db)
                }
            }
            if !matched.isEmpty { try await ChangeSignal.credentialsChanged(in: db, database: database) }
            return matched
        }
        if !matched.isEmpty { onChange() }
        return matched
    }

    private func change(
        _ organizationID: OrganizationID, _ id: APIKeyID, action: String, actor: Actor,
        _ apply: @escaping @Sendable (inout APIKeyRecord, any SQLDatabase) async throws -> Void
    ) async throws -> APIKeyRecord {
        let updated = try await database.write { db -> APIKeyRecord in
            guard var key = try await keys.find(organizationID: organizationID, id: id, in: db) else {
                throw DomainError.notFound("API key")
            }
            try await apply(&key, db)
            try await audit.record(event(key, action, actor), in: db)
            try await ChangeSignal.credentialsChanged(in: db, database: database)
            return key
        }
        onChange()
        return updated
    }

    private func event(_ key: APIKeyRecord, _ action: String, _ actor: Actor, details: String? = nil) -> AuditEvent {
        AuditEvent(
            organizationID: key.organizationID, actor: actor.name, action: action, targetType: "api_key",
            targetID: key.id.description, targetName: key.name, clientIP: actor.clientIP, details: details)
    }
}
