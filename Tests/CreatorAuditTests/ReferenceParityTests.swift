// Requests exactly as the published CreatorAudit v2 reference's examples send them (README, "The published
// reference: where it contradicts itself or says too little"): platform ids in batch account-video metrics, dates on
// every analytics endpoint, the reference's resource fields, ETags on system GETs, deltas of any video, the search
// echo, and the decisions where the reference contradicts itself.
import Foundation
import Testing
@testable import CreatorAudit

/// An organization with discovered videos whose platform ids are numeric, as the platforms' own ids are:
/// - Instagram account `ig` (creator `Lead`) with discovered post `17895695668004550`, published t-25: t-10 views
///   1000 likes 50; t-2 views 1600 likes 80. Published inside the last 30 days, so `30d` counts its whole level
///   (1600 views, 80 likes: docs/metrics.md); in 2023 it did not exist yet (0).
/// - TikTok account `tt` with discovered video `7234567890123456789`: plays only, t-5 300, t-1 900.
/// - An individually tracked TikTok video `7000000000000000001`: plays t-3 100, t 250.
struct PlatformIDHistory {
    let tenant: Tenant
    let creator: CreatorID
    let igVideo: VideoID, ttVideo: VideoID, individual: VideoID
    static let igPostID = "17895695668004550"
    static let ttVideoID = "7234567890123456789"

    static func make(_ server: TestServer) async throws -> PlatformIDHistory {
        let tenant = try await Tenant.make(server)
        let today = UTCDay.today
        @Sendable func at(_ day: Int) -> Timestamp { Timestamp(seconds: Int64(today + day) * 86_400 + 12 * 3600) }
        let creator = Creator(id: CreatorID(), organizationID: tenant.id, name: "Lead", isActive: true, metadata: [:],
                              createdAt: at(-40))
        var ig = Account.new(organizationID: tenant.id, platform: .instagram, username: "ig", now: at(-40))
        ig.creatorID = creator.id
        ig.profilePicURL = "https://cdn.example/ig.jpg"
        let tt = Account.new(organizationID: tenant.id, platform: .tiktok, username: "tt", now: at(-40))
        var igVideo = Video.new(organizationID: tenant.id, platform: .instagram, source: .account, externalID: igPostID,
                                url: "https://www.instagram.com/p/C3xK9aLJm2Q/", now: at(-20))
        igVideo.accountID = ig.id
        igVideo.createTime = at(-25)
        igVideo.coverImageURL = "https://cdn.example/cover.jpg"
        var ttVideo = Video.new(organizationID: tenant.id, platform: .tiktok, source: .account, externalID: ttVideoID,
                                url: "https://www.tiktok.com/@tt/video/\(ttVideoID)", now: at(-20))
        ttVideo.accountID = tt.id
        ttVideo.createTime = at(-6)
        let individual = Video.new(
            organizationID: tenant.id, platform: .tiktok, source: .individual, externalID: "7000000000000000001",
            url: "https://www.tiktok.com/video/7000000000000000001", now: at(-4))
        let (a, b, c, d, e) = (ig, tt, igVideo, ttVideo, individual)
        let store = server.database.tenant(tenant.id)
        try await store.write { db in
            try await store.creators.insert(creator, in: db)
            try await store.accounts.insert(a, in: db)
            try await store.accounts.insert(b, in: db)
            for video in [c, d, e] { try await store.videos.insert(video, in: db) }
            try await store.snapshots.write(videos: [
                VideoSnapshot(videoID: c.id, observedAt: at(-10), counters: Counters(views: 1000, likes: 50)),
                VideoSnapshot(videoID: c.id, observedAt: at(-2), counters: Counters(views: 1600, likes: 80)),
                VideoSnapshot(videoID: d.id, observedAt: at(-5), counters: Counters(plays: 300, likes: 30)),
                VideoSnapshot(videoID: d.id, observedAt: at(-1), counters: Counters(plays: 900, likes: 90)),
                VideoSnapshot(videoID: e.id, observedAt: at(-3), counters: Counters(plays: 100, likes: 1)),
                VideoSnapshot(videoID: e.id, observedAt: at(0), counters: Counters(plays: 250, likes: 2)),
            ], in: db)
        }
        return PlatformIDHistory(tenant: tenant, creator: creator.id, igVideo: igVideo.id, ttVideo: ttVideo.id,
                                 individual: individual.id)
    }
}

@Suite("Published-reference parity")
struct ReferenceParityTests {
    // MARK: 1. Platform ids in batch account-video metrics

