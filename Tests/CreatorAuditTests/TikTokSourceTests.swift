// The `tiktok` source against the Research API double: user info, video queries over 30-day windows with
// cursor paging, batches of accounts per query, the client token's life, the error codes, and the daily
// budget — persistent in the database on both engines.
import Foundation
import PlatformDoubles
import Testing

@testable import CreatorAudit

@Suite("TikTok source")
struct TikTokSourceTests {
    /// The video query bodies the double received, as JSON objects.
    static func queries(_ bed: SourceTestbed) -> [[String: Any]] {
        bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/video/query/") }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.body.utf8))) as? [String: Any]
        }
    }

    static func days(_ query: [String: Any]) -> (String, String) {
        (query["start_date"] as? String ?? "", query["end_date"] as? String ?? "")
    }

    @Test(
        "an account refresh reads user info and the videos of the look-back, in windows of at most 30 days",
        arguments: TestEngines.all)
    func windows(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let user = bed.tiktokUser("mayachen", videos: 120, every: 12 * 3_600)
            bed.world.put(user)
            let source = bed.tiktok()
            let refresh = try await source.refreshAccount(
                platform: .tiktok, username: "mayachen",
                limits: PostLimits(maxPosts: 500, lookbackDays: 45))
            #expect(refresh.profile.followerCount == 54_321 && refresh.profile.followingCount == 99)
            #expect(refresh.profile.profilePostCount == 127 && refresh.profile.isVerified)
            #expect(refresh.profile.name == "Name of mayachen" && refresh.profile.description == "Bio of mayachen")
            let oldest = bed.clock.timestamp.adding(seconds: -45 * 86_400)
            let expected = user.videos.filter { $0.createTime >= oldest.seconds }
            #expect(refresh.posts.count == expected.count)
            #expect(refresh.posts.map(\.externalID) == expected.map { String($0.id) }, "exact 64-bit ids, newest first")
            for post in refresh.posts {
                #expect(post.counters.plays == post.counters.views, "TikTok plays are views")
                #expect(post.counters.saves == nil, "TikTok reports no saves")
                #expect(post.url == "https://www.tiktok.com/@mayachen/video/\(post.externalID)")
            }
            let queries = Self.queries(bed)
            #expect(queries.count == 2, "45 days take two windows")
            for query in queries {
                let (start, end) = Self.days(query)
                let startDay = try #require(Self.dayNumber(start))
                let endDay = try #require(Self.dayNumber(end))
                #expect(endDay - startDay <= 30 && endDay >= startDay)
                #expect((query["max_count"] as? Int).map { (1...100).contains($0) } == true)
            }
            #expect(Self.days(queries[0]).1 == bed.clock.timestamp.day.replacingOccurrences(of: "-", with: ""))
        }
    }

    @Test("a video query follows cursor and search_id while has_more, up to the post cap", arguments: TestEngines.all)
    func paging(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            // 250 videos in 29 days.
            bed.world.put(bed.tiktokUser("busy.poster", videos: 250, every: 10_000))
            let source = bed.tiktok()
            let refresh = try await source.refreshAccount(
                platform: .tiktok, username: "busy.poster",
                limits: PostLimits(maxPosts: 220, lookbackDays: 30))
            #expect(refresh.posts.count == 220)
            let queries = Self.queries(bed)
            #expect(queries.count == 3)
            #expect(queries[0]["cursor"] == nil && queries[0]["search_id"] == nil)
            #expect(queries[1]["cursor"] as? Int == 100 && (queries[1]["search_id"] as? String)?.isEmpty == false)
            #expect(
                queries[2]["cursor"] as? Int == 200
                    && queries[2]["search_id"] as? String == queries[1]["search_id"] as? String)
        }
    }

    @Test(
        "several accounts share one video query; an unknown or private one is unavailable alone",
        arguments: TestEngines.all)
    func batches(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            for name in ["one.a", "two.b", "three.c", "four.d"] { bed.world.put(bed.tiktokUser(name, videos: 6)) }
            var hidden = bed.tiktokUser("hidden.e", videos: 3)
            hidden.isPrivate = true
            bed.world.put(hidden)
            let source = bed.tiktok()
            #expect(source.accountBatchSize == 10)
            let names = ["one.a", "two.b", "nobody.x", "three.c", "hidden.e", "four.d"]
            let outcomes = try await source.refreshAccounts(
                platform: .tiktok,
                names.map { AccountRequest(username: $0, limits: PostLimits(maxPosts: 4, lookbackDays: 30)) })
            #expect(outcomes.map(\.username) == names)
            for outcome in outcomes {
                switch outcome.username {
                case "nobody.x", "hidden.e":
                    #expect(throws: PlatformSourceError.self) { try outcome.result.get() }
                    if case .failure(let error) = outcome.result { #expect(error.isUnavailable) }
                default:
                    let refresh = try outcome.result.get()
                    #expect(refresh.posts.count == 4)
                    #expect(refresh.posts.allSatisfy { $0.accountUsername == outcome.username })
                }
            }
            let queries = Self.queries(bed)
            #expect(queries.count == 1, "one query for the four accounts found")
            let condition = ((queries.first?["query"] as? [String: Any])?["and"] as? [[String: Any]])?.first
            #expect(condition?["operation"] as? String == "IN" && condition?["field_name"] as? String == "username")
            #expect((condition?["field_values"] as? [String])?.sorted() == ["four.d", "one.a", "three.c", "two.b"])
            // More accounts than one query takes: a query per batch of `usernamesPerQuery`.
            let small = bed.tiktok(usernamesPerQuery: 2)
            let before = Self.queries(bed).count
            let four = try await small.refreshAccounts(
                platform: .tiktok, ["one.a", "two.b", "three.c", "four.d"].map { AccountRequest(username: $0) })
            #expect(four.allSatisfy { (try? $0.result.get())?.posts.count == 6 })
            let split = Self.queries(bed).dropFirst(before).compactMap {
                (($0["query"] as? [String: Any])?["and"] as? [[String: Any]])?.first?["field_values"] as? [String]
            }
            #expect(split.map { $0.sorted() } == [["one.a", "two.b"], ["four.d", "three.c"]])
            // The private account turns public: it answers again.
            bed.world.updateTikTok("hidden.e") { $0.isPrivate = false }
            let back = try await source.refreshAccount(platform: .tiktok, username: "hidden.e", limits: PostLimits())
            #expect(back.posts.count == 3)
        }
    }

    @Test(
        "the client token is fetched once, renewed shortly before it expires and after access_token_invalid",
        arguments: TestEngines.all)
    func tokenLife(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine, tiktokTokenLifetime: 7_200) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 3))
            let source = bed.tiktok()
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(bed.world.tiktokTokenRequests == 1 && source.tokenFetches == 1)
            let token = bed.requests(.tiktok).first { $0.uri.hasPrefix("/v2/oauth/token/") }
            #expect(token?.body == "client_key&client_secret&grant_type", "form-encoded client credentials")
            // Revoked: the first answer is access_token_invalid, a new token is fetched and the request repeated.
            bed.world.revokeTikTokTokens()
            let before = bed.requests(.tiktok).count
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(bed.world.tiktokTokenRequests == 2)
            #expect(bed.requests(.tiktok).count == before + 4, "user info refused, token, user info, video query")
            // 300 s before expiry (the margin, at most a tenth of the lifetime): renewed without a refusal.
            bed.clock.advance(7_200 - 300 + 1)
            let beforeRenewal = bed.requests(.tiktok).count
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(bed.world.tiktokTokenRequests == 3)
            #expect(bed.requests(.tiktok).count == beforeRenewal + 3)
        }
    }

    @Test(
        "wrong client credentials or a scope not authorized make the source failing; it recovers",
        arguments: TestEngines.all)
    func sourceFailing(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 3))
            let wrong = bed.tiktok(secret: "not-the-secret")
            let refused = await PlatformSourceError.caught {
                _ = try await wrong.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            }
            #expect(refused?.isSourceFailing == true && refused?.reason.contains("client credentials") == true)
            #expect(!(refused?.description.contains("not-the-secret") ?? true))

            let source = bed.tiktok()
            bed.world.setTikTokScopeAuthorized(false)
            let scope = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            }
            #expect(scope?.isSourceFailing == true && scope?.reason.contains("scope_not_authorized") == true)
            guard case .failing = source.availability() else {
                Issue.record("expected the source to be failing")
                return
            }
            let sent = bed.requests(.tiktok).count
            let waiting = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .tiktok, username: "other.one", limits: PostLimits())
            }
            #expect(waiting?.isSourceFailing == true && bed.requests(.tiktok).count == sent)
            bed.world.setTikTokScopeAuthorized(true)
            bed.clock.advance(61)
            let refresh = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(refresh.posts.count == 3 && source.availability() == .ready)
        }
    }

    @Test("rate_limit_exceeded pauses the platform; nothing is sent during the pause", arguments: TestEngines.all)
    func rateLimited(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 3))
            let source = bed.tiktok()
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            bed.world.inject(.rateLimited(retryAfter: 300), on: .tiktok, for: .username("mayachen"), times: 1)
            let error = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            }
            #expect(error?.isRateLimited == true && error?.retryAfter == 300)
            let sent = bed.requests(.tiktok).count
            let outcomes = await PlatformSourceError.caught {
                _ = try await source.refreshAccounts(platform: .tiktok, [AccountRequest(username: "mayachen")])
            }
            #expect(outcomes?.isRateLimited == true, "a batch throws what concerns the whole source")
            #expect(bed.requests(.tiktok).count == sent)
            bed.clock.advance(301)
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
        }
    }

    @Test(
        "truncated or malformed JSON and a 500 are retryable errors of the accounts concerned",
        arguments: TestEngines.all)
    func retryable(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine, timeout: 1) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 3))
            let source = bed.tiktok()
            for fault in [Fault.truncatedJSON, .malformedJSON, .serverError(status: 500), .slow(milliseconds: 2_500)] {
                bed.world.inject(fault, on: .tiktok, for: .username("mayachen"), times: 1)
                let error = await PlatformSourceError.caught {
                    _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
                }
                #expect(error?.isRetryable == true, "\(fault)")
                #expect(source.availability() == .ready)
            }
            // A fault on the shared video query fails each account of the batch, retryably; nothing is thrown.
            for name in ["one.a", "two.b"] { bed.world.put(bed.tiktokUser(name, videos: 2)) }
            bed.world.inject(.serverError(status: 500), on: .tiktok, for: .videoQuery, times: 1)
            let outcomes = try await source.refreshAccounts(
                platform: .tiktok, [AccountRequest(username: "one.a"), AccountRequest(username: "two.b")])
            #expect(outcomes.count == 2)
            #expect(
                outcomes.allSatisfy {
                    if case .failure(let error) = $0.result { return error.isRetryable } else { return false }
                })
        }
    }

    @Test("an individual video is found by its id around the creation time the id carries", arguments: TestEngines.all)
    func individualVideo(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let user = bed.tiktokUser("viral.clips", videos: 200, every: 86_400)
            bed.world.put(user)
            let source = bed.tiktok()
            let old = user.videos[150]
            let refresh = try await source.refreshVideo(
                platform: .tiktok, externalID: String(old.id), ownerUsername: nil)
            #expect(refresh.post.externalID == String(old.id))
            #expect(refresh.post.counters.views == old.viewCount && refresh.post.counters.saves == nil)
            #expect(refresh.post.accountUsername == "viral.clips")
            let query = try #require(Self.queries(bed).last)
            let condition = ((query["query"] as? [String: Any])?["and"] as? [[String: Any]])?.first
            #expect(condition?["field_name"] as? String == "video_id" && condition?["operation"] as? String == "EQ")
            let (start, end) = Self.days(query)
            let createdDay = Int(old.createTime / 86_400)
            #expect(Self.dayNumber(start) == createdDay - 1 && Self.dayNumber(end) == createdDay + 1)
            let gone = await PlatformSourceError.caught {
                _ = try await source.refreshVideo(
                    platform: .tiktok, externalID: String(UInt64(old.createTime) << 32 | 77), ownerUsername: nil)
            }
            #expect(gone?.isUnavailable == true)
            let notAnID = await PlatformSourceError.caught {
                _ = try await source.refreshVideo(platform: .tiktok, externalID: "abc", ownerUsername: nil)
            }
            #expect(notAnID?.isUnavailable == true)
        }
    }

    @Test(
        "the daily budget refuses before the platform would, and survives a restart (a new source, same database)",
        arguments: TestEngines.all)
    func budgetPersists(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 10))
            let policy = SourceGovernor.Policy(
                maxConcurrentRequests: 2, dailyBudget: DailyBudgetLimits(requests: 5, records: 1_000))
            // Each refresh: user info + one video query = 2 requests, 1 + 10 records.
            let first = bed.tiktok(policy: policy)
            _ = try await first.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            _ = try await first.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(try await first.governor.budgetUsage() == BudgetUsage(requests: 4, records: 22))
            // "Restart": a new source and governor, the same database.
            let second = bed.tiktok(policy: policy)
            #expect(try await second.governor.budgetUsage() == BudgetUsage(requests: 4, records: 22))
            let researchBefore = bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/") }.count
            let spent = await PlatformSourceError.caught {
                _ = try await second.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            }
            let midnight = (Int(bed.clock.now()) / 86_400 + 1) * 86_400
            #expect(spent?.isRateLimited == true && spent?.retryAfter == midnight - Int(bed.clock.now()))
            #expect(spent?.reason.contains("daily budget") == true)
            let researchAfter = bed.requests(.tiktok).filter { $0.uri.hasPrefix("/v2/research/") }.count
            #expect(researchAfter == researchBefore + 1, "the fifth request (user info) went; the sixth was never sent")
            #expect(try await second.governor.budgetUsage()?.requests == 5)
            guard case .paused = second.availability() else {
                Issue.record("expected the platform paused until midnight")
                return
            }
            // The next UTC day has a fresh budget.
            bed.clock.advance(Double(midnight) - bed.clock.now() + 1)
            let third = bed.tiktok(policy: policy)
            _ = try await third.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(try await third.governor.budgetUsage() == BudgetUsage(requests: 2, records: 11))
        }
    }

    @Test("the records budget caps max_count", arguments: TestEngines.all)
    func recordsBudget(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 30))
            let policy = SourceGovernor.Policy(dailyBudget: DailyBudgetLimits(requests: 100, records: 50))
            let source = bed.tiktok(policy: policy)
            let first = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            #expect(first.posts.count == 30)
            #expect(try await source.governor.budgetUsage()?.records == 31)
            _ = try? await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            let last = try #require(Self.queries(bed).last)
            #expect(last["max_count"] as? Int == 18, "50 records a day − 32 spent")
        }
    }

    @Test("the client secret and the access token never appear in a URL or a log line", arguments: TestEngines.all)
    func secretsStayOut(engine: DatabaseEngine) async throws {
        let capture = LogCapture()
        try await SourceTestbed.run(engine, logger: capture.logger(level: .trace)) { bed in
            bed.world.put(bed.tiktokUser("mayachen", videos: 5))
            let source = bed.tiktok()
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            bed.world.revokeTikTokTokens()
            _ = try await source.refreshAccount(platform: .tiktok, username: "mayachen", limits: PostLimits())
            _ = try? await bed.tiktok(secret: "wrong-secret-123").refreshAccount(
                platform: .tiktok, username: "mayachen", limits: PostLimits())
            let secret = bed.credentials.tiktokClientSecret
            let tokens = bed.requests(.tiktok).compactMap {
                $0.authorization?.replacingOccurrences(of: "Bearer ", with: "")
            }
            #expect(!tokens.isEmpty)
            for request in bed.requests(.tiktok) {
                #expect(!request.uri.contains(secret) && !request.uri.contains("wrong-secret-123"))
                for token in tokens { #expect(!request.uri.contains(token)) }
            }
            #expect(capture.count > 5)
            for text in [secret, "wrong-secret-123"] + tokens { #expect(!capture.text.contains(text)) }
        }
    }

    static func dayNumber(_ yyyymmdd: String) -> Int? {
        guard yyyymmdd.count == 8, let year = Int(yyyymmdd.prefix(4)), let month = Int(yyyymmdd.dropFirst(4).prefix(2)),
            let day = Int(yyyymmdd.suffix(2))
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        return Int(timegm(&parts) / 86_400)
    }
}
