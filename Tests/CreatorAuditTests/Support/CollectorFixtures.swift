// Shared setup for the collector tests: tracked subjects created as the API creates them, a collector over a test
// database with the sources and clock a test chooses, and direct looks at the rows a refresh writes.
import Foundation
import Logging
import SQLKit
import Testing

@testable import CreatorAudit

enum CollectorFixtures {
    /// A collector that asks `sources` (the sandbox on its clock, unless given).
    static func collector(
        _ database: Database, clock: any CollectorClock, concurrency: Int = 8, owner: String = "test collector",
        sources: (@Sendable (Platform) -> any PlatformSource)? = nil
    ) -> Collector {
        var settings = CollectorSettings()
        settings.concurrency = concurrency
        settings.owner = owner
        let sandbox = SandboxSource(clock: { Timestamp(seconds: Int64(clock.now().rounded(.down))) })
        return Collector(
            database: database, source: sources ?? { _ in sandbox }, settings: settings, clock: clock,
            logger: TestDatabase.quietLogger)
    }

    /// A tracked account, added at `now` (so due at `now`), through the same repository as `POST /v2/accounts`.
    @discardableResult
    static func account(
        _ database: Database, _ organization: OrganizationID, _ platform: Platform, _ username: String,
        now: Timestamp, configure: (inout Account) -> Void = { _ in }
    ) async throws -> Account {
        var account = Account.new(organizationID: organization, platform: platform, username: username, now: now)
        configure(&account)
        return try await database.tenant(organization).accounts.create(account)
    }

    /// An individually tracked video, added at `now`.
    @discardableResult
    static func video(
        _ database: Database, _ organization: OrganizationID, _ platform: Platform, externalID: String,
        owner: String? = nil, now: Timestamp
    ) async throws -> Video {
        var video = Video.new(
            organizationID: organization, platform: platform, source: .individual, externalID: externalID,
            url: "https://example.com/\(externalID)", now: now)
        video.accountUsername = owner
        return try await database.tenant(organization).videos.create(video)
    }

    static func account(_ database: Database, _ account: Account) async throws -> Account {
        try #require(try await database.tenant(account.organizationID).accounts.find(account.id))
    }

    static func video(_ database: Database, _ video: Video, source: VideoSource = .individual) async throws -> Video {
        try #require(try await database.tenant(video.organizationID).videos.find(video.id, source: source))
    }

    /// Rows of `table` for one subject (`account_snapshots`, `video_snapshots`, …).
    static func count(_ database: Database, _ table: String, where column: String, is id: String) async throws -> Int {
        try await database.read(scope: .test) { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: id)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    static func accountSnapshots(_ database: Database, _ account: Account) async throws -> Int {
        try await count(database, "account_snapshots", where: "account_id", is: account.id.description)
    }

    /// The account's discovered videos, newest first.
    static func discovered(_ database: Database, _ account: Account) async throws -> [Video] {
        let page = try await database.tenant(account.organizationID).videos.page(
            source: .account, VideoFilters(accountID: account.id.description),
            PageQuery(
                limit: 500, includeTotal: false, sort: VideoRepository.sortOptions[0], direction: .desc,
                after: nil))
        return page.items
    }

    /// Moves the subject's due time (as if its interval or back-off had passed).
    static func makeDue(_ database: Database, _ table: String, _ id: String, at time: Timestamp) async throws {
        try await database.write(scope: .test) { db in
            try await db.raw(
                "UPDATE \(unsafeRaw: table) SET next_refresh_at = \(bind: time.seconds) WHERE id = \(bind: id)"
            )
            .run()
        }
    }

    /// How many subjects a collector holds a claim on.
    static func claimsHeld(_ database: Database) async throws -> Int {
        try await database.read(scope: .test) { db in
            var held = 0
            for table in ["accounts", "videos"] {
                held +=
                    try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE lease_owner IS NOT NULL")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return held
        }
    }
}
