// The `tiktok` source: the TikTok Research API (docs/collection.md, "TikTok").
// - user info: `POST /v2/research/user/info/?fields=…` with `{"username"}`, one request per account;
// - posts: `POST /v2/research/video/query/?fields=…` with `username IN [several accounts]`, `start_date` and
//   `end_date` (YYYYMMDD, at most 30 days apart: longer look-backs take several windows, newest first),
//   `max_count` ≤ 100, and `cursor` + `search_id` while `has_more`. Several accounts share each query, so a
//   batch of ten accounts costs eleven requests instead of twenty of the 1,000 a day;
// - an individual video: the same query with `video_id EQ`, over the days around the creation time its id
//   carries (a TikTok id's upper 32 bits are its creation time in Unix seconds).
// Every request goes through the governor, which counts it against the daily budget. TikTok reports plays as
// views and no saves.
import Foundation
import Logging
import NIOHTTP1

/// How to reach the Research API.
public struct TikTokSettings: Sendable {
    public var clientKey: String
    public var clientSecret: SourceSecret
    public var baseURL: String
    /// Accounts per video query (`username IN`), and the batch size a scheduler should claim.
    public var usernamesPerQuery: Int
    /// A token is renewed this long before it expires (at most a tenth of its lifetime).
    public var tokenRenewalMarginSeconds: Double
    public var governor: SourceGovernor.Policy

    public static let defaultBaseURL = "https://open.tiktokapis.com"

    public init(
        clientKey: String, clientSecret: SourceSecret, baseURL: String = defaultBaseURL, usernamesPerQuery: Int = 10,
        tokenRenewalMarginSeconds: Double = 300,
        governor: SourceGovernor.Policy = SourceGovernor.Policy(maxConcurrentRequests: 4, dailyBudget: .tiktokResearch)
    ) {
        self.clientKey = clientKey
        self.clientSecret = clientSecret
        self.baseURL = baseURL
        self.usernamesPerQuery = usernamesPerQuery
        self.tokenRenewalMarginSeconds = tokenRenewalMarginSeconds
        self.governor = governor
    }

    func endpoint(_ path: String) -> String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + path
    }
}

public struct TikTokSource: PlatformSource {
    public let name = "tiktok"
    public let settings: TikTokSettings
    public let governor: SourceGovernor
    let http: PlatformHTTPClient
    let tokens: TikTokTokenCache
    let logger: Logger

    static let userFields =
        "display_name,bio_description,avatar_url,is_verified,follower_count,following_count,likes_count,video_count"
    static let videoFields =
        "id,username,create_time,video_description,view_count,like_count,comment_count,share_count,video_duration"
    /// The Research API's limits on one query.
    static let maxWindowDays = 30
    static let maxCount = 100
    /// Pages of one query followed at most (10,000 videos): a bound, not an expected case.
    static let maxPages = 100

    public init(
        settings: TikTokSettings, http: PlatformHTTPClient, database: Database,
        clock: any CollectorClock = SystemCollectorClock(), logger: Logger
    ) {
        self.settings = settings
        self.http = http
        self.logger = logger
        let governor = SourceGovernor(
            source: "tiktok", policy: settings.governor, database: database, clock: clock,
            logger: logger)
        self.governor = governor
        self.tokens = TikTokTokenCache(settings: settings, http: http, governor: governor, logger: logger)
    }

    public var accountBatchSize: Int { max(1, settings.usernamesPerQuery) }

    public func availability() -> SourceAvailability { governor.availability() }

    /// Access tokens fetched by this process (for tests and status).
    public var tokenFetches: Int { tokens.fetchCount }

    // MARK: Accounts

    public func refreshAccount(platform: Platform, username: String, limits: PostLimits) async throws -> AccountRefresh
    {
        let outcome = try await refreshAccounts(
            platform: platform, [AccountRequest(username: username, limits: limits)])
        return try outcome[0].result.get()
    }

