// `/v2/accounts`: tracking a profile, reading it, changing its settings and deleting it (README, "API conventions").
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Accounts API")
struct AccountAPITests {
    static let accountFields: Set<String> = [
        "type", "id", "platform", "username", "name", "description", "profile_pic_url", "is_verified", "is_active",
        "is_unavailable", "link_in_bio", "creator_id", "creator_name", "category", "metadata", "added_at",
        "first_scrape_time", "last_scrape_time", "scrape_interval_hours", "follower_count", "following_count",
        "profile_post_count", "total_post_count", "view_count", "like_count", "comment_count", "share_count",
        "play_count", "saved_count", "engagement_rate", "max_recent_posts_per_account", "post_lookback_days",
        "effective_max_recent_posts_per_account", "effective_post_lookback_days",
    ]

    @Test("POST tracks an account: 201 + Location, every field, counters 0 until the first refresh (saved_count 0 on Instagram, null on TikTok), engagement_rate and last_scrape_time null",
          arguments: TestEngines.all)
    func create(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let response = try await server.request(.POST, "/v2/accounts", key: tenant.key, body: """
                {"platform":"instagram","username":"@Nat.Geo_1","category":"travel","metadata":{"team":"north"},
                 "scrape_interval_hours":6,"max_recent_posts_per_account":20,"unknown":1}
                """)
            #expect(response.status == 201)
            let account = response.data
            #expect(Self.accountFields.isSubset(of: Set(account.keys)))
            #expect(account["type"] as? String == "account")
            let id = try #require(account["id"] as? String)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            #expect(response.header("Location") == "https://localhost:8443/v2/accounts/\(id)")
            #expect(account["platform"] as? String == "instagram")
            #expect(account["username"] as? String == "nat.geo_1")
            #expect(account["category"] as? String == "travel")
            #expect(account["metadata"] as? [String: String] == ["team": "north"])
            #expect(account["scrape_interval_hours"] as? Int == 6)
            #expect(account["is_active"] as? Bool == true)
            #expect(account["is_verified"] as? Bool == false)
            #expect(account["is_unavailable"] as? Bool == false)
            for counter in ["follower_count", "following_count", "profile_post_count", "total_post_count", "view_count",
                            "like_count", "comment_count", "share_count", "play_count", "saved_count"] {
                #expect(account[counter] as? Int == 0, "\(counter)")
            }
            for null in ["engagement_rate", "last_scrape_time", "first_scrape_time", "creator_id", "creator_name", "name",
                         "description", "profile_pic_url", "link_in_bio", "post_lookback_days"] {
                #expect(account[null] is NSNull, "\(null)")
            }
            #expect(account["max_recent_posts_per_account"] as? Int == 20)
            #expect(account["effective_max_recent_posts_per_account"] as? Int == 20)
            #expect(account["effective_post_lookback_days"] as? Int == 30)
            let addedAt = try #require(account["added_at"] as? String)
            #expect(addedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)

            let tiktok = try await Track.account(server, tenant, platform: "tiktok", username: "khaby.lame")
            #expect(tiktok["saved_count"] is NSNull)
            #expect(tiktok["follower_count"] as? Int == 0)
            #expect(tiktok["scrape_interval_hours"] as? Int == 24)
            #expect(tiktok["metadata"] as? [String: String] == [:])
            #expect(tiktok["effective_max_recent_posts_per_account"] as? Int == 50)

            // GET shows the same document.
            let shown = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.readKey)
            #expect(shown.status == 200)
            #expect(shown.body == response.body)
        }
    }

    @Test("POST lists every invalid field at once: 422 VALIDATION_ERROR with errors[].field", arguments: TestEngines.all)
    func createValidation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let tooMany = (0..<21).map { #""k\#($0)":"v""# }.joined(separator: ",")
            let longValue = String(repeating: "v", count: 256)
            let cases: [(String, Set<String>)] = [
                ("{}", ["platform", "username"]),
                (#"{"platform":"youtube","username":"a b"}"#, ["platform", "username"]),
                (#"{"platform":"instagram","username":""}"#, ["username"]),
                (#"{"platform":"instagram","username":"@"}"#, ["username"]),
                (#"{"platform":"instagram","username":5}"#, ["username"]),
                (#"{"platform":"tiktok","username":"ok","scrape_interval_hours":0}"#, ["scrape_interval_hours"]),
                (#"{"platform":"tiktok","username":"ok","scrape_interval_hours":169}"#, ["scrape_interval_hours"]),
                (#"{"platform":"tiktok","username":"ok","scrape_interval_hours":"24"}"#, ["scrape_interval_hours"]),
                (#"{"platform":"tiktok","username":"ok","metadata":{\#(tooMany)}}"#, ["metadata"]),
                (#"{"platform":"tiktok","username":"ok","metadata":{"k":"\#(longValue)"}}"#, ["metadata.k"]),
                (#"{"platform":"tiktok","username":"ok","metadata":{"k":1}}"#, ["metadata.k"]),
                (#"{"platform":"tiktok","username":"ok","metadata":[]}"#, ["metadata"]),
                (#"{"platform":"tiktok","username":"ok","creator_id":"not-a-uuid"}"#, ["creator_id"]),
                (#"{"platform":"tiktok","username":"ok","is_active":"yes"}"#, ["is_active"]),
                (#"{"platform":"tiktok","username":"ok","max_recent_posts_per_account":0,"post_lookback_days":366}"#,
                 ["max_recent_posts_per_account", "post_lookback_days"]),
                (#"{"platform":1,"username":"ok","scrape_interval_hours":1000,"metadata":{"k":2},"is_active":0}"#,
                 ["platform", "scrape_interval_hours", "metadata.k", "is_active"]),
            ]
            for (body, fields) in cases {
                let response = try await server.request(.POST, "/v2/accounts", key: tenant.key, body: body)
                Check.validation(response, fields, "\(body)")
            }
            // The limits themselves are fine.
            let twenty = (0..<20).map { #""k\#($0)":"v""# }.joined(separator: ",")
            _ = try await Track.account(server, tenant, username: "edge",
                                        extra: #""scrape_interval_hours":168,"metadata":{\#(twenty)}"#)
            _ = try await Track.account(server, tenant, username: "edge2",
                                        extra: #""scrape_interval_hours":1,"metadata":{"k":"\#(String(repeating: "v", count: 255))"}"#)
            let list = try await server.request(.GET, "/v2/accounts?include_total=true", key: tenant.key)
            #expect(list.pagination["total_count"] as? Int == 2)
        }
    }

    @Test("the same platform and username twice → 409 CONFLICT (case-insensitive, leading @ ignored); the other platform is another account", arguments: TestEngines.all)
    func duplicates(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            _ = try await Track.account(server, tenant, username: "Charli")
            for username in ["charli", "@CHARLI", " charli "] {
                let again = try await server.request(.POST, "/v2/accounts", key: tenant.key,
                                                     body: #"{"platform":"instagram","username":"\#(username)"}"#)
                #expect(again.status == 409, "\(username)")
                #expect(again.code == "CONFLICT")
            }
            _ = try await Track.account(server, tenant, platform: "tiktok", username: "charli")
            // Another organization may track the same account.
            let other = try await Tenant.make(server)
            _ = try await Track.account(server, other, username: "charli")
        }
    }

    @Test("the same account posted concurrently (no idempotency key) is tracked once; the others get 409 CONFLICT",
          arguments: TestEngines.all)
    func concurrentDuplicates(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            for round in 0..<3 {
                for (path, body) in [("/v2/accounts", #"{"platform":"tiktok","username":"racer\#(round)"}"#),
                                     ("/v2/videos", #"{"platform":"tiktok","identifier":"7000000000000000\#(round)00"}"#)] {
                    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                        for _ in 0..<4 { group.addTask { try await server.request(.POST, path, key: tenant.key, body: body).status } }
                        return try await group.reduce(into: [Int]()) { $0.append($1) }
                    }
                    #expect(statuses.sorted() == [201, 409, 409, 409], "\(path) \(statuses)")
                }
            }
        }
    }

    @Test("over the organization's account quota → 403 QUOTA_EXCEEDED", arguments: TestEngines.all)
    func quota(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            _ = try await OrganizationRepository(database: server.database).setLimits(tenant.id, rateLimit: nil, accountQuota: .some(2))
            _ = try await Track.account(server, tenant, username: "one")
            _ = try await Track.account(server, tenant, username: "two")
            let third = try await server.request(.POST, "/v2/accounts", key: tenant.key, body: #"{"platform":"tiktok","username":"three"}"#)
            #expect(third.status == 403)
            #expect(third.code == "QUOTA_EXCEEDED")
            #expect(third.json["title"] as? String == "Forbidden")
            let total = try await server.request(.GET, "/v2/accounts?include_total=true", key: tenant.key)
            #expect(total.pagination["total_count"] as? Int == 2)
            // Deleting one frees a place; lifting the quota lifts the limit.
            let first = try #require(total.items.first?["id"] as? String)
            #expect(try await server.request(.DELETE, "/v2/accounts/\(first)", key: tenant.key).status == 204)
            _ = try await Track.account(server, tenant, username: "three")
            _ = try await OrganizationRepository(database: server.database).setLimits(tenant.id, rateLimit: nil, accountQuota: .some(nil))
            _ = try await Track.account(server, tenant, username: "four")
        }
    }

    @Test("a creator_id of another organization → 422 naming creator_id; an own creator links the account",
          arguments: TestEngines.all)
    func createWithCreator(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let other = try await Tenant.make(server)
            let foreign = try await Track.creator(server, other, name: "Foreign")
            let foreignID = try #require(foreign["id"] as? String)
            let refused = try await server.request(.POST, "/v2/accounts", key: tenant.key,
                                                   body: #"{"platform":"tiktok","username":"x","creator_id":"\#(foreignID)"}"#)
            Check.validation(refused, ["creator_id"])
            let missing = try await server.request(.POST, "/v2/accounts", key: tenant.key,
                                                   body: #"{"platform":"tiktok","username":"x","creator_id":"\#(UUID())"}"#)
            Check.validation(missing, ["creator_id"])
            #expect(refused.json["detail"] as? String == missing.json["detail"] as? String)
            let own = try await Track.creator(server, tenant, name: "Own Creator")
            let ownID = try #require(own["id"] as? String)
            let account = try await Track.account(server, tenant, username: "x", extra: #""creator_id":"\#(ownID.uppercased())""#)
            #expect(account["creator_id"] as? String == ownID)
            #expect(account["creator_name"] as? String == "Own Creator")
        }
    }

    @Test("PATCH changes category, metadata (replaced), activity, interval and caps; invalid fields → 422",
          arguments: TestEngines.all)
    func update(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "patchme",
                                                  extra: #""category":"food","metadata":{"a":"1","b":"2"}"#)
            let id = try #require(account["id"] as? String)
            let patched = try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.key, body: """
                {"metadata":{"c":"3"},"is_active":false,"scrape_interval_hours":48,"post_lookback_days":7,
                 "username":"ignored","platform":"tiktok"}
                """)
            #expect(patched.status == 200)
            #expect(patched.data["metadata"] as? [String: String] == ["c": "3"])
            #expect(patched.data["is_active"] as? Bool == false)
            #expect(patched.data["scrape_interval_hours"] as? Int == 48)
            #expect(patched.data["post_lookback_days"] as? Int == 7)
            #expect(patched.data["effective_post_lookback_days"] as? Int == 7)
            #expect(patched.data["category"] as? String == "food")
            #expect(patched.data["username"] as? String == "patchme")
            #expect(patched.data["platform"] as? String == "instagram")
            let cleared = try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.key,
                                                   body: #"{"category":null,"post_lookback_days":null}"#)
            #expect(cleared.data["category"] is NSNull)
            #expect(cleared.data["post_lookback_days"] is NSNull)
            #expect(cleared.data["effective_post_lookback_days"] as? Int == 30)

            let invalid = try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.key, body: """
                {"scrape_interval_hours":0,"is_active":"no","metadata":{"x":"\(String(repeating: "y", count: 256))"},
                 "category":""}
                """)
            Check.validation(invalid, ["scrape_interval_hours", "is_active", "metadata.x", "category"])
            #expect(!invalid.body.contains(String(repeating: "y", count: 256)))
            let unchanged = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key)
            #expect(unchanged.data["scrape_interval_hours"] as? Int == 48)
        }
    }

    @Test("another organization's account answers exactly like a missing one on GET, PATCH and DELETE; a malformed id is 404 too", arguments: TestEngines.all)
    func foreignAndMalformed(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let owner = try await Tenant.make(server)
            let intruder = try await Tenant.make(server)
            let account = try await Track.account(server, owner, username: "private")
            let id = try #require(account["id"] as? String)
            let missing = UUID().uuidString.lowercased()
            Check.sameNotFound(try await server.request(.GET, "/v2/accounts/\(id)", key: intruder.key),
                               try await server.request(.GET, "/v2/accounts/\(missing)", key: intruder.key))
            Check.sameNotFound(try await server.request(.PATCH, "/v2/accounts/\(id)", key: intruder.key, body: #"{"is_active":false}"#),
                               try await server.request(.PATCH, "/v2/accounts/\(missing)", key: intruder.key, body: #"{"is_active":false}"#))
            Check.sameNotFound(try await server.request(.DELETE, "/v2/accounts/\(id)", key: intruder.key),
                               try await server.request(.DELETE, "/v2/accounts/\(missing)", key: intruder.key))
            for malformed in ["123", "not-a-uuid", String(id.dropLast()), id + "0", id.replacingOccurrences(of: "-", with: "")] {
                Check.notFound(try await server.request(.GET, "/v2/accounts/\(malformed)", key: owner.key), "\(malformed)")
                Check.notFound(try await server.request(.PATCH, "/v2/accounts/\(malformed)", key: owner.key, body: "{}"), "\(malformed)")
                Check.notFound(try await server.request(.DELETE, "/v2/accounts/\(malformed)", key: owner.key), "\(malformed)")
            }
            // Nothing changed for the owner; the intruder's list stays empty.
            let shown = try await server.request(.GET, "/v2/accounts/\(id)", key: owner.key)
            #expect(shown.data["is_active"] as? Bool == true)
            #expect(try await server.request(.GET, "/v2/accounts", key: intruder.key).items.isEmpty)
        }
    }

    @Test("a read-only key gets 403 INSUFFICIENT_SCOPE on POST, PATCH and DELETE and may read",
          arguments: TestEngines.all)
    func scopes(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "scoped")
            let id = try #require(account["id"] as? String)
            let post = try await server.request(.POST, "/v2/accounts", key: tenant.readKey, body: #"{"platform":"tiktok","username":"y"}"#)
            Check.insufficientScope(post)
            #expect(post.header("WWW-Authenticate")?.contains("insufficient_scope") == true)
            Check.insufficientScope(try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.readKey, body: #"{"is_active":false}"#))
            Check.insufficientScope(try await server.request(.DELETE, "/v2/accounts/\(id)", key: tenant.readKey))
            #expect(try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.readKey).status == 200)
            #expect(try await server.request(.GET, "/v2/accounts", key: tenant.readKey).items.count == 1)
        }
    }

    @Test("conditional GET of an account and of the list: ETag, If-None-Match → 304, a change → a new ETag",
          arguments: TestEngines.all)
    func conditional(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "etag")
            let id = try #require(account["id"] as? String)
            let etag = try await Check.conditional(server, "/v2/accounts/\(id)", key: tenant.key)
            let listETag = try await Check.conditional(server, "/v2/accounts", key: tenant.key)
            _ = try await server.request(.PATCH, "/v2/accounts/\(id)", key: tenant.key, body: #"{"category":"news"}"#)
            let changed = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key, headers: [("If-None-Match", etag)])
            #expect(changed.status == 200)
            #expect(changed.header("ETag") != etag)
            #expect(changed.data["category"] as? String == "news")
            let list = try await server.request(.GET, "/v2/accounts", key: tenant.key, headers: [("If-None-Match", listETag)])
            #expect(list.status == 200)
            #expect(list.header("ETag") != listETag)
        }
    }

    @Test("DELETE → 204; the account and its discovered videos are gone (404), individual videos stay",
          arguments: TestEngines.all)
    func deleteCascades(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "gone")
            let keep = try await Track.account(server, tenant, username: "kept")
            let id = try #require(account["id"] as? String)
            let keptID = try #require(keep["id"] as? String)
            let first = try await Track.accountVideo(server, tenant, accountID: id)
            let second = try await Track.accountVideo(server, tenant, accountID: id)
            let other = try await Track.accountVideo(server, tenant, accountID: keptID)
            #expect(try await server.request(.GET, "/v2/account-videos/\(first.id)", key: tenant.key).status == 200)
            let individual = try await Track.video(server, tenant, identifier: "https://www.instagram.com/p/Indiv1dual/")

            let deleted = try await server.request(.DELETE, "/v2/accounts/\(id)", key: tenant.key)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            Check.notFound(try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key))
            Check.notFound(try await server.request(.DELETE, "/v2/accounts/\(id)", key: tenant.key))
            for video in [first, second] {
                Check.notFound(try await server.request(.GET, "/v2/account-videos/\(video.id)", key: tenant.key))
            }
            let remaining = try await server.request(.GET, "/v2/account-videos", key: tenant.key)
            #expect(remaining.items.compactMap { $0["id"] as? String } == [other.id.description])
            #expect(try await server.request(.GET, "/v2/videos/\(individual["id"] as? String ?? "")", key: tenant.key).status == 200)
            #expect(try await server.request(.GET, "/v2/accounts/\(keptID)", key: tenant.key).status == 200)
        }
    }
}
