// The collector's queue: due accounts and individually tracked videos of every organization, claimed with a
// lease (docs/collection.md, "Refreshing"). Deliberately cross-tenant — a worker serves all organizations — so
// its handle says so (`QueryScope.crossTenant`); what a refresh stores then goes through the subject's own
// organization's `TenantStore` (`tenant.collection`, `tenant.videos`, `tenant.snapshots`).
//
// A claim is one transaction: pick the due subjects in due order, then write this worker's name and the lease's
// end on them. On PostgreSQL the pick locks its rows with `FOR UPDATE … SKIP LOCKED`, so workers claiming at the
// same moment take different subjects; on SQLite the single writer's transaction already excludes other claims
// (and only one process collects from a SQLite file, Collector/Scheduler/CollectorLock.swift).
import Foundation
import SQLKit

/// A due account, as claimed: enough to ask its platform and to schedule it afterwards.
public struct DueAccount: Sendable, Equatable {
    public let id: AccountID
    public let organizationID: OrganizationID
    public let platform: Platform
    public let username: String
    /// The account's effective caps (its own, else its organization's defaults).
    public let limits: PostLimits
    public let scrapeIntervalHours: Int
    public let consecutiveFailures: Int
}

/// A due individually tracked video, as claimed.
public struct DueVideo: Sendable, Equatable {
    public let id: VideoID
    public let organizationID: OrganizationID
    public let platform: Platform
    public let externalID: String
    /// The account that published it, when known (Instagram finds a post only through its owner).
    public let ownerUsername: String?
    public let scrapeIntervalHours: Int
    public let consecutiveFailures: Int
}

/// How much work one platform has, for the operator (`creatoraudit sources`).
public struct QueueFigures: Sendable, Equatable {
    public var platform: Platform
    public var activeAccounts = 0
    public var dueAccounts = 0
    /// Active accounts never refreshed yet.
    public var newAccounts = 0
    public var activeVideos = 0
    public var dueVideos = 0
    /// Subjects a collector holds right now.
    public var claimed = 0
}

public struct CollectorQueue: Sendable {
    static let scope = QueryScope.crossTenant("collector queue")
    let database: Database

    public init(database: Database) { self.database = database }

    /// A subject is claimable when it is active, due, not held by a live lease, and (for an account) its creator
    /// is not paused. The same predicate decides claims and the scheduler's next wake-up, so the two never
    /// disagree (a subject the wake-up counts but a claim refuses would wake the scheduler in a loop).
    private static func accountsWaiting(_ platform: Platform) -> SQLQueryString {
        """
        a.platform = \(bind: platform.rawValue) AND a.is_active = 1 AND a.next_refresh_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM creators c WHERE c.id = a.creator_id AND c.is_active = 0)
        """
    }

    private static func videosWaiting(_ platform: Platform) -> SQLQueryString {
        """
        v.source = 'individual' AND v.platform = \(bind: platform.rawValue) AND v.is_active = 1
            AND v.next_refresh_at IS NOT NULL
        """
    }

    private static func claimable(_ alias: String, now: Timestamp) -> SQLQueryString {
        """
         AND \(unsafeRaw: alias).next_refresh_at <= \(bind: now.seconds)
            AND (\(unsafeRaw: alias).lease_until IS NULL OR \(unsafeRaw: alias).lease_until <= \(bind: now.seconds))
        """
    }

    /// PostgreSQL: lock the picked rows, skipping rows another worker is claiming this instant. SQLite has no
    /// row locks and needs none (one writer at a time).
    private func lockPicked(_ alias: String) -> SQLQueryString {
        database.engine == .postgres ? " FOR UPDATE OF \(unsafeRaw: alias) SKIP LOCKED" : ""
    }

    /// What one claim round takes of one platform: up to `jobs` jobs, videos first but at most half of them (so a
    /// large account backlog does not starve them), accounts filling the rest, `accountBatch` accounts a job.
    public struct ClaimRequest: Sendable, Equatable {
        public var platform: Platform
        public var jobs: Int
        public var accountBatch: Int

