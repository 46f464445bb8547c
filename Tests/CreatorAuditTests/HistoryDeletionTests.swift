// History goes with its subject: deleting an account or a video removes its snapshots and daily rollups, the
// organization's daily amounts stay exact, and migration 6 removes the orphans older versions left behind.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("History is deleted with its subject")
struct HistoryDeletionTests {
    /// Rows of `table` whose `column` is `id`, counted directly.
    static func rows(_ database: Database, _ table: String, _ column: String, _ id: String) async throws -> Int {
        try await database.read(scope: .test) { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: id)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    @Test("DELETE /v2/accounts/{id} removes the account's snapshots and rollups and its videos' history", arguments: TestEngines.all)
    func deleteAccount(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            let database = server.database
            let store = database.tenant(h.organization.id)
            #expect(try await Self.rows(database, "account_snapshots", "account_id", h.account.description) == 3)
            #expect(try await Self.rows(database, "video_snapshots", "video_id", h.videoA.description) == 4)
            let window = Window(period: "30d", startDay: h.today - 29, endDay: h.today)
            let before = try await store.levels.levels(.organization, from: h.today - 30, through: h.today).series(window).map(\.amounts)

            let deleted = try await server.request(.DELETE, "/v2/accounts/\(h.account)", key: h.key)
            #expect(deleted.status == 204)
            for (table, column, id) in [("account_snapshots", "account_id", h.account), ("account_daily", "account_id", h.account)] {
                #expect(try await Self.rows(database, table, column, id.description) == 0, "\(table)")
            }
            for video in [h.videoA, h.videoB] {
                for table in ["video_snapshots", "video_daily", "videos"] {
                    #expect(try await Self.rows(database, table, table == "videos" ? "id" : "video_id", video.description) == 0, "\(table)")
                }
            }
            // The individual videos keep their history, and the organization's amounts are exactly what is left.
            #expect(try await Self.rows(database, "video_daily", "video_id", h.videoC.description) > 0)
            let after = try await store.levels.levels(.organization, from: h.today - 30, through: h.today).series(window).map(\.amounts)
            let expected = try await SubjectLevelsTests.expectedSeries(database, h.organization.id, first: h.today - 29, last: h.today)
            #expect(after == expected)
            #expect(after != before)
        }
    }

    @Test("DELETE /v2/videos/{id} removes the video's snapshots and rollups; the overview no longer counts it", arguments: TestEngines.all)
    func deleteVideo(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            let database = server.database
            let overviewBefore = try await server.request(.GET, "/v2/overview?period=30d", key: h.key)
            let deleted = try await server.request(.DELETE, "/v2/videos/\(h.videoC)", key: h.key)
            #expect(deleted.status == 204)
            #expect(try await Self.rows(database, "video_snapshots", "video_id", h.videoC.description) == 0)
            #expect(try await Self.rows(database, "video_daily", "video_id", h.videoC.description) == 0)
            let store = database.tenant(h.organization.id)
            let window = Window(period: "30d", startDay: h.today - 29, endDay: h.today)
            let stored = try await store.levels.levels(.organization, from: h.today - 30, through: h.today).series(window).map(\.amounts)
            #expect(stored == (try await SubjectLevelsTests.expectedSeries(database, h.organization.id, first: h.today - 29, last: h.today)))
            // C gained 200 views in the window (700 → 900): the overview's total drops by exactly that.
            let overviewAfter = try await server.request(.GET, "/v2/overview?period=30d", key: h.key)
            let viewsBefore = try #require((overviewBefore.data["current"] as? [String: Any])?["total_views"] as? Int)
            let viewsAfter = try #require((overviewAfter.data["current"] as? [String: Any])?["total_views"] as? Int)
            #expect(viewsBefore - viewsAfter == 200)
        }
    }

    @Test("migration 6 removes snapshots and rollups whose account or video no longer exists", arguments: TestEngines.all)
    func migrationRemovesOrphans(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { testDatabase in
            let database = testDatabase.database
            _ = try await Migrations.run(on: database, through: 5, logger: TestDatabase.quietLogger)
            let organization = try await Fixtures.organization(database)
            // A video with its history, and what versions before 6 left behind after a delete: history rows without
            // their subject. Written as those versions stored them (the product's writer needs later migrations).
            let kept = VideoID().description, orphanVideo = VideoID().description, orphanAccount = AccountID().description
            let org = organization.id.description
            try await database.write(scope: .test) { db in
                try await db.raw("""
                    INSERT INTO videos (id, organization_id, platform, source, external_id, url, is_active, is_unavailable,
                        scrape_interval_hours, metadata, added_at, updated_at, data_source)
                    VALUES (\(bind: kept), \(bind: org), 'instagram', 'individual', 'K1234', 'https://www.instagram.com/p/K1234/',
                        1, 0, 24, '{}', 1, 1, 'sandbox')
                    """).run()
                try await db.raw("""
                    INSERT INTO video_snapshots (organization_id, video_id, observed_at, view_count) VALUES (\(bind: org), \(bind: kept), 1, 10)
                    """).run()
                try await db.raw("""
                    INSERT INTO video_daily (organization_id, video_id, day, observed_at, view_count) VALUES (\(bind: org), \(bind: kept), 0, 1, 10)
                    """).run()
                try await db.raw("""
                    INSERT INTO video_snapshots (organization_id, video_id, observed_at, view_count) VALUES (\(bind: org), \(bind: orphanVideo), 1, 5)
                    """).run()
                try await db.raw("""
                    INSERT INTO video_daily (organization_id, video_id, day, observed_at, view_count) VALUES (\(bind: org), \(bind: orphanVideo), 1, 1, 5)
                    """).run()
                try await db.raw("""
                    INSERT INTO account_snapshots (organization_id, account_id, observed_at, follower_count) VALUES (\(bind: org), \(bind: orphanAccount), 1, 5)
                    """).run()
                try await db.raw("""
                    INSERT INTO account_daily (organization_id, account_id, day, observed_at, follower_count) VALUES (\(bind: org), \(bind: orphanAccount), 1, 1, 5)
                    """).run()
            }
            #expect(try await Migrations.run(on: database, logger: TestDatabase.quietLogger).contains(6))
            #expect(try await Self.rows(database, "video_snapshots", "video_id", orphanVideo) == 0)
            #expect(try await Self.rows(database, "video_daily", "video_id", orphanVideo) == 0)
            #expect(try await Self.rows(database, "account_snapshots", "account_id", orphanAccount) == 0)
            #expect(try await Self.rows(database, "account_daily", "account_id", orphanAccount) == 0)
            #expect(try await Self.rows(database, "video_snapshots", "video_id", kept) == 1)
            #expect(try await Self.rows(database, "video_daily", "video_id", kept) == 1)
        }
    }
}

