// The collector inside a live server, as a new user meets it: add an account over the API and watch it fill in.
import Foundation
import Testing

@testable import CreatorAudit

@Suite("Collector in a running server")
struct CollectorServerTests {
    /// The collector `serve` runs by default: the sandbox for both platforms.
    static let sandboxCollector: @Sendable (Database) async throws -> CollectorService = { database in
        try await CollectorService.prepare(
            database: database,
            sources: PlatformSources(
                configuration: .sandbox, database: database,
                logger: TestDatabase.quietLogger),
            settings: CollectorSettings(), holder: "test server", logger: TestDatabase.quietLogger)
    }

    @Test(
        "a newly tracked account has its profile, posts and last_scrape_time within 5 s, and is due again 24 h later",
        arguments: TestEngines.all)
    func accountFillsIn(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine, collector: Self.sandboxCollector) { server in
            let tenant = try await Tenant.make(server)
            let created = try await server.request(
                .POST, "/v2/accounts", key: tenant.key, body: #"{"platform":"instagram","username":"maya.chen"}"#)
            #expect(created.status == 201)
            let id = created.id
            let start = ContinuousClock.now
            var account: [String: Any] = [:]
            while ContinuousClock.now - start < .seconds(5) {
                account = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key).data
                if account["last_scrape_time"] is String { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let scraped = try #require(account["last_scrape_time"] as? String, "no refresh within 5 s")
            #expect(account["name"] is String)
            #expect((account["follower_count"] as? Int ?? 0) > 0)
            #expect((account["total_post_count"] as? Int ?? 0) > 0)
            #expect(account["data_source"] as? String == "sandbox")
            let collection = try #require(account["collection"] as? [String: Any])
            #expect(collection["status"] as? String == "ok")
            #expect(collection["last_attempt_at"] is String && collection["last_error"] is NSNull)
            #expect(collection["consecutive_failures"] as? Int == 0)
            let next = try #require(Self.seconds(collection["next_refresh_at"] as? String))
            let last = try #require(Self.seconds(scraped))
            #expect(abs(next - last - 86_400) <= 864, "24 h later, within 1 %")

            let videos = try await server.request(.GET, "/v2/account-videos?account_id=\(id)", key: tenant.key)
            #expect(videos.status == 200 && !videos.items.isEmpty)
            for video in videos.items {
                #expect(video["view_count"] is Int && video["last_scrape_time"] is String)
                #expect((video["collection"] as? [String: Any])?["status"] as? String == "ok")
            }
        }
    }

    @Test(
        "without a collector an account stays pending, due since added; paused shows paused and no due time",
        arguments: TestEngines.all)
    func pendingAndPaused(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let created = try await server.request(
                .POST, "/v2/accounts", key: tenant.key, body: #"{"platform":"tiktok","username":"quick.recipes"}"#)
            let collection = try #require(created.data["collection"] as? [String: Any])
            #expect(collection["status"] as? String == "pending")
            #expect(collection["next_refresh_at"] as? String == created.data["added_at"] as? String)
            #expect(collection["last_attempt_at"] is NSNull && collection["consecutive_failures"] as? Int == 0)
            let paused = try await server.request(
                .PATCH, "/v2/accounts/\(created.id)", key: tenant.key, body: #"{"is_active":false}"#)
            let pausedCollection = try #require(paused.data["collection"] as? [String: Any])
            #expect(pausedCollection["status"] as? String == "paused")
            #expect(pausedCollection["next_refresh_at"] is NSNull)

            let video = try await server.request(
                .POST, "/v2/videos", key: tenant.key, body: #"{"platform":"tiktok","identifier":"7321000000000000001"}"#
            )
            #expect((video.data["collection"] as? [String: Any])?["status"] as? String == "pending")
        }
    }

    static func seconds(_ text: String?) -> Int64? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }
}