        public init(platform: Platform, jobs: Int, accountBatch: Int = 1) {
            self.platform = platform
            self.jobs = jobs
            self.accountBatch = max(1, accountBatch)
        }

        /// At most this many videos.
        public var videoLimit: Int { jobs > 0 ? max(1, jobs / 2) : 0 }

        /// At most this many accounts, once `videos` videos were claimed.
        public func accountLimit(afterVideos videos: Int) -> Int { max(0, jobs - videos) * accountBatch }
    }

    /// What a claim round got of one platform.
    public struct Claim: Sendable, Equatable {
        public var videos: [DueVideo] = []
        public var accounts: [DueAccount] = []
        /// The platform had at least as many due subjects as were asked for: there may be more.
        public var full = false
    }

    /// Claims what `requests` ask of each platform, most overdue first — all in ONE transaction: a claim round takes
    /// SQLite's writer once, not once per platform and kind (docs/collection.md, "Refreshing").
    public func claim(
        _ requests: [ClaimRequest], owner: String, now: Timestamp, leaseUntil: Timestamp
    ) async throws -> [Platform: Claim] {
        let requests = requests.filter { $0.jobs > 0 }
        guard !requests.isEmpty else { return [:] }
        // A claim a power loss undoes leaves its subjects claimable again (`CommitDurability.collected`).
        return try await database.write(scope: Self.scope, durability: .collected) { db in
            var claimed: [Platform: Claim] = [:]
            for request in requests {
                var claim = Claim()
                claim.videos = try await claimVideos(
                    platform: request.platform, limit: request.videoLimit, owner: owner, now: now,
                    leaseUntil: leaseUntil, in: db)
                let accountLimit = request.accountLimit(afterVideos: claim.videos.count)
                claim.accounts = try await claimAccounts(
                    platform: request.platform, limit: accountLimit, owner: owner, now: now,
                    leaseUntil: leaseUntil, in: db)
                claim.full = claim.videos.count == request.videoLimit
                    || (accountLimit > 0 && claim.accounts.count == accountLimit)
                claimed[request.platform] = claim
            }
            return claimed
        }
    }

    /// Claims up to `limit` due accounts of `platform` for `owner` until `leaseUntil`, most overdue first.
    public func claimAccounts(
        platform: Platform, limit: Int, owner: String, now: Timestamp, leaseUntil: Timestamp
    ) async throws -> [DueAccount] {
        guard limit > 0 else { return [] }
        return try await database.write(scope: Self.scope) { db in
            try await claimAccounts(
                platform: platform, limit: limit, owner: owner, now: now, leaseUntil: leaseUntil, in: db)
        }
    }

    /// Claims up to `limit` due individually tracked videos of `platform`.
    public func claimVideos(
        platform: Platform, limit: Int, owner: String, now: Timestamp, leaseUntil: Timestamp
    ) async throws -> [DueVideo] {
        guard limit > 0 else { return [] }
        return try await database.write(scope: Self.scope) { db in
            try await claimVideos(
                platform: platform, limit: limit, owner: owner, now: now, leaseUntil: leaseUntil, in: db)
        }
    }

    private func claimAccounts(
        platform: Platform, limit: Int, owner: String, now: Timestamp, leaseUntil: Timestamp, in db: any SQLDatabase
    ) async throws -> [DueAccount] {
        guard limit > 0 else { return [] }
        let rows = try await db.raw(
            """
            SELECT a.id, a.organization_id, a.username, a.scrape_interval_hours, a.consecutive_failures,
                COALESCE(a.max_recent_posts_per_account, o.max_recent_posts_per_account) AS max_posts,
                COALESCE(a.post_lookback_days, o.post_lookback_days) AS lookback_days
            FROM accounts a JOIN organizations o ON o.id = a.organization_id
            WHERE \(Self.accountsWaiting(platform))\(Self.claimable("a", now: now))
            ORDER BY a.next_refresh_at LIMIT \(bind: limit)
            """ + lockPicked("a")
        ).all()
        let claimed = try rows.map { row -> DueAccount in
            let r = row.reader("accounts")
            return DueAccount(
                id: try r.id("id"), organizationID: try r.id("organization_id"), platform: platform,
                username: try r.string("username"),
                limits: PostLimits(maxPosts: try r.int("max_posts"), lookbackDays: try r.int("lookback_days")),
                scrapeIntervalHours: try r.int("scrape_interval_hours"),
                consecutiveFailures: try r.int("consecutive_failures"))
        }
        try await lease("accounts", ids: claimed.map(\.id.description), owner: owner, until: leaseUntil, in: db)
        return claimed
    }