@Suite("The snapshot writer refuses other organizations' subjects")
struct SnapshotWriterTenancyTests {
    @Test("a foreign video or account id is not found, and nothing of the call is written", arguments: TestEngines.all)
    func foreignIDs(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let database = testDatabase.database
            let mine = try await Fixtures.organization(database), theirs = try await Fixtures.organization(database)
            let myStore = database.tenant(mine.id), theirStore = database.tenant(theirs.id)
            let myVideo = Video.new(organizationID: mine.id, platform: .instagram, source: .individual, externalID: "M1234",
                                    url: "https://www.instagram.com/p/M1234/")
            let theirVideo = Video.new(organizationID: theirs.id, platform: .instagram, source: .individual, externalID: "T1234",
                                       url: "https://www.instagram.com/p/T1234/")
            let theirAccount = Account.new(organizationID: theirs.id, platform: .tiktok, username: "theirs")
            try await myStore.write { db in try await myStore.videos.insert(myVideo, in: db) }
            try await theirStore.write { db in
                try await theirStore.videos.insert(theirVideo, in: db)
                try await theirStore.accounts.insert(theirAccount, in: db)
            }
            let now = Timestamp.now
            await #expect(throws: DomainError.notFound("video")) {
                try await myStore.write { db in
                    try await myStore.snapshots.write(videos: [
                        VideoSnapshot(videoID: myVideo.id, observedAt: now, views: 5),
                        VideoSnapshot(videoID: theirVideo.id, observedAt: now, views: 1_000_000),
                    ], in: db)
                }
            }
            await #expect(throws: DomainError.notFound("account")) {
                try await myStore.write { db in
                    try await myStore.snapshots.write(accounts: [AccountSnapshot(accountID: theirAccount.id, observedAt: now, followerCount: 9)], in: db)
                }
            }
            for (table, column, id) in [("video_snapshots", "video_id", theirVideo.id.description), ("video_snapshots", "video_id", myVideo.id.description),
                                        ("video_daily", "video_id", theirVideo.id.description),
                                        ("account_snapshots", "account_id", theirAccount.id.description)] {
                #expect(try await HistoryDeletionTests.rows(database, table, column, id) == 0, "\(table)")
            }
            let window = Window(period: "custom", startDay: UTCDay.today - 1, endDay: UTCDay.today)
            let theirRows = try await theirStore.levels.levels(.organization, from: UTCDay.today - 2, through: UTCDay.today).series(window)
            #expect(theirRows.allSatisfy { $0.amounts == Counters() && $0.followers == nil })
            #expect(try await theirStore.videos.find(theirVideo.id, source: .individual)?.counters == Counters())
        }
    }
}
