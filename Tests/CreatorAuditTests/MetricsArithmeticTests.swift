// docs/metrics.md arithmetic on hand-built histories. Every expected number is worked out by hand in the comments.
import Foundation
import Testing
@testable import CreatorAudit

/// A small organization with a known history (days relative to today, UTC):
/// - video A (account X, published t-10): t-8 views 1000 likes 100 comments 10 shares 5;
///   t-5 at 10:00 views 1400, at 20:00 views 1500 likes 150 comments 12 shares 6 (last of the day wins);
///   t-2 views 2000 likes 180 comments 15 shares 8.
/// - video B (account X, published t-100, tracked late): t-3 views 5000 likes 500; t-1 views 5300 likes 530.
/// - video C (individual, publication unknown): t-4 views 700 likes 7; t views 900 likes 9.
/// - video D (individual TikTok, plays only): t-3 plays 100 likes 10; t plays 300 likes 40.
/// - account X followers: t-20 10000, t-6 10500, t-1 11000. Creator K owns X.
struct KnownHistory {
    let organization: Organization
    let key: String
    let account: AccountID
    let creator: CreatorID
    let videoA: VideoID, videoB: VideoID, videoC: VideoID, videoD: VideoID
    let today: Int

    static func make(_ server: TestServer) async throws -> KnownHistory {
        let database = server.database
        let organization = try await Fixtures.organization(database)
        try await Fixtures.setRateLimit(database, organization, 1_000_000)
        let key = try await Fixtures.key(server.services, organization).token.secret
        let today = UTCDay.today
        @Sendable func at(_ day: Int, _ hour: Int = 12) -> Timestamp { Timestamp(seconds: Int64(today + day) * 86_400 + Int64(hour) * 3600) }
        var account = Account.new(organizationID: organization.id, platform: .instagram, username: "known")
        account.addedAt = at(-30)
        let creator = Creator(id: CreatorID(), organizationID: organization.id, name: "K", isActive: true, metadata: [:], createdAt: at(-30))
        account.creatorID = creator.id
        var a = Video.new(organizationID: organization.id, platform: .instagram, source: .account, externalID: "A1234", url: "https://www.instagram.com/p/A1234/", now: at(-9))
        a.accountID = account.id
        a.createTime = at(-10, 8)
        var b = Video.new(organizationID: organization.id, platform: .instagram, source: .account, externalID: "B1234", url: "https://www.instagram.com/p/B1234/", now: at(-3))
        b.accountID = account.id
        b.createTime = at(-100)
        let c = Video.new(organizationID: organization.id, platform: .instagram, source: .individual, externalID: "C1234", url: "https://www.instagram.com/p/C1234/", now: at(-4))
        let d = Video.new(organizationID: organization.id, platform: .tiktok, source: .individual, externalID: "72345678901", url: "https://www.tiktok.com/video/72345678901", now: at(-3))
        let accountID = account.id
        let (a0, b0, c0, d0, account0) = (a, b, c, d, account)
        let store = database.tenant(organization.id)
        try await store.write { db in
            let (a, b, c, d, account) = (a0, b0, c0, d0, account0)
            try await store.creators.insert(creator, in: db)
            try await store.accounts.insert(account, in: db)
            for video in [a, b, c, d] { try await store.videos.insert(video, in: db) }
            let writer = store.snapshots
            try await writer.write(videos: [
                VideoSnapshot(videoID: a.id, observedAt: at(-8), views: 1000, likes: 100, comments: 10, shares: 5),
                VideoSnapshot(videoID: a.id, observedAt: at(-5, 20), views: 1500, likes: 150, comments: 12, shares: 6),
                VideoSnapshot(videoID: a.id, observedAt: at(-5, 10), views: 1400, likes: 140, comments: 11, shares: 6),
                VideoSnapshot(videoID: a.id, observedAt: at(-2), views: 2000, likes: 180, comments: 15, shares: 8),
                VideoSnapshot(videoID: b.id, observedAt: at(-3), views: 5000, likes: 500, comments: 0, shares: 0),
                VideoSnapshot(videoID: b.id, observedAt: at(-1), views: 5300, likes: 530, comments: 0, shares: 0),
                VideoSnapshot(videoID: c.id, observedAt: at(-4), views: 700, likes: 7, comments: 0, shares: 0),
                VideoSnapshot(videoID: c.id, observedAt: at(0, 0), views: 900, likes: 9, comments: 0, shares: 0),
                VideoSnapshot(videoID: d.id, observedAt: at(-3), views: nil, plays: 100, likes: 10, comments: 0, shares: 0),
                VideoSnapshot(videoID: d.id, observedAt: at(0, 0), views: nil, plays: 300, likes: 40, comments: 0, shares: 0),
            ], in: db)
            try await writer.write(accounts: [
                AccountSnapshot(accountID: accountID, observedAt: at(-20), followerCount: 10000),
                AccountSnapshot(accountID: accountID, observedAt: at(-6), followerCount: 10500),
                AccountSnapshot(accountID: accountID, observedAt: at(-1), followerCount: 11000),
            ], in: db)
        }
        return KnownHistory(organization: organization, key: key, account: account.id, creator: creator.id,
                            videoA: a.id, videoB: b.id, videoC: c.id, videoD: d.id, today: today)
    }