    public func refreshAccounts(platform: Platform, _ requests: [AccountRequest]) async throws -> [AccountOutcome] {
        guard platform == .tiktok else {
            return requests.map {
                AccountOutcome(
                    username: $0.username, result: .failure(.unavailable("the tiktok source serves TikTok only")))
            }
        }
        // More accounts than one query should name: one batch after the other.
        if requests.count > accountBatchSize {
            var outcomes: [AccountOutcome] = []
            var start = 0
            while start < requests.count {
                let end = min(requests.count, start + accountBatchSize)
                outcomes += try await refreshAccounts(platform: platform, Array(requests[start..<end]))
                start = end
            }
            return outcomes
        }
        let observedAt = governor.clock.timestamp
        var profiles: [Result<AccountProfile, PlatformSourceError>] = requests.map { request in
            Self.isValid(request.username)
                ? .failure(.upstream("not asked")) : .failure(.unavailable("not a valid TikTok username"))
        }
        // One user info request per account, concurrently (the governor bounds how many are in flight).
        try await withThrowingTaskGroup(of: (Int, Result<AccountProfile, PlatformSourceError>).self) { group in
            for (index, request) in requests.enumerated() where Self.isValid(request.username) {
                group.addTask {
                    do {
                        return (index, .success(try await userInfo(request.username)))
                    } catch let error as PlatformSourceError where !error.isPlatformWide {
                        return (index, .failure(error))
                    }
                }
            }
            for try await (index, result) in group { profiles[index] = result }
        }
        let found = requests.indices.filter { if case .success = profiles[$0] { return true } else { return false } }
        var posts: [String: [PlatformPost]] = [:]
        var postsError: PlatformSourceError?
        do {
            posts = try await recentPosts(found.map { requests[$0] }, now: observedAt)
        } catch let error as PlatformSourceError where !error.isPlatformWide {
            postsError = error
        }
        return requests.enumerated().map { index, request in
            switch profiles[index] {
            case .failure(let error): return AccountOutcome(username: request.username, result: .failure(error))
            case .success(let profile):
                if let postsError { return AccountOutcome(username: request.username, result: .failure(postsError)) }
                let refresh = AccountRefresh(
                    observedAt: observedAt, profile: profile,
                    posts: posts[request.username.lowercased()] ?? [])
                return AccountOutcome(username: request.username, result: .success(refresh))
            }
        }
    }

    // MARK: Videos

    public func refreshVideo(
        platform: Platform, externalID: String, ownerUsername: String?
    ) async throws -> VideoRefresh {
        guard platform == .tiktok else { throw PlatformSourceError.unavailable("the tiktok source serves TikTok only") }
        guard let id = UInt64(externalID) else { throw PlatformSourceError.unavailable("not a TikTok video id") }
        let observedAt = governor.clock.timestamp
        let created = Int64(id >> 32)
        guard created >= 1_400_000_000, created <= observedAt.seconds + 86_400 else {
            throw PlatformSourceError.unavailable(
                "the video id carries no creation date the Research API can search by")
        }
        let day = Int(created / 86_400)
        let today = Int(observedAt.seconds / 86_400)
        let videos = try await queryVideos(
            condition: .init(operation: "EQ", fieldName: "video_id", fieldValues: [externalID]),
            startDay: min(day - 1, today), endDay: min(day + 1, today))
        guard let match = videos.first(where: { $0.id.value == externalID }) else {
            throw PlatformSourceError.unavailable(
                "the Research API does not return this video (deleted, private or not public)")
        }
        return VideoRefresh(observedAt: observedAt, post: match.post(username: ownerUsername))
    }

    // MARK: Requests

