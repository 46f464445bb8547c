// What the collector writes on one organization's subjects (the tenant store's `collection`): the end of a claim
// with what the attempt came to, the profile a refresh saw, and the bookkeeping of discovered videos. The
// counters themselves go through `tenant.snapshots` in the same transaction (Collector/Scheduler/Refresher.swift).
import Foundation
import SQLKit

/// A subject of the collector.
public enum CollectedSubject: Sendable, Equatable {
    case account(AccountID)
    case video(VideoID)

    var table: String {
        switch self {
        case .account: return "accounts"
        case .video: return "videos"
        }
    }

    var id: String {
        switch self {
        case .account(let id): return id.description
        case .video(let id): return id.description
        }
    }
}

/// How a claim ends.
public enum AttemptRecord: Sendable, Equatable {
    /// The refresh was stored: due again at `next`; failures and unavailability cleared.
    case refreshed(at: Timestamp, next: Timestamp)
    /// A transient failure (`retrying`) or the platform's "gone / private / not answerable" (`unavailable`):
    /// counted, due again after the back-off. Values stay as they were.
    case failed(CollectionOutcome, reason: String, at: Timestamp, next: Timestamp)
    /// The platform paused us or the source is failing: not the subject's fault, nothing counted; it waits until
    /// `next`. `sourceFailing` carries the reason to show.
    case deferred(next: Timestamp, sourceFailing: String?)
    /// Given back untouched (the worker stopped before finishing it).
    case released
}

public struct CollectionRepository: Sendable {
    let tenant: TenantStore

    /// Ends `owner`'s claim on `subject` with `record`. Returns false — and changes nothing — when the claim is no
    /// longer this worker's: its lease ran out and another worker took the subject, or the subject was deleted.
    /// The caller must then store nothing. On PostgreSQL the row stays locked until the transaction ends, so a
    /// refresh's snapshots and the end of its claim commit together.
    public func settle(
        _ subject: CollectedSubject, owner: String, _ record: AttemptRecord, in db: any SQLDatabase
    ) async throws -> Bool {
        var set: SQLQueryString = "lease_owner = NULL, lease_until = NULL"
        switch record {
        case .refreshed(let at, let next):
            set =
                set + """
                    , next_refresh_at = \(bind: next.seconds), last_attempt_at = \(bind: at.seconds), last_error = NULL,
                    consecutive_failures = 0, collection_state = 'ok', is_unavailable = 0
                    """
        case .failed(let outcome, let reason, let at, let next):
            set =
                set + """
                    , next_refresh_at = \(bind: next.seconds), last_attempt_at = \(bind: at.seconds),
                    last_error = \(bind: String(reason.prefix(300))), consecutive_failures = consecutive_failures + 1,
                    collection_state = \(bind: outcome.rawValue)
                    """
            if outcome == .unavailable { set = set + ", is_unavailable = 1" }
        case .deferred(let next, let failing):
            set = set + ", next_refresh_at = \(bind: next.seconds)"
            if let failing {
                set = set + ", collection_state = 'source_failing', last_error = \(bind: String(failing.prefix(300)))"
            }
        case .released:
            break
        }
        let rows = try await db.raw(
            "UPDATE \(unsafeRaw: subject.table) SET " + set
                + """
                 WHERE organization_id = \(bind: tenant.id) AND id = \(bind: subject.id)
                    AND lease_owner = \(bind: owner) RETURNING id
                """
        ).all()
        return !rows.isEmpty
    }