    @Test("POST /v2/account-videos/metrics with the reference's platform ids answers keyed by our ids; unknown and foreign platform ids are not_found as sent",
          arguments: TestEngines.all)
    func accountVideoMetricsByPlatformID(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            let byUUID = try await server.request(.POST, "/v2/account-videos/metrics", key: h.tenant.key, body: """
                {"video_ids":["\(h.igVideo)","\(h.ttVideo)"],"period":"30d"}
                """)
            #expect(byUUID.status == 200)
            // The reference's shape: integers (and numeric strings); an unknown id (123) comes back as sent.
            let (igPost, ttVideo) = (PlatformIDHistory.igPostID, PlatformIDHistory.ttVideoID)
            let response = try await server.request(.POST, "/v2/account-videos/metrics", key: h.tenant.key, body: """
                {"instagram_post_ids":[\(igPost),123],"tiktok_video_ids":["\(ttVideo)","0456"],"period":"30d"}
                """)
            #expect(response.status == 200, "\(response.body)")
            #expect(Set(response.data.keys) == [h.igVideo.description, h.ttVideo.description])
            let ig = try #require(response.data[h.igVideo.description] as? [String: Any])
            let igByUUID = try #require(byUUID.data[h.igVideo.description] as? [String: Any])
            #expect(ig["views"] as? Int == igByUUID["views"] as? Int)
            #expect(ig["views"] as? Int == 1600)
            #expect(ig["likes"] as? Int == 80)
            let tt = try #require(response.data[h.ttVideo.description] as? [String: Any])
            #expect(tt["plays"] as? Int == 900)
            #expect(tt["views"] as? Int == 900)  // plays stand in for views on TikTok
            let meta = try #require(response.json["meta"] as? [String: Any])
            let notFound = try #require(meta["not_found"] as? [Any])
            #expect(notFound.count == 2)
            #expect(notFound.first as? Int == 123)
            #expect(notFound.last as? String == "0456")
            #expect(meta["period"] as? String == "30d")

            // Ours and theirs together; the same video asked twice is answered once.
            let mixed = try await server.request(.POST, "/v2/account-videos/metrics", key: h.tenant.key, body: """
                {"video_ids":["\(h.igVideo)"],"instagram_post_ids":["\(igPost)"],"tiktok_video_ids":[]}
                """)
            #expect(mixed.status == 200)
            #expect(Array(mixed.data.keys) == [h.igVideo.description])
            #expect((mixed.json["meta"] as? [String: Any])?["not_found"] as? [Any] != nil)
            #expect(((mixed.json["meta"] as? [String: Any])?["not_found"] as? [Any])?.isEmpty == true)

            // Another organization's platform ids are not found, exactly like unknown ones; an individual video's
            // platform id is not a discovered video's.
            let other = try await Tenant.make(server)
            let foreign = try await server.request(.POST, "/v2/account-videos/metrics", key: other.key, body: """
                {"instagram_post_ids":[\(PlatformIDHistory.igPostID)],"tiktok_video_ids":[7000000000000000001]}
                """)
            #expect(foreign.status == 200)
            #expect(foreign.data.isEmpty)
            let foreignMissing = (foreign.json["meta"] as? [String: Any])?["not_found"] as? [Any]
            #expect(foreignMissing?.first as? Int == 17_895_695_668_004_550)
            #expect(foreignMissing?.last as? Int == 7_000_000_000_000_000_001)

            // Validation names the entry; no id at all names video_ids; the lists stay refused elsewhere.
            let invalid: [(String, Set<String>)] = [
                (#"{"instagram_post_ids":[-1, 1.5, "12a", ""],"tiktok_video_ids":"7"}"#,
                 Set((0..<4).map { "instagram_post_ids[\($0)]" }).union(["tiktok_video_ids"])),
                (#"{"instagram_post_ids":[],"tiktok_video_ids":[]}"#, ["video_ids"]),
                (#"{"period":"30d"}"#, ["video_ids"]),
                (#"{"tiktok_video_ids":[\#(Array(repeating: "1", count: 201).joined(separator: ","))]}"#,
                 ["tiktok_video_ids"]),
            ]
            for (body, fields) in invalid {
                let response = try await server.request(.POST, "/v2/account-videos/metrics", key: h.tenant.key,
                                                        body: body)
                Check.validation(response, fields, "\(body)")
            }
            Check.validation(try await server.request(.POST, "/v2/videos/metrics", key: h.tenant.key, body: """
                {"video_ids":["\(h.individual)"],"tiktok_video_ids":[7000000000000000001]}
                """), ["tiktok_video_ids"])
        }
    }

    @Test("the reference's own example body (a preset period with dates) is a 422 naming both dates; without the dates it is answered",
          arguments: TestEngines.all)
    func referenceExampleContradiction(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            // Byte for byte the reference's example request body.
            let example = """
                {
                  "instagram_post_ids": [
                    123
                  ],
                  "tiktok_video_ids": [
                    123
                  ],
                  "period": "30d",
                  "start_date": "2023-12-25",
                  "end_date": "2023-12-25"
                }
                """
            let path = "/v2/account-videos/metrics"
            let asExample = try await server.request(.POST, path, key: h.tenant.key, body: example)
            Check.validation(asExample, ["start_date", "end_date"])
            let withoutDates = try await server.request(.POST, path, key: h.tenant.key, body: """
                {"instagram_post_ids":[123],"tiktok_video_ids":[123],"period":"30d"}
                """)
            #expect(withoutDates.status == 200)
            #expect(((withoutDates.json["meta"] as? [String: Any])?["not_found"] as? [Int]) == [123, 123])
            let custom = try await server.request(.POST, path, key: h.tenant.key, body: """
                {"instagram_post_ids":[\(PlatformIDHistory.igPostID)],"period":"custom",
                 "start_date":"2023-12-25","end_date":"2023-12-25"}
                """)
            #expect(custom.status == 200)
            let meta = try #require(custom.json["meta"] as? [String: Any])
            #expect(meta["period"] as? String == "custom")
            #expect(meta["start_date"] as? String == "2023-12-25" && meta["days"] as? Int == 1)
            // Nothing existed then: the window's amounts are 0, not the video's lifetime.
            #expect((custom.data[h.igVideo.description] as? [String: Any])?["views"] as? Int == 0)
            // The same example on the other batch endpoints (their reference examples send video_ids that way).
            Check.validation(try await server.request(.POST, "/v2/videos/metrics", key: h.tenant.key, body: """
                {"video_ids":["3c90c3cc-0d44-4b50-8888-8dd25736052a"],"period":"30d",
                 "start_date":"2023-12-25","end_date":"2023-12-25"}
                """), ["start_date", "end_date"])
        }
    }

