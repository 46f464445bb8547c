// The platform sources against the platform doubles (Sources/PlatformDoubles) on a loopback port, over a
// real test database (budgets and source status live there), with a manual clock shared by the sources and
// the doubles.
import AsyncHTTPClient
import Foundation
import Logging
import PlatformDoubles

@testable import CreatorAudit

struct SourceTestbed: Sendable {
    let world: DoubleWorld
    let baseURL: String
    let clock: ManualClock
    let database: Database
    let http: PlatformHTTPClient
    let logger: Logger

    var credentials: DoubleCredentials { world.credentials }

    /// A testbed for `body`; `timeout` is the platform request timeout in seconds.
    static func run<T: Sendable>(
        _ engine: DatabaseEngine, clock: ManualClock = ManualClock(), timeout: Int64 = 5,
        tiktokTokenLifetime: Int = 7_200, logger: Logger = TestDatabase.quietLogger,
        _ body: @Sendable (SourceTestbed) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with(engine) { testDatabase in
            let world = DoubleWorld(tiktokTokenLifetime: tiktokTokenLifetime, clock: { clock.now() })
            let database = testDatabase.database
            return try await PlatformDoublesServer(world: world).withRunning { baseURL in
                let http = PlatformHTTPClient(
                    settings: PlatformHTTPSettings(requestTimeoutSeconds: timeout, connectTimeoutSeconds: 2))
                let testbed = SourceTestbed(
                    world: world, baseURL: baseURL, clock: clock, database: database, http: http,
                    logger: logger)
                do {
                    let result = try await body(testbed)
                    await http.shutdown()
                    return result
                } catch {
                    await http.shutdown()
                    throw error
                }
            }
        }
    }

    func instagram(
        pageSize: Int = 50, policy: SourceGovernor.Policy = SourceGovernor.Policy(), token: String? = nil
    )
        -> InstagramSource
    {
        InstagramSource(
            settings: InstagramSettings(
                accessToken: SourceSecret(token ?? credentials.instagramAccessToken),
                userID: credentials.instagramUserID,
                baseURL: baseURL, pageSize: pageSize, governor: policy),
            http: http, database: database, clock: clock, logger: logger)
    }

    func tiktok(
        policy: SourceGovernor.Policy = SourceGovernor.Policy(maxConcurrentRequests: 4, dailyBudget: .tiktokResearch),
        secret: String? = nil, usernamesPerQuery: Int = 10
    ) -> TikTokSource {
        TikTokSource(
            settings: TikTokSettings(
                clientKey: credentials.tiktokClientKey,
                clientSecret: SourceSecret(secret ?? credentials.tiktokClientSecret),
                baseURL: baseURL, usernamesPerQuery: usernamesPerQuery, governor: policy),
            http: http, database: database, clock: clock, logger: logger)
    }

    /// Requests the doubles received for `platform` (the TikTok token endpoint included).
    func requests(_ platform: DoublePlatform) -> [ReceivedRequest] { world.requests.filter { $0.platform == platform } }

    // MARK: Fixtures

    /// A business account with `posts` posts, one every `every` seconds, the newest `newestAge` seconds old.
    func instagramAccount(
        _ username: String, posts: Int, every: Double = 43_200, newestAge: Double = 3_600, hidesLikeCounts: Bool = false
    ) -> InstagramAccountDouble {
        let now = clock.now()
        let media = (0..<posts).map { index -> InstagramMediaDouble in
            let video = index % 2 == 0
            let time = (now - newestAge - Double(index) * every).rounded(.down)
            return InstagramMediaDouble(
                id: String(17_950_000_000_000_000 + UInt64(index)), caption: "\(username) post \(index)",
                commentsCount: Int64(10 + index), likeCount: Int64(100 + index), mediaType: video ? "VIDEO" : "IMAGE",
                mediaProductType: video ? "REELS" : "FEED", timestamp: time,
                thumbnailURL: video ? "https://cdn.example/\(index).jpg" : nil)
        }
        return InstagramAccountDouble(
            username: username, name: "Name of \(username)", biography: "Bio of \(username)",
            profilePictureURL: "https://cdn.example/\(username).jpg", website: "https://example.com/\(username)",
            followersCount: 12_345, followsCount: 321, mediaCount: Int64(posts + 40), hidesLikeCounts: hidesLikeCounts,
            media: media)
    }

    /// A public TikTok account with `videos` videos, one every `every` seconds, the newest `newestAge` seconds old.
    func tiktokUser(
        _ username: String, videos: Int, every: Double = 43_200, newestAge: Double = 3_600
    ) -> TikTokUserDouble {
        let now = clock.now()
        let list = (0..<videos).map { index -> TikTokVideoDouble in
            let time = Int64((now - newestAge - Double(index) * every).rounded(.down))
            return TikTokVideoDouble(
                createTime: time, videoDescription: "\(username) video \(index)", viewCount: Int64(10_000 + index),
                likeCount: Int64(900 + index), commentCount: Int64(30 + index), shareCount: Int64(12 + index),
                videoDuration: 20 + index % 40)
        }
        return TikTokUserDouble(
            username: username, displayName: "Name of \(username)", bioDescription: "Bio of \(username)",
            avatarURL: "https://cdn.example/\(username).jpg", isVerified: true, followerCount: 54_321,
            followingCount: 99,
            likesCount: 1_000_000, videoCount: Int64(videos + 7), videos: list)
    }
}

extension PlatformSourceError {
    /// For `#expect(throws:)` closures that want the error itself.
    static func caught(_ body: () async throws -> Void) async -> PlatformSourceError? {
        do {
            try await body()
            return nil
        } catch let error as PlatformSourceError {
            return error
        } catch {
            return nil
        }
    }
}
