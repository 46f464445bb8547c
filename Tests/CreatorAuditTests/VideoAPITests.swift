// `/v2/videos` (tracked one by one) and `/v2/account-videos` (discovered on tracked accounts, read-only).
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Videos API")
struct VideoAPITests {
    static let videoFields: Set<String> = [
        "type", "id", "platform", "source", "external_id", "shortcode", "url", "account_id", "account_username",
        "description", "create_time", "media_type", "duration", "cover_image_url", "is_active", "is_unavailable",
        "scrape_interval_hours", "metadata", "added_at", "updated_at", "first_scrape_time", "last_scrape_time",
        "view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count", "engagement_rate",
    ]

    @Test("POST tracks a video: 201 + Location, every field, counters null until the first refresh",
          arguments: TestEngines.all)
    func create(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let response = try await server.request(.POST, "/v2/videos", key: tenant.key, body: """
                {"platform":"instagram","identifier":"https://www.instagram.com/reel/CxYz123_-a/?igsh=abc",
                 "metadata":{"campaign":"spring"},"scrape_interval_hours":12}
                """)
            #expect(response.status == 201)
            let video = response.data
            #expect(Set(video.keys).isSuperset(of: Self.videoFields))
            let id = try #require(video["id"] as? String)
            #expect(response.header("Location") == "https://localhost:8443/v2/videos/\(id)")
            #expect(video["type"] as? String == "video")
            #expect(video["source"] as? String == "individual")
            #expect(video["external_id"] as? String == "CxYz123_-a")
            #expect(video["shortcode"] as? String == "CxYz123_-a")
            #expect(video["url"] as? String == "https://www.instagram.com/p/CxYz123_-a/")
            #expect(video["metadata"] as? [String: String] == ["campaign": "spring"])
            #expect(video["scrape_interval_hours"] as? Int == 12)
            #expect(video["is_active"] as? Bool == true)
            for null in ["view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count",
                         "engagement_rate", "last_scrape_time", "first_scrape_time", "account_id", "create_time",
                         "description", "duration"] {
                #expect(video[null] is NSNull, "\(null)")
            }
            let shown = try await server.request(.GET, "/v2/videos/\(id)", key: tenant.readKey)
            #expect(shown.status == 200)
            #expect(shown.body == response.body)
            // An individual video is not an account video.
            Check.notFound(try await server.request(.GET, "/v2/account-videos/\(id)", key: tenant.key))
        }
    }

    @Test("identifiers: Instagram /p/, /reel/, /tv/ URLs and bare shortcodes; TikTok /@user/video/<id> URLs and bare ids",
          arguments: TestEngines.all)
    func identifiers(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let accepted: [(String, String, String)] = [
                ("instagram", "https://www.instagram.com/p/AbCdE12345/", "AbCdE12345"),
                ("instagram", "https://instagram.com/reel/ReelCode_1", "ReelCode_1"),
                ("instagram", "http://www.instagram.com/tv/TvCode-99/?utm_source=x", "TvCode-99"),
                ("instagram", "instagram.com/p/NoScheme1/", "NoScheme1"),
                ("instagram", "BareCode42", "BareCode42"),
                ("tiktok", "https://www.tiktok.com/@some.user/video/7234567890123456789?lang=en", "7234567890123456789"),
                ("tiktok", "tiktok.com/@x_y/video/7000000000000000001", "7000000000000000001"),
                ("tiktok", "7111111111111111111", "7111111111111111111"),
            ]
            for (platform, identifier, externalID) in accepted {
                let video = try await Track.video(server, tenant, platform: platform, identifier: identifier)
                #expect(video["external_id"] as? String == externalID, "\(identifier)")
                #expect(video["platform"] as? String == platform)
            }
            let tiktok = try await server.request(.GET, "/v2/videos?platform=tiktok", key: tenant.key)
            #expect(tiktok.items.count == 3)
            let fromURL = tiktok.items.first { $0["external_id"] as? String == "7234567890123456789" }
            #expect(fromURL?["account_username"] as? String == "some.user")
            #expect(fromURL?["url"] as? String == "https://www.tiktok.com/@some.user/video/7234567890123456789")
            #expect(fromURL?["shortcode"] is NSNull)

            let refused: [(String, String)] = [
                ("instagram", "https://www.instagram.com/natgeo/"),
                ("instagram", "https://www.instagram.com/p/"),
                ("instagram", "https://example.com/p/AbCdE12345/"),
                ("instagram", "https://evilinstagram.com/p/AbCdE12345/"),
                ("instagram", "ab"),
                ("instagram", "has space"),
                ("instagram", "https://www.tiktok.com/@u/video/7234567890123456789"),
                ("tiktok", "https://www.tiktok.com/@u/photo/7234567890123456789"),
                ("tiktok", "https://www.tiktok.com/video/abc"),
                ("tiktok", "https://vm.tiktok.com/ZMabcdef/"),
                ("tiktok", "AbCdE12345"),
                ("tiktok", "https://www.instagram.com/p/AbCdE12345/"),
                ("tiktok", "   "),
            ]
            for (platform, identifier) in refused {
                let response = try await server.request(.POST, "/v2/videos", key: tenant.key,
                                                         body: #"{"platform":"\#(platform)","identifier":"\#(identifier)"}"#)
                Check.validation(response, ["identifier"], "\(platform) \(identifier)")
            }
            Check.validation(try await server.request(.POST, "/v2/videos", key: tenant.key, body: "{}"), ["platform", "identifier"])
            Check.validation(try await server.request(.POST, "/v2/videos", key: tenant.key,
                                                      body: #"{"platform":"vimeo","identifier":5,"scrape_interval_hours":0,"metadata":"x"}"#),
                             ["platform", "identifier", "scrape_interval_hours", "metadata"])
            let all = try await server.request(.GET, "/v2/videos?include_total=true", key: tenant.key)
            #expect(all.pagination["total_count"] as? Int == accepted.count)
        }
    }

    @Test("the same video twice (any spelling of it) → 409 CONFLICT", arguments: TestEngines.all)
    func duplicates(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            _ = try await Track.video(server, tenant, identifier: "https://www.instagram.com/p/Dup1icate/")
            for identifier in ["Dup1icate", "https://instagram.com/reel/Dup1icate", "https://www.instagram.com/tv/Dup1icate/"] {
                let again = try await server.request(.POST, "/v2/videos", key: tenant.key,
                                                     body: #"{"platform":"instagram","identifier":"\#(identifier)"}"#)
                #expect(again.status == 409, "\(identifier)")
                #expect(again.code == "CONFLICT")
            }
            _ = try await Track.video(server, tenant, platform: "tiktok", identifier: "7234567890123456789")
            let tiktok = try await server.request(.POST, "/v2/videos", key: tenant.key,
                                                  body: #"{"platform":"tiktok","identifier":"https://www.tiktok.com/@a/video/7234567890123456789"}"#)
            #expect(tiktok.status == 409)
            // Another organization tracks it independently.
            let other = try await Tenant.make(server)
            _ = try await Track.video(server, other, identifier: "Dup1icate")
        }
    }

    @Test("PATCH changes metadata, activity and interval; invalid fields → 422; DELETE → 204 then 404",
          arguments: TestEngines.all)
    func updateAndDelete(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let video = try await Track.video(server, tenant, identifier: "PatchMe1", extra: #""metadata":{"a":"1"}"#)
            let id = try #require(video["id"] as? String)
            let patched = try await server.request(.PATCH, "/v2/videos/\(id)", key: tenant.key,
                                                   body: #"{"metadata":{"b":"2"},"is_active":false,"scrape_interval_hours":168,"external_id":"x"}"#)
            #expect(patched.status == 200)
            #expect(patched.data["metadata"] as? [String: String] == ["b": "2"])
            #expect(patched.data["is_active"] as? Bool == false)
            #expect(patched.data["scrape_interval_hours"] as? Int == 168)
            #expect(patched.data["external_id"] as? String == "PatchMe1")
            let tooMany = (0..<21).map { #""k\#($0)":"v""# }.joined(separator: ",")
            Check.validation(try await server.request(.PATCH, "/v2/videos/\(id)", key: tenant.key,
                                                      body: #"{"metadata":{\#(tooMany)},"is_active":1,"scrape_interval_hours":169}"#),
                             ["metadata", "is_active", "scrape_interval_hours"])
            let deleted = try await server.request(.DELETE, "/v2/videos/\(id)", key: tenant.key)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            Check.notFound(try await server.request(.GET, "/v2/videos/\(id)", key: tenant.key))
            Check.notFound(try await server.request(.PATCH, "/v2/videos/\(id)", key: tenant.key, body: "{}"))
            Check.notFound(try await server.request(.DELETE, "/v2/videos/\(id)", key: tenant.key))
            // Tracking it again after deletion is allowed.
            _ = try await Track.video(server, tenant, identifier: "PatchMe1")
        }
    }

    @Test("another organization's video answers like a missing one on every method; malformed ids → 404; read-only keys cannot write", arguments: TestEngines.all)
    func tenancyAndScopes(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let owner = try await Tenant.make(server)
            let intruder = try await Tenant.make(server)
            let video = try await Track.video(server, owner, identifier: "Secret123")
            let id = try #require(video["id"] as? String)
            let account = try await Track.account(server, owner, username: "owner.account")
            let accountID = try #require(account["id"] as? String)
            let discovered = try await Track.accountVideo(server, owner, accountID: accountID)
            let missing = UUID().uuidString.lowercased()
            Check.sameNotFound(try await server.request(.GET, "/v2/videos/\(id)", key: intruder.key),
                               try await server.request(.GET, "/v2/videos/\(missing)", key: intruder.key))
            Check.sameNotFound(try await server.request(.PATCH, "/v2/videos/\(id)", key: intruder.key, body: #"{"is_active":false}"#),
                               try await server.request(.PATCH, "/v2/videos/\(missing)", key: intruder.key, body: #"{"is_active":false}"#))
            Check.sameNotFound(try await server.request(.DELETE, "/v2/videos/\(id)", key: intruder.key),
                               try await server.request(.DELETE, "/v2/videos/\(missing)", key: intruder.key))
            Check.sameNotFound(try await server.request(.GET, "/v2/account-videos/\(discovered.id)", key: intruder.key),
                               try await server.request(.GET, "/v2/account-videos/\(missing)", key: intruder.key))
            for malformed in ["1", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", id + "x"] {
                Check.notFound(try await server.request(.GET, "/v2/videos/\(malformed)", key: owner.key))
                Check.notFound(try await server.request(.GET, "/v2/account-videos/\(malformed)", key: owner.key))
                Check.notFound(try await server.request(.DELETE, "/v2/videos/\(malformed)", key: owner.key))
            }
            // Account videos are read-only through /v2/videos too.
            Check.notFound(try await server.request(.PATCH, "/v2/videos/\(discovered.id)", key: owner.key, body: #"{"is_active":false}"#))
            Check.notFound(try await server.request(.DELETE, "/v2/videos/\(discovered.id)", key: owner.key))
            // The intruder's lists are empty, also when filtering by the owner's account.
            #expect(try await server.request(.GET, "/v2/videos", key: intruder.key).items.isEmpty)
            #expect(try await server.request(.GET, "/v2/account-videos?account_id=\(accountID)", key: intruder.key).items.isEmpty)

            Check.insufficientScope(try await server.request(.POST, "/v2/videos", key: owner.readKey,
                                                             body: #"{"platform":"instagram","identifier":"Other1234"}"#))
            Check.insufficientScope(try await server.request(.PATCH, "/v2/videos/\(id)", key: owner.readKey, body: #"{"is_active":false}"#))
            Check.insufficientScope(try await server.request(.DELETE, "/v2/videos/\(id)", key: owner.readKey))
            #expect(try await server.request(.GET, "/v2/videos/\(id)", key: owner.readKey).status == 200)
            #expect(try await server.request(.GET, "/v2/account-videos/\(discovered.id)", key: owner.readKey).status == 200)
        }
    }

    @Test("account videos: listed with account_id filter, shape and source 'account'; conditional GETs",
          arguments: TestEngines.all)
    func accountVideos(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let first = try await Track.account(server, tenant, username: "first")
            let second = try await Track.account(server, tenant, platform: "tiktok", username: "second")
            let firstID = try #require(first["id"] as? String)
            let secondID = try #require(second["id"] as? String)
            let a = try await Track.accountVideo(server, tenant, accountID: firstID, description: "Sunset over the Bay")
            try await Track.accountVideo(server, tenant, accountID: firstID, description: "breakfast")
            try await Track.accountVideo(server, tenant, accountID: secondID, platform: .tiktok, externalID: "7000000000000000009")
            _ = try await Track.video(server, tenant, identifier: "NotDiscovered1")

            let shown = try await server.request(.GET, "/v2/account-videos/\(a.id)", key: tenant.key)
            #expect(shown.status == 200)
            #expect(Set(shown.data.keys).isSuperset(of: Self.videoFields))
            #expect(shown.data["source"] as? String == "account")
            #expect(shown.data["account_id"] as? String == firstID)
            #expect(shown.data["view_count"] is NSNull)
            #expect(shown.data["description"] as? String == "Sunset over the Bay")
            Check.notFound(try await server.request(.GET, "/v2/videos/\(a.id)", key: tenant.key))

            let all = try await server.request(.GET, "/v2/account-videos?include_total=true", key: tenant.key)
            #expect(all.pagination["total_count"] as? Int == 3)
            #expect(all.items.allSatisfy { $0["source"] as? String == "account" })
            let byAccount = try await server.request(.GET, "/v2/account-videos?account_id=\(firstID.uppercased())", key: tenant.key)
            #expect(byAccount.items.count == 2)
            #expect(byAccount.filters["account_id"] as? String == firstID)
            let byPlatform = try await server.request(.GET, "/v2/account-videos?platform=tiktok", key: tenant.key)
            #expect(byPlatform.items.compactMap { $0["account_id"] as? String } == [secondID])
            let byCaption = try await server.request(.GET, "/v2/account-videos?q=SUNSET", key: tenant.key)
            #expect(byCaption.items.compactMap { $0["id"] as? String } == [a.id.description])
            #expect(try await server.request(.GET, "/v2/account-videos?account_id=\(UUID())", key: tenant.key).items.isEmpty)
            let individuals = try await server.request(.GET, "/v2/videos", key: tenant.key)
            #expect(individuals.items.count == 1)

            try await Check.conditional(server, "/v2/account-videos/\(a.id)", key: tenant.key)
            try await Check.conditional(server, "/v2/account-videos", key: tenant.key)
            let videoID = try #require(individuals.items.first?["id"] as? String)
            let etag = try await Check.conditional(server, "/v2/videos/\(videoID)", key: tenant.key)
            let listETag = try await Check.conditional(server, "/v2/videos", key: tenant.key)
            _ = try await server.request(.PATCH, "/v2/videos/\(videoID)", key: tenant.key, body: #"{"metadata":{"x":"y"}}"#)
            let changed = try await server.request(.GET, "/v2/videos/\(videoID)", key: tenant.key, headers: [("If-None-Match", etag)])
            #expect(changed.status == 200 && changed.header("ETag") != etag)
            let changedList = try await server.request(.GET, "/v2/videos", key: tenant.key, headers: [("If-None-Match", listETag)])
            #expect(changedList.status == 200 && changedList.header("ETag") != listETag)

            // Filters with bad values → 422 naming each.
            Check.validation(try await server.request(.GET, "/v2/account-videos?platform=youtube&account_id=x&is_active=1&order_by=views",
                                                      key: tenant.key),
                             ["platform", "account_id", "is_active", "order_by"])
        }
    }
}