    func date(_ offset: Int) -> String { UTCDay.date(today + offset) }
}

@Suite("Metrics arithmetic (docs/metrics.md)")
struct MetricsArithmeticTests {
    func post(_ server: TestServer, _ path: String, _ history: KnownHistory, _ body: String) async throws -> TestResponse {
        try await server.request(.POST, path, key: history.key, body: body)
    }

    @Test("window growth, late tracking adds no fake growth, unknown publication uses the first snapshot", arguments: TestEngines.all)
    func videoWindows(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            // A (7d): V(t) = 2000, V(t-7) = 1000 (carried from t-8) → 1000 views; likes 80, comments 5, shares 3.
            // B (7d): V(t) = 5300; t-7 is before its first snapshot but after publication → 5000 → 300.
            let accountVideos = try await post(server, "/v2/account-videos/metrics", h, #"{"video_ids":["\#(h.videoA)","\#(h.videoB)"],"period":"7d"}"#)
            #expect(accountVideos.status == 200)
            let a = try #require(accountVideos.data[h.videoA.description] as? [String: Any])
            #expect(a["views"] as? Int == 1000)
            #expect(a["likes"] as? Int == 80)
            #expect(a["comments"] as? Int == 5)
            #expect(a["shares"] as? Int == 3)
            #expect(a["engagement"] as? Int == 88)
            #expect(a["engagement_rate"] as? Double == 8.8)
            #expect(a["plays"] as? Int == 1000)  // plays never reported: views stand in
            let b = try #require(accountVideos.data[h.videoB.description] as? [String: Any])
            #expect(b["views"] as? Int == 300)
            let meta = try #require(accountVideos.json["meta"] as? [String: Any])
            #expect(meta["period"] as? String == "7d")
            #expect(meta["start_date"] as? String == h.date(-6))
            #expect(meta["end_date"] as? String == h.date(0))
            #expect(meta["days"] as? Int == 7)
            #expect((meta["not_found"] as? [String])?.isEmpty == true)

            // Published inside the window: growth before tracking counts on the publication day (t-10).
            // custom t-10…t-9: V(t-9) = first value 1000 (after publication), V(t-11) = 0 (before it) → 1000.
            let early = try await post(server, "/v2/account-videos/metrics", h,
                #"{"video_ids":["\#(h.videoA)"],"period":"custom","start_date":"\#(h.date(-10))","end_date":"\#(h.date(-9))"}"#)
            #expect((early.data[h.videoA.description] as? [String: Any])?["views"] as? Int == 1000)
            // custom t-12…t-11: before publication → 0.
            let before = try await post(server, "/v2/account-videos/metrics", h,
                #"{"video_ids":["\#(h.videoA)"],"period":"custom","start_date":"\#(h.date(-12))","end_date":"\#(h.date(-11))"}"#)
            #expect((before.data[h.videoA.description] as? [String: Any])?["views"] as? Int == 0)

            // C (individual, publication unknown): V(t-7) = first value 700 → 200 in 7d.
            // D (TikTok, plays only): plays 300 - 100 = 200, likes 30 → rate uses plays: 100 × 30 / 200 = 15.
            let individual = try await post(server, "/v2/videos/metrics", h, #"{"video_ids":["\#(h.videoC)","\#(h.videoD)","\#(h.videoA)"],"period":"7d"}"#)
            #expect((individual.data[h.videoC.description] as? [String: Any])?["views"] as? Int == 200)
            let d = try #require(individual.data[h.videoD.description] as? [String: Any])
            #expect(d["plays"] as? Int == 200)
            #expect(d["views"] as? Int == 200)  // views never reported: plays stand in
            #expect(d["engagement_rate"] as? Double == 15)
            // A is an account video: not an individual one → not_found.
            #expect((individual.json["meta"] as? [String: Any])?["not_found"] as? [String] == [h.videoA.description])
        }
    }

    @Test("sums up the hierarchy: account = its videos, creator = its accounts; followers are a level and its change",
          arguments: TestEngines.all)
    func hierarchy(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            // X (7d): views 1000 + 300 = 1300; likes 80 + 30 = 110; comments 5; shares 3 → engagement 118 → 9.0769 %.
            // Followers: at t 11000; at t-7 10000 (carried from t-20) → change 1000.
            let accounts = try await post(server, "/v2/accounts/metrics", h, #"{"account_ids":["\#(h.account)"],"period":"7d"}"#)
            let x = try #require(accounts.data[h.account.description] as? [String: Any])
            #expect(x["views"] as? Int == 1300)
            #expect(x["likes"] as? Int == 110)
            #expect(x["engagement"] as? Int == 118)
            #expect(x["engagement_rate"] as? Double == 9.0769)  // 100 × 118 / 1300 = 9.076923… → 9.0769
            #expect(x["follower_count"] as? Int == 11000)
            #expect(x["follower_change"] as? Int == 1000)

            // Creator K = X. Previous 7d (t-13…t-7): A: V(t-7) 1000 − V(t-14) 0 (before publication) = 1000; B: 0.
            // views_pct = 100 × (1300 − 1000) / 1000 = 30.
            let analytics = try await server.request(.GET, "/v2/creators/\(h.creator)/analytics?period=7d", key: h.key)
            #expect(analytics.status == 200)
            let current = try #require(analytics.data["current"] as? [String: Any])
            let previous = try #require(analytics.data["previous"] as? [String: Any])
            let changes = try #require(analytics.data["changes"] as? [String: Any])
            #expect(current["views"] as? Int == 1300)
            #expect(previous["views"] as? Int == 1000)
            #expect(changes["views_pct"] as? Double == 30)
            // Previous followers: t-7 10000 vs t-14 10000 → change 0 → follower_change_pct null (from 0).
            #expect(previous["follower_change"] as? Int == 0)
            #expect(changes["follower_change_pct"] is NSNull)

            // Organization: A + B + C + D views: 1000 + 300 + 200 + (D has no views; plays stand in: 200) = 1700.
            let overview = try await server.request(.GET, "/v2/overview?period=7d", key: h.key)
            #expect(overview.status == 200)
            let now = try #require(overview.data["current"] as? [String: Any])
            #expect(now["total_views"] as? Int == 1700)
            #expect(now["active_accounts"] as? Int == 1)
            #expect(now["account_videos"] as? Int == 2)
            #expect(now["tracked_videos"] as? Int == 2)

            let top = try await server.request(.GET, "/v2/creators/top?period=7d", key: h.key)
            let first = try #require((top.json["data"] as? [[String: Any]])?.first)
            #expect(first["rank"] as? Int == 1)
            #expect(first["views"] as? Int == 1300)
            #expect(first["follower_growth"] as? Int == 1000)
        }
    }

    @Test("daily series: one point per day, amounts add up to the window, followers at each day's end", arguments: TestEngines.all)
    func timeseries(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            let series = try await server.request(.GET, "/v2/accounts/\(h.account)/timeseries?period=7d", key: h.key)
            #expect(series.status == 200)
            #expect(series.data["type"] as? String == "timeseries")
            #expect(series.data["subject_id"] as? String == h.account.description)
            let points = try #require(series.data["points"] as? [[String: Any]])
            #expect(points.map { $0["date"] as? String } == (-6...0).map { h.date($0) })
            // A: +500 on t-5, +500 on t-2; B: +300 on t-1.
            #expect(points.map { $0["views"] as? Int } == [0, 500, 0, 0, 500, 300, 0])
            #expect(points.compactMap { $0["views"] as? Int }.reduce(0, +) == 1300)
            #expect(points.map { $0["follower_count"] as? Int } == [10500, 10500, 10500, 10500, 10500, 11000, 11000])
            #expect(points[1]["engagement_rate"] as? Double == 10.6)  // t-5: likes 50, comments 2, shares 1 → 100 × 53 / 500
            #expect(points[0]["engagement_rate"] is NSNull)  // no views that day
            // Several snapshots in one day: the last one counts (t-5 ends at 1500, not 1400).
            let video = try await server.request(.GET, "/v2/account-videos/\(h.videoA)/timeseries?period=custom&start_date=\(h.date(-10))&end_date=\(h.date(-1))", key: h.key)
            let videoPoints = try #require(video.data["points"] as? [[String: Any]])
            #expect(videoPoints.map { $0["views"] as? Int } == [1000, 0, 0, 0, 0, 500, 0, 0, 500, 0])
            #expect(videoPoints.allSatisfy { $0["follower_count"] is NSNull })
            // Organization series adds up to the overview's views.
            let org = try await server.request(.GET, "/v2/overview/timeseries?period=7d", key: h.key)
            let orgPoints = try #require(org.data["points"] as? [[String: Any]])
            let total = orgPoints.compactMap { $0["views"] as? Int }.reduce(0, +) + 0
            #expect(total == 1700)  // A 1000 + B 300 + C 200 + D 200 (plays standing in for views)
        }
    }

    @Test("deltas over trailing windows; duplicates ignored; foreign and unknown ids in not_found", arguments: TestEngines.all)
    func deltas(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            let other = try await Fixtures.organization(server.database)
            let otherStore = server.database.tenant(other.id)
            let foreign = try await otherStore.write { db -> VideoID in
                let video = Video.new(organizationID: other.id, platform: .instagram, source: .individual, externalID: "F1234", url: "https://x")
                try await otherStore.videos.insert(video, in: db)
                return video.id
            }
            let unknown = UUID().uuidString.lowercased()
            // C: t 900, t-1 700 (carried from t-4) → 1d 200; t-7 → first value 700 → 7d 200.
            let response = try await post(server, "/v2/videos/deltas", h,
                #"{"video_ids":["\#(h.videoC)","\#(foreign)","\#(unknown)","\#(h.videoC)"],"windows":[1,7,7]}"#)
            #expect(response.status == 200)
            let c = try #require(response.data[h.videoC.description] as? [String: Any])
            #expect(c["1d"] as? Int == 200)
            #expect(c["7d"] as? Int == 200)
            let meta = try #require(response.json["meta"] as? [String: Any])
            #expect(meta["windows"] as? [Int] == [1, 7])
            #expect(meta["video_count"] as? Int == 1)
            #expect(Set(meta["not_found"] as? [String] ?? []) == [foreign.description, unknown])
            // Foreign subjects' series are plain 404s.
            #expect(try await server.request(.GET, "/v2/videos/\(foreign)/timeseries", key: h.key).status == 404)
        }
    }

    @Test("engagement rate rounds half away from zero to 4 decimals and is null without views")
    func engagementRate() {
        #expect(EngagementRate.compute(likes: 2, comments: 0, shares: 0, views: 3, plays: nil) == 66.6667)
        #expect(EngagementRate.compute(likes: 1, comments: 0, shares: 0, views: 3, plays: nil) == 33.3333)
        // 1 / 16 = 6.25 % exactly; 1 / 32000 = 0.003125 % → 0.0031 (…25 rounds half away: 0.003125 → 0.0031? 31.25 → 31)
        #expect(EngagementRate.compute(likes: 1, comments: 0, shares: 0, views: 16, plays: nil) == 6.25)
        // 100 × 1 / 200000 = 0.0005 % → exactly half of the 4th decimal → away from zero → 0.0005
        #expect(EngagementRate.compute(likes: 1, comments: 0, shares: 0, views: 200_000, plays: nil) == 0.0005)
        // 100 × 1 / 400000 = 0.00025 → 0.0003 (half away from zero)
        #expect(EngagementRate.compute(likes: 1, comments: 0, shares: 0, views: 400_000, plays: nil) == 0.0003)
        #expect(EngagementRate.compute(likes: 5, comments: 0, shares: 0, views: 0, plays: nil) == nil)
        #expect(EngagementRate.compute(likes: 5, comments: 0, shares: 0, views: nil, plays: nil) == nil)
        #expect(EngagementRate.compute(likes: 5, comments: 5, shares: 0, views: nil, plays: 100) == 10)
        #expect(PeriodChange.percent(current: Int64(1300), previous: Int64(1000)) == 30)
        #expect(PeriodChange.percent(current: Int64(5), previous: Int64(0)) == nil)
        #expect(PeriodChange.percent(current: Int64(1), previous: Int64(3)) == -66.6667)
    }

    @Test("window validation: 422 naming the field", arguments: TestEngines.all)
    func validation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let h = try await KnownHistory.make(server)
            let tomorrow = h.date(1)
            let ids = #""video_ids":["\#(h.videoC)"]"#
            let cases: [(String, String, String)] = [
                ("/v2/videos/metrics", "{\(ids),\"period\":\"14d\"}", "period"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"end_date\":\"\(h.date(0))\"}", "start_date"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"start_date\":\"\(h.date(-3))\"}", "end_date"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"start_date\":\"2026-02-30\",\"end_date\":\"\(h.date(0))\"}", "start_date"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"start_date\":\"\(h.date(-1))\",\"end_date\":\"\(h.date(-3))\"}", "start_date"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"start_date\":\"\(h.date(-2))\",\"end_date\":\"\(tomorrow)\"}", "end_date"),
                ("/v2/videos/metrics", "{\(ids),\"period\":\"custom\",\"start_date\":\"\(h.date(-400))\",\"end_date\":\"\(h.date(0))\"}", "end_date"),
                ("/v2/videos/metrics", #"{"video_ids":[]}"#, "video_ids"),
                ("/v2/videos/metrics", #"{"video_ids":["\#(h.videoC)", "nope"]}"#, "video_ids[1]"),
                ("/v2/videos/metrics", #"{"instagram_post_ids":[123], "video_ids":["\#(h.videoC)"]}"#, "instagram_post_ids"),
                ("/v2/videos/metrics", "{\"video_ids\":[\(Array(repeating: "\"\(h.videoC)\"", count: 201).joined(separator: ","))]}", "video_ids"),
                ("/v2/accounts/metrics", #"{"video_ids":["\#(h.videoC)"]}"#, "account_ids"),
                ("/v2/videos/deltas", "{\(ids),\"windows\":[0]}", "windows[0]"),
                ("/v2/videos/deltas", "{\(ids),\"windows\":[366]}", "windows[0]"),
                ("/v2/videos/deltas", "{\(ids),\"windows\":[1,2,3,4,5,6,7,8,9,10,11]}", "windows"),
            ]
            for (path, body, field) in cases {
                let response = try await post(server, path, h, body)
                #expect(response.status == 422, "\(body)")
                #expect(response.code == "VALIDATION_ERROR")
                let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields.contains(field), "\(body) → \(fields)")
            }
            let badQuery = try await server.request(.GET, "/v2/overview?period=custom", key: h.key)
            #expect(badQuery.status == 422)
            let badSeries = try await server.request(.GET, "/v2/accounts/\(h.account)/timeseries?period=custom&start_date=\(h.date(-3))", key: h.key)
            #expect(badSeries.status == 422)
            let badTop = try await server.request(.GET, "/v2/creators/top?limit=26", key: h.key)
            #expect(badTop.status == 422)
            // Batch metrics only read: a read-only key may call them; a 200-id list is fine.
            let reader = try await Fixtures.key(server.services, h.organization, scopes: [.read]).token.secret
            let readOnly = try await server.request(.POST, "/v2/videos/metrics", key: reader, body: "{\(ids)}")
            #expect(readOnly.status == 200)
        }
    }
}