    private func claimVideos(
        platform: Platform, limit: Int, owner: String, now: Timestamp, leaseUntil: Timestamp, in db: any SQLDatabase
    ) async throws -> [DueVideo] {
        guard limit > 0 else { return [] }
        let rows = try await db.raw(
            """
            SELECT v.id, v.organization_id, v.external_id, v.account_username, v.scrape_interval_hours,
                v.consecutive_failures
            FROM videos v
            WHERE \(Self.videosWaiting(platform))\(Self.claimable("v", now: now))
            ORDER BY v.next_refresh_at LIMIT \(bind: limit)
            """ + lockPicked("v")
        ).all()
        let claimed = try rows.map { row -> DueVideo in
            let r = row.reader("videos")
            return DueVideo(
                id: try r.id("id"), organizationID: try r.id("organization_id"), platform: platform,
                externalID: try r.string("external_id"), ownerUsername: try r.optionalString("account_username"),
                scrapeIntervalHours: try r.int("scrape_interval_hours"),
                consecutiveFailures: try r.int("consecutive_failures"))
        }
        try await lease("videos", ids: claimed.map(\.id.description), owner: owner, until: leaseUntil, in: db)
        return claimed
    }

    private func lease(
        _ table: String, ids: [String], owner: String, until: Timestamp, in db: any SQLDatabase
    ) async throws {
        guard !ids.isEmpty else { return }
        try await db.raw(
            """
            UPDATE \(unsafeRaw: table) SET lease_owner = \(bind: owner), lease_until = \(bind: until.seconds)
            WHERE id IN (\(binds: ids))
            """
        ).run()
    }

    /// When the next subject of `platform` becomes claimable (due, and any lease on it over); nil when none is
    /// waiting at all.
    public func nextClaimableTime(platform: Platform) async throws -> Timestamp? {
        try await database.read(scope: Self.scope) { db in
            var earliest: Int64?
            for query: SQLQueryString in [
                """
                SELECT MIN(CASE WHEN a.lease_until IS NOT NULL AND a.lease_until > a.next_refresh_at
                    THEN a.lease_until ELSE a.next_refresh_at END) AS t
                FROM accounts a WHERE \(Self.accountsWaiting(platform))
                """,
                """
                SELECT MIN(CASE WHEN v.lease_until IS NOT NULL AND v.lease_until > v.next_refresh_at
                    THEN v.lease_until ELSE v.next_refresh_at END) AS t
                FROM videos v WHERE \(Self.videosWaiting(platform))
                """,
            ] {
                if let time = try await db.raw(query).first()?.reader("accounts").optionalInt64("t") {
                    earliest = min(earliest ?? time, time)
                }
            }
            return earliest.map(Timestamp.init(seconds:))
        }
    }

    /// Gives claims back untouched (still due as before): what a stopping worker had claimed but not started.
    public func release(accounts: [AccountID], videos: [VideoID], owner: String) async throws {
        try await database.write(scope: Self.scope) { db in
            for (table, ids) in [("accounts", accounts.map(\.description)), ("videos", videos.map(\.description))] {
                for chunk in ids.chunked(500) where !chunk.isEmpty {
                    try await db.raw(
                        """
                        UPDATE \(unsafeRaw: table) SET lease_owner = NULL, lease_until = NULL
                        WHERE lease_owner = \(bind: owner) AND id IN (\(binds: Array(chunk)))
                        """
                    ).run()
                }
            }
        }
    }

