// `creatoraudit demo` fills its organization with sandbox data that its API key sees at once.
import Foundation
import SQLKit
import Testing
@testable import CreatorAudit

@Suite("Demo data")
struct DemoDataTests {
    @Test("demo creates 3 creators, 12 accounts with a year of history, their videos and 5 individual videos; its key sees them",
          arguments: TestEngines.all)
    func demoData(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let started = ContinuousClock.now
            let demo = try await CLIRunner.run(["demo", "--json"] + server.testDatabase.cliStorageArguments)
            let elapsed = started.duration(to: .now)
            print("demo on \(engine): \(elapsed)")
            #expect(demo.status == 0, "\(demo.stderr)")
            let key = try #require(demo.json["api_key"] as? String)
            let organization = try #require(demo.json["organization_id"] as? String)

            let accounts = try await server.request(.GET, "/v2/accounts?include_total=true&limit=200", key: key)
            #expect(accounts.status == 200)
            #expect((accounts.json["pagination"] as? [String: Any])?["total_count"] as? Int == 12)
            let accountList = accounts.json["data"] as? [[String: Any]] ?? []
            #expect(accountList.count == 12)
            #expect(accountList.filter { $0["platform"] as? String == "instagram" }.count == 6)
            #expect(accountList.filter { $0["platform"] as? String == "tiktok" }.count == 6)
            #expect(accountList.filter { !($0["creator_id"] is NSNull) && $0["creator_id"] != nil }.count == 9)
            for account in accountList {
                #expect(account["data_source"] as? String == "sandbox")
                #expect((account["follower_count"] as? Int ?? 0) > 0)
                #expect((account["total_post_count"] as? Int ?? 0) > 30, "a post every few days for a year")
                #expect((account["view_count"] as? Int ?? 0) > 0)
                #expect(account["last_scrape_time"] is String && account["first_scrape_time"] is String)
                if account["platform"] as? String == "tiktok" { #expect(account["saved_count"] is NSNull) }
            }

            let creators = try await server.request(.GET, "/v2/creators?include_total=true", key: key)
            #expect(creators.status == 200)
            #expect((creators.json["pagination"] as? [String: Any])?["total_count"] as? Int == 3)
            let creatorList = creators.json["data"] as? [[String: Any]] ?? []
            #expect(creatorList.allSatisfy { (($0["accounts_summary"] as? [String: Any])?["total"] as? Int) == 3 })

            let videos = try await server.request(.GET, "/v2/videos?include_total=true", key: key)
            #expect(videos.status == 200)
            #expect((videos.json["pagination"] as? [String: Any])?["total_count"] as? Int == 5)
            for video in videos.json["data"] as? [[String: Any]] ?? [] {
                #expect(video["source"] as? String == "individual")
                #expect((video["view_count"] as? Int ?? 0) > 0)
            }

            let accountVideos = try await server.request(.GET, "/v2/account-videos?include_total=true&limit=1", key: key)
            #expect(accountVideos.status == 200)
            let discovered = (accountVideos.json["pagination"] as? [String: Any])?["total_count"] as? Int ?? 0
            #expect(discovered > 12 * 40)

            // A year of daily snapshots per account; every account video refreshed daily since its discovery.
            let counts = try #require(try await server.database.read(scope: .test) { db in
                try await db.raw("""
                    SELECT (SELECT COUNT(*) FROM account_snapshots WHERE organization_id = \(bind: organization)) AS accounts,
                        (SELECT COUNT(DISTINCT day) FROM account_daily WHERE organization_id = \(bind: organization)) AS days,
                        (SELECT COUNT(*) FROM video_snapshots WHERE organization_id = \(bind: organization)) AS videos,
                        (SELECT COUNT(*) FROM videos WHERE organization_id = \(bind: organization) AND data_source <> 'sandbox') AS foreign_source,
                        (SELECT COUNT(*) FROM videos WHERE organization_id = \(bind: organization) AND source = 'account'
                            AND (account_id IS NULL OR account_username IS NULL OR create_time IS NULL OR added_at < create_time)) AS incomplete
                    """).first()
            })
            #expect((12 * 364...12 * 365).contains(try counts.decode(column: "accounts", as: Int.self)))
            #expect((364...365).contains(try counts.decode(column: "days", as: Int.self)))
            #expect(try counts.decode(column: "videos", as: Int.self) > discovered * 30)
            #expect(try counts.decode(column: "foreign_source", as: Int.self) == 0)
            #expect(try counts.decode(column: "incomplete", as: Int.self) == 0)

            // The analytics see the history.
            let overview = try await server.request(.GET, "/v2/overview?period=30d", key: key)
            #expect(overview.status == 200)
            let current = (overview.data["current"] as? [String: Any]) ?? [:]
            #expect((current["total_views"] as? Int ?? 0) > 0)
            #expect(current["active_accounts"] as? Int == 12)
        }
    }

    @Test("the demo data is the sandbox's: the same day gives the same counters")
    func deterministic() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let now = Timestamp(seconds: 1_772_366_400)
            var dumps: [[String]] = []
            for _ in 0..<2 {
                let organization = try await Fixtures.organization(database.database)
                let summary = try await DemoData(store: database.database.tenant(organization.id)).fill(now: now)
                #expect(summary.accounts == 12 && summary.creators == 3 && summary.individualVideos == 5)
                let rows = try await database.database.read(scope: .test) { db in
                    try await db.raw("""
                        SELECT a.username, a.follower_count, a.view_count, a.total_post_count, a.last_scrape_time
                        FROM accounts a WHERE a.organization_id = \(bind: organization.id.description) ORDER BY a.username
                        """).all()
                }
                dumps.append(try rows.map {
                    "\(try $0.decode(column: "username", as: String.self)) \(try $0.decode(column: "follower_count", as: Int.self)) "
                        + "\(try $0.decode(column: "view_count", as: Int.self)) \(try $0.decode(column: "total_post_count", as: Int.self)) "
                        + "\(try $0.decode(column: "last_scrape_time", as: Int.self))"
                })
            }
            #expect(dumps[0] == dumps[1])
            #expect(dumps[0].count == 12)
        }
    }
}