    static func isValid(_ username: String) -> Bool {
        (1...100).contains(username.count)
            && username.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || $0 == 46 || $0 == 95
            }
    }

    private func userInfo(_ username: String) async throws -> AccountProfile {
        let body = try JSONEncoder().encode(["username": username])
        let answer = try await call(
            "/v2/research/user/info/?fields=\(Self.userFields)", TikTokUserAnswer.self, about: .user,
            records: { _ in 1 }
        ) { _ in Array(body) }
        return answer.profile(username: username)
    }

    /// The posts of `requests` (found accounts) within each one's look-back, newest first, at most its cap;
    /// keyed by lowercased username.
    private func recentPosts(_ requests: [AccountRequest], now: Timestamp) async throws -> [String: [PlatformPost]] {
        var limits: [String: PostLimits] = [:]
        for request in requests where request.limits.maxPosts > 0 {
            limits[request.username.lowercased()] = request.limits
        }
        guard !limits.isEmpty else { return [:] }
        func oldest(_ limit: PostLimits) -> Timestamp {
            now.adding(seconds: -Int64(max(0, limit.lookbackDays)) * 86_400)
        }
        let today = Int(now.seconds / 86_400)
        let longestLookback = limits.values.map(\.lookbackDays).max() ?? 0
        let firstDay = Int(now.adding(seconds: -Int64(max(0, longestLookback)) * 86_400).seconds / 86_400)
        var collected: [String: [PlatformPost]] = [:]
        var pending = Set(limits.keys)
        var endDay = today
        // Windows of at most 30 days, newest first; an account leaves the query once it has its cap of posts
        // or its own look-back is covered.
        while endDay >= firstDay, !pending.isEmpty {
            let startDay = max(firstDay, endDay - Self.maxWindowDays)
            let videos = try await queryVideos(
                condition: .init(operation: "IN", fieldName: "username", fieldValues: pending.sorted()),
                startDay: startDay, endDay: endDay)
            for video in videos {
                guard let owner = video.username?.lowercased(), let limit = limits[owner] else { continue }
                let post = video.post(username: owner)
                if let created = post.createTime, created < oldest(limit) { continue }
                collected[owner, default: []].append(post)
            }
            for owner in pending {
                guard let limit = limits[owner] else { continue }
                let ownFirstDay = Int(oldest(limit).seconds / 86_400)
                if (collected[owner]?.count ?? 0) >= limit.maxPosts || startDay <= ownFirstDay { pending.remove(owner) }
            }
            endDay = startDay - 1
        }
        return collected.reduce(into: [:]) { result, entry in
            let limit = limits[entry.key] ?? PostLimits()
            var seen: Set<String> = []
            let unique = entry.value.filter { seen.insert($0.externalID).inserted }
            result[entry.key] = Array(
                unique.sorted { ($0.createTime ?? now) > ($1.createTime ?? now) }.prefix(limit.maxPosts))
        }
    }

    /// Every video matching `condition` created in `startDay...endDay` (UTC day numbers), following the pages.
    private func queryVideos(
        condition: TikTokVideoQuery.Condition, startDay: Int, endDay: Int
    ) async throws
        -> [TikTokVideoAnswer]
    {
        var videos: [TikTokVideoAnswer] = []
        var cursor: Int64?
        var searchID: String?
        for _ in 0..<Self.maxPages {
            let page = try await call(
                "/v2/research/video/query/?fields=\(Self.videoFields)", TikTokVideoPage.self, about: .videos,
                records: { $0.videos?.count ?? 0 }
            ) { grant in
                let query = TikTokVideoQuery(
                    query: .init(and: [condition]), startDate: Self.date(startDay), endDate: Self.date(endDay),
                    maxCount: max(1, min(Self.maxCount, grant.recordsLeft ?? Self.maxCount)), cursor: cursor,
                    searchID: searchID)
                return Array(try JSONEncoder().encode(query))
            }
            videos += page.videos ?? []
            guard page.hasMore == true, let next = page.cursor?.value, next != cursor else { break }
            cursor = next
            searchID = page.searchID?.value ?? searchID
        }
        return videos
    }

    /// `YYYYMMDD` of a UTC day number.
    static func date(_ day: Int) -> String {
        Timestamp(seconds: Int64(day) * 86_400).day.replacingOccurrences(of: "-", with: "")
    }

    enum Subject {
        case user, videos
    }

    /// The API rejected the token once: fetch a new one and try again.
    private struct RejectedToken: Error {}

    /// One metered Research API request with the current token, renewed once on `access_token_invalid`.
    private func call<T: Decodable & Sendable>(
        _ path: String, _ type: T.Type, about subject: Subject, records: (T) -> Int,
        body: (RequestGrant) throws -> [UInt8]
    ) async throws -> T {
        var renewed = false
        while true {
            let token = try await tokens.current()
            do {
                return try await governor.perform(metered: true) { grant in
                    let response = try await http.send(
                        .POST, settings.endpoint(path),
                        headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                        body: try body(grant), label: name, logger: logger)
                    let answer = try interpret(response, T.self, about: subject, tokenRenewed: renewed)
                    await governor.addRecords(records(answer), grant: grant)
                    return answer
                }
            } catch is RejectedToken {
                tokens.invalidate(token)
                renewed = true
            }
        }
    }

    /// The payload of a successful answer, or the `PlatformSourceError` an error answer means.
    func interpret<T: Decodable>(
        _ response: PlatformHTTPResponse, _ type: T.Type, about subject: Subject,
        tokenRenewed: Bool
    ) throws -> T {
        let bytes = Array(response.body.readableBytesView)
        let envelope = PlatformJSON.decode(TikTokEnvelope<T>.self, from: bytes)
        let error = envelope?.error ?? PlatformJSON.decode(TikTokErrorOnly.self, from: bytes)?.error
        let code = error?.code ?? ""
        if response.status == 200, code == "ok" || code.isEmpty {
            guard let data = envelope?.data else {
                throw PlatformSourceError.upstream("TikTok sent an unreadable answer (malformed or truncated JSON)")
            }
            return data
        }
        let message = PlatformJSON.sanitize(error?.message ?? "", removing: [settings.clientSecret.value])
        let retryAfter = response.retryAfter(now: governor.clock.now()).map { Int($0.rounded(.up)) }
        switch code {
        case "access_token_invalid":
            if !tokenRenewed { throw RejectedToken() }
            throw PlatformSourceError.sourceFailing(
                "TikTok rejected a freshly issued access token (access_token_invalid)")
        case "scope_not_authorized", "scope_permission_missed":
            throw PlatformSourceError.sourceFailing("TikTok has not authorized the app for the Research API (\(code))")
        case "rate_limit_exceeded":
            throw PlatformSourceError.rateLimited(retryAfter: retryAfter, reason: "TikTok answered rate_limit_exceeded")
        case "invalid_params" where subject == .user:
            if message.lowercased().contains("private") { throw PlatformSourceError.private }
            throw PlatformSourceError.unavailable(
                "TikTok's Research API does not answer for this username" + (message.isEmpty ? "" : " (\(message))"))
        case "invalid_params":
            throw PlatformSourceError.upstream("TikTok refused the video query (invalid_params: \(message))")
        case "internal_error":
            throw PlatformSourceError.upstream("TikTok had an internal error")
        default:
            switch response.status {
            case 401:
                if !tokenRenewed { throw RejectedToken() }
                throw PlatformSourceError.sourceFailing("TikTok refused the access token (HTTP 401)")
            case 429:
                throw PlatformSourceError.rateLimited(
                    retryAfter: retryAfter, reason: "TikTok answered 429 Too Many Requests")
            case 200:
                throw PlatformSourceError.upstream("TikTok answered error \(code)")
            default:
                throw PlatformSourceError.upstream(
                    "TikTok answered HTTP \(response.status)" + (code.isEmpty ? "" : " (\(code))"))
            }
        }
    }
}
