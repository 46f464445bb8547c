// The `instagram` source against the Graph API double: business discovery, paging, what stays unknown, the
// error codes, and the governor's pauses — over a real database (budgets and status live there).
import Foundation
import PlatformDoubles
import Testing

@testable import CreatorAudit

@Suite("Instagram source")
struct InstagramSourceTests {
    @Test(
        "an account refresh reads the profile and pages through the media list to the post cap",
        arguments: TestEngines.all)
    func pagingToCap(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 120, every: 12 * 3_600))
            let source = bed.instagram(pageSize: 50)
            let refresh = try await source.refreshAccount(
                platform: .instagram, username: "maya.chen",
                limits: PostLimits(maxPosts: 70, lookbackDays: 90))
            #expect(refresh.observedAt == bed.clock.timestamp)
            #expect(refresh.profile.followerCount == 12_345)
            #expect(refresh.profile.followingCount == 321)
            #expect(refresh.profile.profilePostCount == 160)
            #expect(refresh.profile.name == "Name of maya.chen")
            #expect(refresh.profile.description == "Bio of maya.chen")
            #expect(refresh.profile.linkInBio == "https://example.com/maya.chen")
            #expect(refresh.posts.count == 70)
            #expect(refresh.posts.map(\.externalID) == (0..<70).map { String(17_950_000_000_000_000 + UInt64($0)) })
            let times = refresh.posts.compactMap(\.createTime)
            #expect(times.count == 70 && times == times.sorted(by: >), "newest first")
            let first = try #require(refresh.posts.first)
            #expect(first.counters.likes == 100 && first.counters.comments == 10)
            #expect(first.shortcode != nil && first.url.hasSuffix("/\(first.shortcode ?? "")/"))
            #expect(first.mediaType == "VIDEO" && first.coverImageURL == "https://cdn.example/0.jpg")
            // Two requests: 50 posts with the profile, then 20 through the cursor of the first page.
            let requests = bed.requests(.instagram)
            #expect(requests.count == 2)
            let second = try #require(requests.last?.uri.removingPercentEncoding)
            #expect(second.contains("business_discovery.username(maya.chen){media.after("))
            #expect(second.contains(".limit(20){id,caption,comments_count,like_count"))
            #expect(!second.contains("followers_count"), "later pages ask for media only")
        }
    }

    @Test("the look-back ends the walk: no older post, no further page", arguments: TestEngines.all)
    func lookbackStops(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            // A post every 12 h: 20 within the last 10 days.
            bed.world.put(bed.instagramAccount("leo.trains", posts: 120, every: 12 * 3_600))
            let source = bed.instagram(pageSize: 10)
            let refresh = try await source.refreshAccount(
                platform: .instagram, username: "leo.trains",
                limits: PostLimits(maxPosts: 100, lookbackDays: 10))
            #expect(refresh.posts.count == 20)
            let oldest = bed.clock.timestamp.adding(seconds: -10 * 86_400)
            #expect(refresh.posts.allSatisfy { ($0.createTime ?? oldest) >= oldest })
            #expect(bed.requests(.instagram).count == 3, "two full pages, and the third's first post is too old")
        }
    }

    @Test(
        "counters business discovery does not report stay nil — views, plays, shares, saves, hidden likes",
        arguments: TestEngines.all)
    func missingCountersStayNil(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("quiet.likes", posts: 5, hidesLikeCounts: true))
            var plain = bed.instagramAccount("no.site", posts: 2)
            plain.website = nil
            bed.world.put(plain)
            let source = bed.instagram()
            let hidden = try await source.refreshAccount(
                platform: .instagram, username: "quiet.likes", limits: PostLimits())
            #expect(hidden.posts.count == 5)
            for post in hidden.posts {
                #expect(post.counters.likes == nil, "hidden like counts are unknown, not 0")
                #expect(post.counters.comments != nil)
                #expect(post.counters.views == nil && post.counters.plays == nil)
                #expect(post.counters.shares == nil && post.counters.saves == nil)
            }
            let other = try await source.refreshAccount(platform: .instagram, username: "no.site", limits: PostLimits())
            #expect(other.profile.linkInBio == nil)
            #expect(other.posts.allSatisfy { $0.counters.likes != nil && $0.counters.saves == nil })
        }
    }

    @Test(
        "a personal account or an unknown username is unavailable, and answers again as a business account",
        arguments: TestEngines.all)
    func unavailableAndBack(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            var account = bed.instagramAccount("went.personal", posts: 3)
            account.isBusiness = false
            bed.world.put(account)
            let source = bed.instagram()
            for username in ["went.personal", "nobody.here"] {
                let error = await PlatformSourceError.caught {
                    _ = try await source.refreshAccount(platform: .instagram, username: username, limits: PostLimits())
                }
                #expect(error?.isUnavailable == true && error?.isPlatformWide == false)
            }
            #expect(source.availability() == .ready, "one subject's answer does not pause the platform")
            bed.world.updateInstagram("went.personal") { $0.isBusiness = true }
            let refresh = try await source.refreshAccount(
                platform: .instagram, username: "went.personal", limits: PostLimits())
            #expect(refresh.posts.count == 3)
        }
    }

    @Test(
        "an expired token makes the source failing: no request per refresh, one probe later, recovery",
        arguments: TestEngines.all)
    func tokenExpiry(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 3))
            let source = bed.instagram()
            bed.world.expireInstagramToken()
            let first = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(first?.isSourceFailing == true && first?.isUnavailable == false)
            #expect(first?.reason.contains("190") == true)
            guard case .failing(_, let next) = source.availability() else {
                Issue.record("expected the source to be failing")
                return
            }
            #expect(next == bed.clock.timestamp.adding(seconds: 60))
            let sent = bed.requests(.instagram).count
            // Other subjects wait without a request.
            for username in ["a.b", "c.d", "e.f"] {
                let error = await PlatformSourceError.caught {
                    _ = try await source.refreshAccount(platform: .instagram, username: username, limits: PostLimits())
                }
                #expect(error?.isSourceFailing == true && error?.retryAfter == 60)
            }
            #expect(bed.requests(.instagram).count == sent)
            let recorded = try await SourceStatusRepository(database: bed.database).find(source: "instagram")
            #expect(recorded?.state == .failing)
            // After a minute, one probe: still expired → the next attempt waits twice as long.
            bed.clock.advance(61)
            let probe = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(probe?.isSourceFailing == true && probe?.retryAfter == 120)
            #expect(bed.requests(.instagram).count == sent + 1)
            // The operator fixes the token; the next probe works and the source is ready again.
            bed.world.restoreInstagramToken()
            bed.clock.advance(121)
            let refresh = try await source.refreshAccount(
                platform: .instagram, username: "maya.chen", limits: PostLimits())
            #expect(refresh.posts.count == 3)
            #expect(source.availability() == .ready)
            #expect(try await SourceStatusRepository(database: bed.database).find(source: "instagram")?.state == .ok)
        }
    }

    @Test(
        "a 429 with Retry-After pauses the platform, and nothing is sent until the pause ends",
        arguments: TestEngines.all)
    func retryAfterPause(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 3))
            bed.world.put(bed.instagramAccount("leo.trains", posts: 3))
            bed.world.inject(.rateLimited(retryAfter: 120), on: .instagram, times: 1)
            let source = bed.instagram()
            let error = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(error?.isRateLimited == true && error?.retryAfter == 120)
            let sent = bed.requests(.instagram).count
            bed.clock.advance(100)
            let during = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "leo.trains", limits: PostLimits())
            }
            #expect(during?.isRateLimited == true && during?.retryAfter == 20)
            #expect(bed.requests(.instagram).count == sent, "no request during the pause")
            guard case .paused(let until, _) = source.availability() else {
                Issue.record("expected a pause")
                return
            }
            #expect(until == bed.clock.timestamp.adding(seconds: 20))
            bed.clock.advance(21)
            _ = try await source.refreshAccount(platform: .instagram, username: "leo.trains", limits: PostLimits())
            #expect(bed.requests(.instagram).count == sent + 1)
        }
    }

    @Test(
        "usage headers near 100 % space requests out; at 100 % the platform pauses for the time it gives",
        arguments: TestEngines.all)
    func usageHeaders(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 2))
            let source = bed.instagram()
            // 90 %: (90 − 75) / 25 × 30 s = 18 s between requests.
            bed.world.setInstagramUsage(InstagramUsageDouble(appCallCount: 90, businessCallCount: 40))
            _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            #expect(source.governor.usagePercent == 90)
            let sent = bed.requests(.instagram).count
            let spaced = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(spaced?.isRateLimited == true && spaced?.retryAfter == 18)
            #expect(bed.requests(.instagram).count == sent)
            // A wait shorter than `maxWaitSeconds` is slept through instead.
            bed.clock.advance(15)
            bed.world.setInstagramUsage(
                InstagramUsageDouble(appCallCount: 20, businessCallCount: 100, regainAccessMinutes: 7))
            _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            #expect(bed.clock.slept == 3)
            let paused = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(paused?.isRateLimited == true && paused?.retryAfter == 420)
            #expect(bed.requests(.instagram).count == sent + 1)
        }
    }

    @Test(
        "a throttling error code pauses the platform for the estimated time to regain access",
        arguments: TestEngines.all)
    func throttlingCodes(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 2))
            let source = bed.instagram()
            for (index, code) in [4, 17, 32, 613, 80002].enumerated() {
                bed.world.setInstagramUsage(
                    InstagramUsageDouble(appCallCount: 50, businessCallCount: 50, regainAccessMinutes: index + 1))
                bed.world.inject(.instagramError(code: code, subcode: nil, status: 400), on: .instagram, times: 1)
                let error = await PlatformSourceError.caught {
                    _ = try await source.refreshAccount(
                        platform: .instagram, username: "maya.chen", limits: PostLimits())
                }
                #expect(error?.isRateLimited == true && error?.retryAfter == (index + 1) * 60, "code \(code)")
                bed.clock.advance(Double(index + 1) * 60 + 1)
                bed.world.setInstagramUsage(InstagramUsageDouble())
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            // Without an estimate: a minute, then two for a second stop in a row.
            bed.world.setInstagramUsage(InstagramUsageDouble(appCallCount: nil, businessCallCount: nil))
            bed.world.inject(.instagramError(code: 4, subcode: nil, status: 400), on: .instagram, times: 2)
            let first = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(first?.retryAfter == 60)
            bed.clock.advance(61)
            let second = await PlatformSourceError.caught {
                _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            }
            #expect(second?.retryAfter == 120)
        }
    }

    @Test(
        "truncated or malformed JSON, a 5xx and a slow answer are retryable, and do not pause the platform",
        arguments: TestEngines.all)
    func retryableAnswers(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine, timeout: 1) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 2))
            let source = bed.instagram()
            let faults: [Fault] = [
                .truncatedJSON, .malformedJSON, .serverError(status: 500), .serverError(status: 503),
                .slow(milliseconds: 2_500),
            ]
            for fault in faults {
                bed.world.inject(fault, on: .instagram, times: 1)
                let error = await PlatformSourceError.caught {
                    _ = try await source.refreshAccount(
                        platform: .instagram, username: "maya.chen", limits: PostLimits())
                }
                #expect(error?.isRetryable == true, "\(fault)")
                #expect(error?.isPlatformWide == false && error?.isUnavailable == false, "\(fault)")
                #expect(source.availability() == .ready)
            }
            let refresh = try await source.refreshAccount(
                platform: .instagram, username: "maya.chen", limits: PostLimits())
            #expect(refresh.posts.count == 2)
        }
    }

    @Test(
        "the token travels in the Authorization header only: never in a URL the platform received, nor in a log line",
        arguments: TestEngines.all)
    func tokenNeverInURLs(engine: DatabaseEngine) async throws {
        let capture = LogCapture()
        try await SourceTestbed.run(engine, logger: capture.logger(level: .trace)) { bed in
            bed.world.put(bed.instagramAccount("maya.chen", posts: 30))
            let source = bed.instagram(pageSize: 7)
            _ = try await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            _ = try? await source.refreshAccount(platform: .instagram, username: "nobody.here", limits: PostLimits())
            bed.world.inject(.rateLimited(retryAfter: 5), on: .instagram, times: 1)
            _ = try? await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            bed.clock.advance(6)
            bed.world.expireInstagramToken()
            _ = try? await source.refreshAccount(platform: .instagram, username: "maya.chen", limits: PostLimits())
            let token = bed.credentials.instagramAccessToken
            let requests = bed.requests(.instagram)
            #expect(requests.count >= 7)
            for request in requests {
                #expect(!request.uri.contains(token) && !(request.uri.removingPercentEncoding ?? "").contains(token))
                #expect(!request.uri.contains("access_token"))
                #expect(request.authorization == "Bearer \(token)")
            }
            #expect(capture.count > 5)
            #expect(!capture.text.contains(token))
            #expect(capture.text.contains("platform source failing"))
        }
    }

    @Test(
        "an individual video is found through its owner's media list; without an owner it is unavailable",
        arguments: TestEngines.all)
    func individualVideo(engine: DatabaseEngine) async throws {
        try await SourceTestbed.run(engine) { bed in
            let account = bed.instagramAccount("maya.chen", posts: 80)
            bed.world.put(account)
            let source = bed.instagram(pageSize: 25)
            let wanted = account.media[60]
            let byID = try await source.refreshVideo(
                platform: .instagram, externalID: wanted.id, ownerUsername: "maya.chen")
            #expect(byID.post.externalID == wanted.id)
            #expect(byID.post.counters.likes == wanted.likeCount && byID.post.counters.views == nil)
            #expect(bed.requests(.instagram).count == 3, "found on the third page of 25")
            let byShortcode = try await source.refreshVideo(
                platform: .instagram, externalID: wanted.shortcode, ownerUsername: "maya.chen")
            #expect(byShortcode.post.externalID == wanted.id)
            let sent = bed.requests(.instagram).count
            let noOwner = await PlatformSourceError.caught {
                _ = try await source.refreshVideo(platform: .instagram, externalID: wanted.id, ownerUsername: nil)
            }
            #expect(noOwner?.isUnavailable == true && noOwner?.reason.contains("owner") == true)
            #expect(bed.requests(.instagram).count == sent, "nothing to ask without an owner")
            let missing = await PlatformSourceError.caught {
                _ = try await source.refreshVideo(
                    platform: .instagram, externalID: "17999999999999999", ownerUsername: "maya.chen")
            }
            #expect(missing?.isUnavailable == true && missing?.reason.contains("80 most recent posts") == true)
        }
    }
}