    /// Gives back every claim `owner` still holds (a stopping worker's last word); returns how many there were.
    @discardableResult
    public func releaseAll(owner: String) async throws -> Int {
        try await database.write(scope: Self.scope) { db in
            var released = 0
            for table in ["accounts", "videos"] {
                released += try await db.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET lease_owner = NULL, lease_until = NULL
                    WHERE lease_owner = \(bind: owner) RETURNING id
                    """
                ).all().count
            }
            return released
        }
    }

    /// Every lease, whoever holds it: the one collector of a SQLite file starting up (any lease is a dead
    /// process's).
    public func releaseEveryLease() async throws {
        try await database.write(scope: Self.scope) { db in
            for table in ["accounts", "videos"] {
                try await db.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET lease_owner = NULL, lease_until = NULL
                    WHERE lease_owner IS NOT NULL
                    """
                ).run()
            }
        }
    }

    /// Shows that `platform`'s source is failing on its due subjects (status `source_failing`, with the reason),
    /// without touching their values, failure count or schedule: they wait, unpunished.
    public func markSourceFailing(platform: Platform, reason: String, now: Timestamp) async throws {
        try await database.write(scope: Self.scope) { db in
            try await db.raw(
                """
                UPDATE accounts SET collection_state = 'source_failing', last_error = \(bind: reason)
                WHERE id IN (SELECT a.id FROM accounts a WHERE \(Self.accountsWaiting(platform))
                    \(Self.claimable("a", now: now))
                    AND (a.collection_state IS NULL OR a.collection_state <> 'source_failing'))
                """
            ).run()
            try await db.raw(
                """
                UPDATE videos SET collection_state = 'source_failing', last_error = \(bind: reason)
                WHERE id IN (SELECT v.id FROM videos v WHERE \(Self.videosWaiting(platform))
                    \(Self.claimable("v", now: now))
                    AND (v.collection_state IS NULL OR v.collection_state <> 'source_failing'))
                """
            ).run()
        }
    }

    /// Per platform: active and due subjects, and how many a collector holds.
    public func figures(now: Timestamp) async throws -> [QueueFigures] {
        try await database.read(scope: Self.scope) { db in
            var figures = Platform.allCases.map { QueueFigures(platform: $0) }
            for platform in Platform.allCases {
                guard let index = figures.firstIndex(where: { $0.platform == platform }) else { continue }
                let accounts = try await db.raw(
                    """
                    SELECT COUNT(*) AS active,
                        SUM(CASE WHEN a.next_refresh_at <= \(bind: now.seconds) THEN 1 ELSE 0 END) AS due,
                        SUM(CASE WHEN a.lease_until > \(bind: now.seconds) THEN 1 ELSE 0 END) AS claimed,
                        SUM(CASE WHEN a.last_scrape_time IS NULL THEN 1 ELSE 0 END) AS new
                    FROM accounts a WHERE \(Self.accountsWaiting(platform))
                    """
                ).first()?.reader("accounts")
                let videos = try await db.raw(
                    """
                    SELECT COUNT(*) AS active,
                        SUM(CASE WHEN v.next_refresh_at <= \(bind: now.seconds) THEN 1 ELSE 0 END) AS due,
                        SUM(CASE WHEN v.lease_until > \(bind: now.seconds) THEN 1 ELSE 0 END) AS claimed
                    FROM videos v WHERE \(Self.videosWaiting(platform))
                    """
                ).first()?.reader("videos")
                figures[index].activeAccounts = try accounts?.int("active") ?? 0
                figures[index].dueAccounts = try accounts?.optionalInt("due") ?? 0
                figures[index].newAccounts = try accounts?.optionalInt("new") ?? 0
                figures[index].activeVideos = try videos?.int("active") ?? 0
                figures[index].dueVideos = try videos?.optionalInt("due") ?? 0
                figures[index].claimed =
                    (try accounts?.optionalInt("claimed") ?? 0) + (try videos?.optionalInt("claimed") ?? 0)
            }
            return figures
        }
    }
}
