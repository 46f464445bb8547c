// The hot path of every API request: format + checksum (no I/O), then an in-process cache of keys
// already looked up, then the database. The cache is dropped whenever any node changes credentials
// (see CredentialChangeWatcher), and every entry is re-read after `maximumAge` as a safety net.
// While the database is unreachable, a key verified against it in the last minute is still accepted (README,
// "Reliability"): the last answer for each key is kept as a fallback that only an outage consults.
import Foundation
import NIOConcurrencyHelpers

/// The identity a request acts as once its key is verified.
public struct AuthenticatedKey: Sendable {
    public let keyID: APIKeyID
    public let organizationID: OrganizationID
    public let organizationName: String
    public let name: String
    public let scopes: [Scope]
    public let expiresAt: Timestamp?
    public let rateLimit: Int

    public func allows(_ scope: Scope) -> Bool { scopes.contains(scope) }
}

public enum KeyVerificationFailure: Error, Sendable, Equatable {
    /// 401: malformed, bad checksum, unknown or deleted.
    case invalid
    /// 403: disabled or expired.
    case disabled
    case expired
}

public final class KeyVerifier: Sendable {
    private struct Entry {
        let row: KeyAuthenticationRow
        let loadedAt: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Bumped on every invalidation; a lookup that started before one must not refill the cache.
        var generation: UInt64 = 0
        /// Off while change notifications cannot be received: then every request reads the database.
        var enabled = true
        /// For the operator's metrics (creatoraudit_key_cache_hits_total / _misses_total).
        var statistics = CacheStatistics(hits: 0, misses: 0)
        /// The last database answer per key, consulted only when the database cannot answer (`DatabaseUnavailable`).
        /// Dropped with the cache when a change is heard; kept when the listener loses its connection (an outage
        /// usually is why). Entries older than `maximumAge` are never used.
        var fallback: [String: Entry] = [:]
    }

    /// Verifications answered from the cache, and those that read the database, since this verifier started.
    public struct CacheStatistics: Sendable, Equatable {
        public var hits: Int64
        public var misses: Int64
    }

    static let maximumAge: UInt64 = 60 * 1_000_000_000
    static let maximumEntries = 50_000

    private let repository: APIKeyRepository
    private let state = NIOLockedValueBox(State())

    public init(database: Database) {
        self.repository = APIKeyRepository(database: database)
    }

    /// Verifies a presented credential. Throws `KeyVerificationFailure`; database errors propagate.
    public func verify(_ presented: Substring, now: Timestamp = .now) async throws -> AuthenticatedKey {
        guard let token = APIKeyToken(parsing: presented) else { throw KeyVerificationFailure.invalid }
        let hash = token.hash
        let clock = DispatchTime.now().uptimeNanoseconds
        let (cached, generation) = state.withLockedValue { state -> (KeyAuthenticationRow?, UInt64) in
            guard let entry = state.entries[hash.hex], clock &- entry.loadedAt < Self.maximumAge else {
                state.statistics.misses += 1
                return (nil, state.generation)
            }
            state.statistics.hits += 1
            return (entry.row, state.generation)
        }
        let row: KeyAuthenticationRow
        if let cached {
            row = cached
        } else {
            let found: KeyAuthenticationRow?
            do {
                found = try await repository.findForAuthentication(hash: hash)
            } catch let error as DatabaseUnavailable {
                guard let fallback = fallback(hash.hex) else { throw error }
                found = fallback
            }
            guard let loaded = found else { throw KeyVerificationFailure.invalid }
            row = loaded
            state.withLockedValue { state in
                guard state.generation == generation else { return }
                let entry = Entry(row: loaded, loadedAt: clock)
                if state.fallback.count >= Self.maximumEntries { state.fallback.removeAll(keepingCapacity: true) }
                if state.fallback[hash.hex].map({ $0.loadedAt < clock }) ?? true { state.fallback[hash.hex] = entry }
                guard state.enabled else { return }
                if state.entries.count >= Self.maximumEntries { state.entries.removeAll(keepingCapacity: true) }
                state.entries[hash.hex] = entry
            }
        }
        switch row.key.status {
        case .deleted: throw KeyVerificationFailure.invalid
        case .disabled: throw KeyVerificationFailure.disabled
        case .enabled: break
        }
        if row.key.isExpired(at: now) { throw KeyVerificationFailure.expired }
        return AuthenticatedKey(
            keyID: row.key.id, organizationID: row.key.organizationID, organizationName: row.organizationName,
            name: row.key.name, scopes: row.key.scopes, expiresAt: row.key.expiresAt, rateLimit: row.rateLimit)
    }

    /// The fallback answer for a key while the database is unreachable: only one read in the last minute.
    private func fallback(_ hash: String) -> KeyAuthenticationRow? {
        let clock = DispatchTime.now().uptimeNanoseconds
        return state.withLockedValue { state in
            guard let entry = state.fallback[hash], clock &- entry.loadedAt < Self.maximumAge else { return nil }
            return entry.row
        }
    }

    /// Forget every cached key (a credential changed somewhere).
    public func invalidateAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
            state.fallback.removeAll(keepingCapacity: true)
        }
    }

    /// Turn caching off while this node cannot hear about changes, on again once it can. Turning it off keeps
    /// what was cached as the outage fallback (turning it on again drops that too: anything may have changed).
    public func setCaching(enabled: Bool) {
        state.withLockedValue { state in
            if !enabled {
                for (hash, entry) in state.entries
                where state.fallback[hash].map({ $0.loadedAt < entry.loadedAt }) ?? true {
                    state.fallback[hash] = entry
                }
            } else {
                state.fallback.removeAll(keepingCapacity: true)
            }
            state.enabled = enabled
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }

    var cachedCount: Int { state.withLockedValue { $0.entries.count } }

    public var cacheStatistics: CacheStatistics { state.withLockedValue { $0.statistics } }
}