    /// `settle(_:owner:_:in:)` with `.refreshed` for many accounts at once (a collector batch, `Refresher`): one
    /// statement, each account due again at its own time. Returns the ids whose claim was still `owner`'s; the others
    /// are left unchanged, and the caller stores nothing for them.
    func settleRefreshed(
        accounts: [(id: AccountID, next: Timestamp)], owner: String, at: Timestamp, in db: any SQLDatabase
    ) async throws -> Set<String> {
        guard !accounts.isEmpty else { return [] }
        // Ids and times are typed values written as SQL text (SnapshotWriter.rows).
        let values = SnapshotWriter.rows(accounts, columns: 2) { account, row in
            row.id(account.id)
            row.number(account.next.seconds)
        }
        let rows = try await db.raw(
            """
            UPDATE accounts SET lease_owner = NULL, lease_until = NULL, next_refresh_at = CAST(n.column2 AS BIGINT),
                last_attempt_at = \(bind: at.seconds), last_error = NULL, consecutive_failures = 0,
                collection_state = 'ok', is_unavailable = 0
            FROM (VALUES \(values)) AS n
            WHERE accounts.organization_id = \(bind: tenant.id) AND accounts.id = n.column1
                AND accounts.lease_owner = \(bind: owner)
            RETURNING id
            """
        ).all()
        return Set(try rows.map { try $0.reader("accounts").string("id") })
    }

    /// The profiles of many accounts at once: one statement per 200 accounts (the platform's texts are binds).
    func recordProfiles(
        _ profiles: [(id: AccountID, profile: AccountProfile, source: String)], in db: any SQLDatabase
    ) async throws {
        for chunk in profiles.chunked(200) where !chunk.isEmpty {
            var values: SQLQueryString = ""
            for (index, entry) in chunk.enumerated() {
                let p = entry.profile
                values += """
                    \(unsafeRaw: index == 0 ? "(" : ", (")\(unsafeRaw: SnapshotWriter.id(entry.id)), \(bind: p.name),
                    \(bind: p.description), \(bind: p.profilePicURL), \(unsafeRaw: p.isVerified ? "1" : "0"),
                    \(bind: p.linkInBio), \(bind: entry.source))
                    """
            }
            try await db.raw(
                """
                UPDATE accounts SET name = n.column2, description = n.column3, profile_pic_url = n.column4,
                    is_verified = n.column5, link_in_bio = n.column6, data_source = n.column7
                FROM (VALUES \(values)) AS n
                WHERE accounts.organization_id = \(bind: tenant.id) AND accounts.id = n.column1
                """
            ).run()
        }
    }

    /// The profile as the platform answered it now (its counters go in the account's snapshot).
    public func recordProfile(
        _ id: AccountID, _ profile: AccountProfile, source: String, in db: any SQLDatabase
    ) async throws {
        try await recordProfiles([(id, profile, source)], in: db)
    }

    /// The organization's discovered videos among `externalIDs` of `platform`, by external id (a post may have
    /// been discovered on another tracked account already — a collaboration).
    public func discoveredVideos(
        platform: Platform, externalIDs: [String], in db: any SQLDatabase
    ) async throws -> [String: VideoID] {
        var found: [String: VideoID] = [:]
        for chunk in externalIDs.chunked(500) where !chunk.isEmpty {
            let rows = try await db.raw(
                """
                SELECT id, external_id FROM videos WHERE organization_id = \(bind: tenant.id) AND source = 'account'
                    AND platform = \(bind: platform.rawValue) AND external_id IN (\(binds: Array(chunk)))
                """
            ).all()
            for row in rows {
                let r = row.reader("videos")
                found[try r.string("external_id")] = try r.id("id")
            }
        }
        return found
    }

    /// After an account refresh: the posts it saw are refreshed with the account (due when it is); the account's
    /// older posts, out of its recent posts now, are no longer refreshed (`next_refresh_at` null). The seen ids drive
    /// the lookup (`RollupRepository.idList`): with `organization_id = ? AND id IN (…)` SQLite walked every video of
    /// the organization.
    /// `recorded`: seen videos the snapshot writer already marked so (SnapshotWriter.VideoSchedule).
    public func recordDiscoveredVideos(
        account: AccountID, seen: [VideoID], at: Timestamp, next: Timestamp, recorded: Set<String> = [],
        in db: any SQLDatabase
    ) async throws {
        try await recordDiscoveredVideos([(account, seen, next)], at: at, recorded: recorded, in: db)
    }