    // MARK: 2. Dates on every analytics endpoint

    @Test("start_date + end_date without period is a custom window on every analytics endpoint, exactly as the leaderboard tutorial asks",
          arguments: TestEngines.all)
    func datesWithoutPeriod(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            let key = h.tenant.key
            // The tutorial's request, dates and all.
            let tutorial = try await server.request(
                .GET, "/v2/creators/\(h.creator)/analytics?start_date=2026-05-16&end_date=2026-06-15", key: key)
            #expect(tutorial.status == 200, "\(tutorial.body)")
            let tutorialMeta = try #require(tutorial.json["meta"] as? [String: Any])
            #expect(tutorialMeta["period"] as? String == "custom")
            #expect(tutorialMeta["start_date"] as? String == "2026-05-16")
            #expect(tutorialMeta["end_date"] as? String == "2026-06-15")
            #expect(tutorialMeta["days"] as? Int == 31)

            let start = UTCDay.date(UTCDay.today - 3), end = UTCDay.date(UTCDay.today - 1)
            let paths = [
                "/v2/creators/\(h.creator)/analytics", "/v2/creators/top", "/v2/overview", "/v2/overview/timeseries",
                "/v2/creators/\(h.creator)/timeseries", "/v2/account-videos/\(h.ttVideo)/timeseries",
                "/v2/videos/\(h.individual)/timeseries",
            ]
            for path in paths {
                let dates = "start_date=\(start)&end_date=\(end)"
                let implicit = try await server.request(.GET, "\(path)?\(dates)", key: key)
                let explicit = try await server.request(.GET, "\(path)?period=custom&\(dates)", key: key)
                #expect(implicit.status == 200, "\(path) \(implicit.body)")
                #expect(implicit.body == explicit.body, "\(path)")
                let meta = try #require(implicit.json["meta"] as? [String: Any], "\(path)")
                #expect(meta["start_date"] as? String == start && meta["end_date"] as? String == end, "\(path)")
                #expect(meta["days"] as? Int == 3, "\(path)")
            }
            // The window is really used: TikTok video plays t-5 300, t-1 900 → 600 gained from t-3 to t-1.
            let series = try await server.request(
                .GET, "/v2/account-videos/\(h.ttVideo)/timeseries?start_date=\(start)&end_date=\(end)", key: key)
            let points = try #require(series.data["points"] as? [[String: Any]])
            #expect(points.compactMap { $0["plays"] as? Int }.reduce(0, +) == 600)
            let body = try await server.request(.POST, "/v2/account-videos/metrics", key: key, body: """
                {"video_ids":["\(h.ttVideo)"],"start_date":"\(start)","end_date":"\(end)"}
                """)
            #expect((body.data[h.ttVideo.description] as? [String: Any])?["plays"] as? Int == 600)
        }
    }

    @Test("a malformed date, one date alone, end before start, a future end or dates with a preset period → 422 naming the field, in query strings and bodies",
          arguments: TestEngines.all)
    func dateRule(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            let key = h.tenant.key
            let today = UTCDay.today
            let cases: [(String, Set<String>)] = [
                ("start_date=2026-13-01", ["start_date", "end_date"]),                       // malformed and alone
                ("period=30d&start_date=yesterday", ["start_date"]),                         // malformed with a preset
                ("period=7d&start_date=\(UTCDay.date(today - 3))&end_date=\(UTCDay.date(today))",
                 ["start_date", "end_date"]),
                ("start_date=\(UTCDay.date(today - 3))", ["end_date"]),
                ("end_date=\(UTCDay.date(today - 3))", ["start_date"]),
                ("start_date=\(UTCDay.date(today - 1))&end_date=\(UTCDay.date(today - 3))", ["start_date"]),
                ("start_date=\(UTCDay.date(today - 1))&end_date=\(UTCDay.date(today + 1))", ["end_date"]),
                ("period=custom", ["start_date", "end_date"]),
            ]
            let paths = [
                "/v2/creators/\(h.creator)/analytics", "/v2/creators/top", "/v2/overview", "/v2/overview/timeseries",
                "/v2/accounts/\(AccountID().description)/timeseries",
            ]
            for path in paths {
                for (query, fields) in cases {
                    let response = try await server.request(.GET, "\(path)?\(query)", key: key)
                    if path.hasSuffix("/timeseries") && path.contains("/accounts/") {
                        Check.notFound(response)  // a subject that does not exist is a 404 before its window is judged
                    } else {
                        Check.validation(response, fields, "\(path)?\(query)")
                    }
                }
            }
            for (query, fields) in cases {
                var body: [String] = [#""video_ids":["\#(h.ttVideo)"]"#]
                for pair in query.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    body.append("\"\(parts[0])\":\"\(parts[1])\"")
                }
                let json = "{\(body.joined(separator: ","))}"
                let response = try await server.request(.POST, "/v2/account-videos/metrics", key: key, body: json)
                Check.validation(response, fields, "\(body)")
            }
            // null counts as absent in a body.
            let nulls = try await server.request(.POST, "/v2/accounts/metrics", key: key, body: """
                {"account_ids":["\(AccountID())"],"period":null,"start_date":null,"end_date":null}
                """)
            #expect(nulls.status == 200)
            #expect((nulls.json["meta"] as? [String: Any])?["period"] as? String == "30d")
        }
    }

    // MARK: 3. The reference's resource fields

    @Test("accounts and videos carry the reference's fields: originals equal to our URLs, unknowns null, lifetime totals with stand-ins",
          arguments: TestEngines.all)
    func referenceFields(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            // `curl --url https://…/v2/accounts` as in the reference.
            let accounts = try await server.request(.GET, "/v2/accounts", key: h.tenant.key)
            #expect(accounts.status == 200)
            for account in accounts.items {
                for field in ["fb_play_count", "ig_play_count", "fb_like_count"] {
                    #expect(account[field] is NSNull, "\(field)")
                }
                #expect("\(account["profile_pic_url_original"] ?? "missing")" == "\(account["profile_pic_url"] ?? "-")")
            }
            let pictures = accounts.items.compactMap { $0["profile_pic_url_original"] as? String }
            #expect(pictures == ["https://cdn.example/ig.jpg"])

            let videos = try await server.request(.GET, "/v2/account-videos?order_by=view_count", key: h.tenant.key)
            let ig = try #require(videos.items.first { $0["id"] as? String == h.igVideo.description })
            #expect(ig["cover_image_url_original"] as? String == "https://cdn.example/cover.jpg")
            #expect(ig["total_views"] as? Int == 1600)
            #expect(ig["total_plays"] as? Int == 1600)
            let tt = try #require(videos.items.first { $0["id"] as? String == h.ttVideo.description })
            #expect(tt["total_views"] as? Int == 900)  // TikTok reports plays, which are its views
            #expect(tt["total_plays"] as? Int == 900)
            for video in videos.items {
                for field in ["video_url", "video_url_original", "platform_account_id"] {
                    #expect(video[field] is NSNull, "\(field)")
                }
                #expect(video["platform_data"] as? [String: Any] != nil)
            }

            // "Track a video" as in the reference (with a real identifier and its required platform).
            let tracked = try await server.request(.POST, "/v2/videos", key: h.tenant.key, body: """
                {"platform":"instagram","identifier":"https://www.instagram.com/p/C3xK9aLJm2Q/","metadata":{},
                 "is_active":true,"scrape_interval_hours":24}
                """)
            #expect(tracked.status == 201)
            for field in ["cover_image_url_original", "video_url", "video_url_original", "total_views", "total_plays",
                          "platform_account_id"] {
                #expect(tracked.data[field] is NSNull, "\(field) before the first refresh")
            }
            #expect(tracked.data["platform_data"] as? [String: Any] != nil)
        }
    }

    // MARK: 4. ETags on the system GETs

    @Test("GET /v2/whoami, /v2/organization, /v2/health and /v2/meta carry a strong ETag and answer If-None-Match with 304",
          arguments: TestEngines.all)
    func systemETags(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let targets: [(String, String?)] = [
                ("/v2/whoami", tenant.key), ("/v2/organization", tenant.key), ("/v2/health", nil), ("/v2/meta", nil),
            ]
            for (path, key) in targets {
                let first = try await server.request(.GET, path, key: key)
                #expect(first.status == 200, "\(path)")
                let etag = try #require(first.header("ETag"), "\(path)")
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "\(path)")
                let again = try await server.request(.GET, path, key: key, headers: [("If-None-Match", etag)])
                #expect(again.status == 304, "\(path)")
                #expect(again.body.isEmpty, "\(path)")
                #expect(again.header("ETag") == etag, "\(path)")
                let other = try await server.request(.GET, path, key: key, headers: [("If-None-Match", "\"other\"")])
                #expect(other.status == 200, "\(path)")
            }
            // The validator follows the representation: a renamed organization has a new ETag.
            let before = try await server.request(.GET, "/v2/organization", key: tenant.key).header("ETag")
            let renamed = try await server.request(.PATCH, "/v2/organization", key: tenant.key,
                                                   body: #"{"name":"Renamed"}"#)
            #expect(renamed.status == 200)
            #expect(try await server.request(.GET, "/v2/organization", key: tenant.key).header("ETag") != before)
        }
    }

    // MARK: 5. Deltas of any video; 6. the search echo

    @Test("POST /v2/videos/deltas with the reference's body answers discovered and individual videos alike",
          arguments: TestEngines.all)
    func deltasOfAnyVideo(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            let response = try await server.request(.POST, "/v2/videos/deltas", key: h.tenant.key, body: """
                {
                  "video_ids": [
                    "\(h.ttVideo)", "\(h.individual)", "3c90c3cc-0d44-4b50-8888-8dd25736052a"
                  ],
                  "windows": [
                    1,
                    7,
                    14,
                    30
                  ]
                }
                """)
            #expect(response.status == 200)
            // TikTok discovered video: plays t-5 300, t-1 900 → 7d: 900 − 0 (published t-6, inside the window) =
            // 900; 1d: V(t) − V(t-1) = 0. Individual video: t-3 100, t 250 → 1d: 150.
            let tt = try #require(response.data[h.ttVideo.description] as? [String: Any])
            #expect(tt["7d"] as? Int == 900)
            #expect(tt["1d"] as? Int == 0)
            #expect((response.data[h.individual.description] as? [String: Any])?["1d"] as? Int == 150)
            let meta = try #require(response.json["meta"] as? [String: Any])
            #expect(meta["not_found"] as? [String] == ["3c90c3cc-0d44-4b50-8888-8dd25736052a"])
            #expect(meta["video_count"] as? Int == 2)
        }
    }

    @Test("GET /v2/search echoes q exactly as sent, surrounding blanks included", arguments: TestEngines.all)
    func searchEcho(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await PlatformIDHistory.make(server)
            let response = try await server.request(.GET, "/v2/search?q=%20%20Lead%20&limit=5", key: h.tenant.key)
            #expect(response.status == 200)
            #expect((response.json["meta"] as? [String: Any])?["query"] as? String == "  Lead ")
            #expect((response.data["creators"] as? [[String: Any]])?.count == 1)
            // As HTML forms and HTTP libraries encode a query: `+` is a space, `%2B` a plus.
            let plus = try await server.request(.GET, "/v2/search?q=Le+ad%2B", key: h.tenant.key)
            #expect((plus.json["meta"] as? [String: Any])?["query"] as? String == "Le ad+")
            let blank = try await server.request(.GET, "/v2/search?q=%20", key: h.tenant.key)
            #expect((blank.json["meta"] as? [String: Any])?["query"] as? String == " ")
            #expect((blank.data["creators"] as? [Any])?.isEmpty == true)
        }
    }
}
