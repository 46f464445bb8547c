// The sandbox source: deterministic, realistic, and answering through the same interface as a real platform.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Sandbox source")
struct SandboxSourceTests {
    // 2026-03-01T12:00:00Z: a fixed "now" so every run asks the same question.
    let now = Timestamp(seconds: 1_772_366_400)
    var today: Int { UTCDay.of(now) }

    @Test("the same platform, username and instant always give the same data; another username gives other data")
    func determinism() async throws {
        let a = SandboxSource(clock: { Timestamp(seconds: 1_772_366_400) })
        let b = SandboxSource(clock: { Timestamp(seconds: 1_772_366_400) })
        for platform in Platform.allCases {
            #expect(a.profile(platform: platform, username: "maya.chen", at: now) == b.profile(platform: platform, username: "maya.chen", at: now))
            #expect(a.history(platform: platform, username: "maya.chen", days: (today - 400)...today)
                == b.history(platform: platform, username: "maya.chen", days: (today - 400)...today))
            let refreshA = try await a.refreshAccount(platform: platform, username: "maya.chen", limits: PostLimits())
            let refreshB = try await b.refreshAccount(platform: platform, username: "maya.chen", limits: PostLimits())
            #expect(refreshA == refreshB)
            #expect(!refreshA.posts.isEmpty)
            let other = a.profile(platform: platform, username: "leo.martins", at: now)
            #expect(other.followerCount != refreshA.profile.followerCount)
        }
    }

    @Test("every counter of accounts and their videos is non-decreasing over time")
    func monotonic() throws {
        let source = SandboxSource()
        for platform in Platform.allCases {
            for username in ["maya.chen", "northwind.studio", "quick.recipes"] {
                let history = source.history(platform: platform, username: username, days: (today - 400)...today)
                #expect(history.count == 401)
                for (previous, next) in zip(history, history.dropFirst()) {
                    #expect(previous.followerCount <= next.followerCount)
                    #expect(previous.followingCount <= next.followingCount)
                    #expect(previous.profilePostCount <= next.profilePostCount)
                    #expect(previous.observedAt.seconds + 86_400 == next.observedAt.seconds)
                }
                #expect(history.last!.followerCount > history.first!.followerCount)
                let posts = source.posts(
                    platform: platform, username: username, publishedFrom: Timestamp(seconds: Int64(today - 120) * 86_400),
                    through: now)
                #expect(posts.count >= 15, "a post every few days")
                for post in posts.prefix(10) {
                    // Hourly for the first three days, then daily for 100 days.
                    let created = try #require(post.createTime)
                    var times = (0...72).map { created.adding(seconds: Int64($0) * 3_600) }
                    times += (4...100).map { created.adding(seconds: Int64($0) * 86_400) }
                    let series = times.map { source.counters(platform: platform, externalID: post.externalID, at: $0) }
                    for (previous, next) in zip(series, series.dropFirst()) {
                        for path in [\Counters.views, \.plays, \.likes, \.comments, \.shares, \.saves] {
                            #expect((previous[keyPath: path] ?? 0) <= (next[keyPath: path] ?? 0))
                        }
                    }
                }
            }
        }
    }

    @Test("TikTok: plays equal views and saves are unknown; Instagram reports saves")
    func platformCounters() throws {
        let source = SandboxSource()
        let tiktok = source.posts(platform: .tiktok, username: "mayachen", publishedFrom: Timestamp(seconds: 0), through: now)
        #expect(!tiktok.isEmpty)
        for post in tiktok {
            #expect(post.counters.plays == post.counters.views)
            #expect(post.counters.saves == nil)
            #expect(post.mediaType == "video")
        }
        let instagram = source.posts(platform: .instagram, username: "maya.chen", publishedFrom: Timestamp(seconds: 0), through: now)
        #expect(!instagram.isEmpty)
        for post in instagram {
            #expect(post.counters.saves != nil)
            #expect((post.counters.likes ?? 0) < (post.counters.views ?? 0))
            #expect((post.counters.comments ?? 0) <= (post.counters.likes ?? 0))
            if post.mediaType == "VIDEO" { #expect(post.counters.plays != nil) } else { #expect(post.counters.plays == nil) }
            #expect(post.shortcode != nil && post.url.hasPrefix("https://www.instagram.com/p/"))
        }
    }

    @Test("views come fast in the first days, then a long tail")
    func decay() throws {
        let source = SandboxSource()
        let posts = source.posts(platform: .tiktok, username: "quick.recipes", publishedFrom: Timestamp(seconds: 0), through: now)
        for post in posts.prefix(20) {
            let created = try #require(post.createTime)
            func views(_ days: Int64) -> Double {
                Double(source.counters(platform: .tiktok, externalID: post.externalID, at: created.adding(seconds: days * 86_400)).views ?? 0)
            }
            #expect(views(0) == 0)
            #expect(views(3) >= 0.3 * views(180))
            #expect(views(180) > views(30))
        }
    }

    @Test("refreshing a video by id agrees with what the account refresh said about it")
    func videoRefreshAgrees() async throws {
        let source = SandboxSource(clock: { Timestamp(seconds: 1_772_366_400) })
        for platform in Platform.allCases {
            let account = try await source.refreshAccount(platform: platform, username: "leo.martins", limits: PostLimits(maxPosts: 5, lookbackDays: 60))
            #expect((1...5).contains(account.posts.count))
            #expect(account.posts.allSatisfy { ($0.createTime ?? now) >= now.adding(seconds: -60 * 86_400) })
            for post in account.posts {
                let video = try await source.refreshVideo(platform: platform, externalID: post.externalID)
                #expect(video.post.counters == post.counters)
                #expect(video.post.createTime == post.createTime)
                #expect(video.post.caption == post.caption)
                if let shortcode = post.shortcode {
                    let byShortcode = try await source.refreshVideo(platform: platform, externalID: shortcode)
                    #expect(byShortcode.post.counters == post.counters)
                }
            }
        }
    }

    @Test("gone_, private_ and ratelimited_ usernames answer with the matching errors")
    func simulatedFailures() async throws {
        let source = SandboxSource()
        await #expect(throws: PlatformSourceError.gone) {
            try await source.refreshAccount(platform: .instagram, username: "gone_someone", limits: PostLimits())
        }
        await #expect(throws: PlatformSourceError.private) {
            try await source.refreshAccount(platform: .tiktok, username: "private_someone", limits: PostLimits())
        }
        do {
            _ = try await source.refreshAccount(platform: .tiktok, username: "ratelimited_someone", limits: PostLimits())
            Issue.record("expected a rate-limit error")
        } catch let error as PlatformSourceError {
            #expect(error.isRateLimited && error.retryAfter == 60 && !error.isUnavailable)
        }
    }

    @Test("videos the sandbox did not make still get stable, plausible counters")
    func foreignIDs() {
        let source = SandboxSource()
        let a = source.counters(platform: .instagram, externalID: "CxYz12345ab", at: now)
        #expect(a == source.counters(platform: .instagram, externalID: "CxYz12345ab", at: now))
        #expect((a.views ?? 0) > 0)
        #expect(SandboxRandom.seed("a") == SandboxRandom.seed("a") && SandboxRandom.seed("a") != SandboxRandom.seed("b"))
    }
}