    /// The same for the accounts of a collector batch. A post one account of the batch saw stays refreshed (with
    /// that account) even if it was discovered on another account of the batch that did not see it this time.
    func recordDiscoveredVideos(
        _ refreshes: [(account: AccountID, seen: [VideoID], next: Timestamp)], at: Timestamp,
        recorded: Set<String> = [], in db: any SQLDatabase
    ) async throws {
        for refresh in refreshes {
            let ids = refresh.seen.map(\.description)
            for chunk in ids.filter({ !recorded.contains($0) }).chunked(500) where !chunk.isEmpty {
                try await db.raw(
                    """
                    UPDATE videos SET next_refresh_at = \(bind: refresh.next.seconds), last_attempt_at = \(bind: at.seconds),
                        last_error = NULL, consecutive_failures = 0, collection_state = 'ok', is_unavailable = 0
                    WHERE id IN (SELECT v.id FROM \(RollupRepository.idList(Array(chunk))) CROSS JOIN videos v
                        WHERE v.id = ids.column1 AND v.organization_id = \(bind: tenant.id))
                    """
                ).run()
            }
        }
        // The older posts: one statement per group of accounts whose seen posts fit in one statement's binds.
        var group: [(account: AccountID, seen: [VideoID], next: Timestamp)] = []
        var binds = 0
        for refresh in refreshes {
            if !group.isEmpty, binds + refresh.seen.count + 1 > 5_000 {
                try await stopRefreshingOlderPosts(of: group, in: db)
                group = []
                binds = 0
            }
            group.append(refresh)
            binds += refresh.seen.count + 1
        }
        if !group.isEmpty { try await stopRefreshingOlderPosts(of: group, in: db) }
    }

    private func stopRefreshingOlderPosts(
        of refreshes: [(account: AccountID, seen: [VideoID], next: Timestamp)], in db: any SQLDatabase
    ) async throws {
        let ids = refreshes.flatMap { $0.seen.map(\.description) }
        var query: SQLQueryString = """
            UPDATE videos SET next_refresh_at = NULL WHERE organization_id = \(bind: tenant.id)
                AND account_id IN (\(binds: refreshes.map(\.account.description))) AND source = 'account'
                AND next_refresh_at IS NOT NULL
            """
        if !ids.isEmpty { query = query + " AND id NOT IN (\(binds: ids))" }
        try await db.raw(query).run()
    }

    /// What an individual video's refresh says about it, where it says anything (nothing is erased).
    public func recordVideoDetails(
        _ id: VideoID, _ post: PlatformPost, source: String, at: Timestamp, in db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            UPDATE videos SET shortcode = COALESCE(\(bind: post.shortcode), shortcode),
                description = COALESCE(\(bind: post.caption), description),
                create_time = COALESCE(\(bind: post.createTime?.seconds), create_time),
                media_type = COALESCE(\(bind: post.mediaType), media_type),
                duration = COALESCE(\(bind: post.duration), duration),
                cover_image_url = COALESCE(\(bind: post.coverImageURL), cover_image_url),
                account_username = COALESCE(account_username, \(bind: post.accountUsername)),
                data_source = \(bind: source), updated_at = \(bind: at.seconds)
            WHERE organization_id = \(bind: tenant.id) AND id = \(bind: id.description)
            """
        ).run()
    }
}

extension RowReader {
    /// The collector's columns of an account or video row (Migration8CollectorQueue.swift).
    func collection() throws -> CollectionState {
        let state = try optionalString("collection_state")
        let outcome = try state.map { text -> CollectionOutcome in
            guard let outcome = CollectionOutcome(rawValue: text) else {
                throw CorruptRow(table: table, column: "collection_state")
            }
            return outcome
        }
        return CollectionState(
            nextRefreshAt: try optionalTimestamp("next_refresh_at"),
            lastAttemptAt: try optionalTimestamp("last_attempt_at"),
            lastError: try optionalString("last_error"), consecutiveFailures: try int("consecutive_failures"),
            outcome: outcome)
    }
}
