// The doubles' state, scripted by a test in-process (or over the control endpoint): accounts, credentials,
// usage figures, faults per username, and a log of every request received, so a test can check what was
// sent — and that no credential ever travelled in a URL.
import Foundation
import NIOConcurrencyHelpers

public enum DoublePlatform: String, Sendable, Codable {
    case instagram, tiktok
}

/// What a request meets instead of (or before) its normal answer.
public enum Fault: Sendable, Equatable {
    /// HTTP 429 with the platform's rate-limit error body, and `Retry-After` when given.
    case rateLimited(retryAfter: Int?)
    /// A Graph API error body `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`.
    case instagramError(code: Int, subcode: Int?, status: Int)
    /// A Research API error body `{"error": {"code", "message", "log_id"}}`.
    case tiktokError(code: String, status: Int)
    /// A 5xx with the platform's error body.
    case serverError(status: Int)
    /// The normal answer, after this delay.
    case slow(milliseconds: Int)
    /// A 200 whose JSON stops halfway.
    case truncatedJSON
    /// A 200 whose body is not JSON at all.
    case malformedJSON
}

/// Which requests a fault applies to.
public enum FaultTarget: Sendable, Hashable {
    /// Every request of the platform (the TikTok token endpoint included).
    case everything
    /// Requests about this username (a TikTok video query: when it names it).
    case username(String)
    /// TikTok's `POST /v2/oauth/token/`.
    case tokenEndpoint
    /// TikTok's `POST /v2/research/video/query/`, whichever accounts it names.
    case videoQuery
}

/// Where a request arrived (for matching faults).
enum FaultSite {
    case instagram, tiktokToken, tiktokUserInfo, tiktokVideoQuery
}

/// A request as the double received it.
public struct ReceivedRequest: Sendable {
    public let platform: DoublePlatform
    public let method: String
    /// Path and query string exactly as received.
    public let uri: String
    public let authorization: String?
    public let body: String
    public let time: Double
}

/// Instagram's usage headers as the double sends them (percent of the limits; nil = header left out).
public struct InstagramUsageDouble: Sendable, Equatable {
    public var appCallCount: Int?
    public var businessCallCount: Int?
    public var regainAccessMinutes: Int

    public init(appCallCount: Int? = 1, businessCallCount: Int? = 1, regainAccessMinutes: Int = 0) {
        self.appCallCount = appCallCount
        self.businessCallCount = businessCallCount
        self.regainAccessMinutes = regainAccessMinutes
    }
}

/// Credentials the doubles accept. Fixed strings, not secrets: the doubles are a local stand-in.
public struct DoubleCredentials: Sendable, Equatable {
    public var instagramAccessToken: String
    public var instagramUserID: String
    public var tiktokClientKey: String
    public var tiktokClientSecret: String

    public init(
        instagramAccessToken: String = "doubles-instagram-token", instagramUserID: String = "17841400000000001",
        tiktokClientKey: String = "doublesclientkey", tiktokClientSecret: String = "doubles-client-secret"
    ) {
        self.instagramAccessToken = instagramAccessToken
        self.instagramUserID = instagramUserID
        self.tiktokClientKey = tiktokClientKey
        self.tiktokClientSecret = tiktokClientSecret
    }
}

public final class DoubleWorld: Sendable {
    struct FaultRule {
        let platform: DoublePlatform
        let target: FaultTarget
        let fault: Fault
        var remaining: Int?
    }

    struct State {
        var instagram: [String: InstagramAccountDouble] = [:]
        var tiktok: [String: TikTokUserDouble] = [:]
        var faults: [FaultRule] = []
        var requests: [ReceivedRequest] = []
        var requestCounts: [DoublePlatform: Int] = [:]
        var instagramTokenValid = true
        var instagramUsage = InstagramUsageDouble()
        var tiktokTokens: [String: Double] = [:]
        var tiktokTokenRequests = 0
        var tiktokScopeAuthorized = true
        var tiktokRequestsByDay: [Int: Int] = [:]
        var searchIDs: Set<String> = []
        var logRequests = true
    }

    public let credentials: DoubleCredentials
    /// Seconds a TikTok access token lives (`expires_in`).
    public let tiktokTokenLifetime: Int
    /// TikTok research requests a day before the double answers 429 (nil: no limit).
    public let tiktokDailyRequestLimit: Int?
    let population: GeneratedPopulation
    let clock: @Sendable () -> Double
    let state = NIOLockedValueBox(State())

    public init(
        credentials: DoubleCredentials = DoubleCredentials(), generatedAccounts: Int = 0, postsPerAccount: Int = 30,
        tiktokTokenLifetime: Int = 7_200, tiktokDailyRequestLimit: Int? = nil,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.credentials = credentials
        self.tiktokTokenLifetime = tiktokTokenLifetime
        self.tiktokDailyRequestLimit = tiktokDailyRequestLimit
        self.clock = clock
        self.population = GeneratedPopulation(accounts: generatedAccounts, posts: postsPerAccount, anchor: clock())
    }

    public var now: Double { clock() }

    // MARK: Accounts

    public func put(_ account: InstagramAccountDouble) {
        state.withLockedValue { $0.instagram[account.username.lowercased()] = account }
    }

    public func put(_ user: TikTokUserDouble) {
        state.withLockedValue { $0.tiktok[user.username.lowercased()] = user }
    }

    /// Changes a scripted account in place (it must have been put first).
    public func updateInstagram(_ username: String, _ change: (inout InstagramAccountDouble) -> Void) {
        state.withLockedValue { state in
            guard var account = state.instagram[username.lowercased()] else { return }
            change(&account)
            state.instagram[username.lowercased()] = account
        }
    }

    public func updateTikTok(_ username: String, _ change: (inout TikTokUserDouble) -> Void) {
        state.withLockedValue { state in
            guard var user = state.tiktok[username.lowercased()] else { return }
            change(&user)
            state.tiktok[username.lowercased()] = user
        }
    }

    public func removeInstagram(_ username: String) {
        state.withLockedValue { _ = $0.instagram.removeValue(forKey: username.lowercased()) }
    }
    public func removeTikTok(_ username: String) {
        state.withLockedValue { _ = $0.tiktok.removeValue(forKey: username.lowercased()) }
    }

    func instagramAccount(_ username: String) -> InstagramAccountDouble? {
        let key = username.lowercased()
        return state.withLockedValue { $0.instagram[key] } ?? population.instagram(key, now: clock())
    }

    func tiktokUser(_ username: String) -> TikTokUserDouble? {
        let key = username.lowercased()
        return state.withLockedValue { $0.tiktok[key] } ?? population.tiktok(key, now: clock())
    }

    func tiktokUsers(_ usernames: [String]) -> [TikTokUserDouble] { usernames.compactMap(tiktokUser) }

    /// Every scripted TikTok user (a `video_id` query searches them all).
    func allScriptedTikTokUsers() -> [TikTokUserDouble] { state.withLockedValue { Array($0.tiktok.values) } }

    // MARK: Credentials and usage

    /// Instagram answers code 190 (token expired) until `restoreInstagramToken`.
    public func expireInstagramToken() { state.withLockedValue { $0.instagramTokenValid = false } }
    public func restoreInstagramToken() { state.withLockedValue { $0.instagramTokenValid = true } }
    var instagramTokenValid: Bool { state.withLockedValue { $0.instagramTokenValid } }

    public func setInstagramUsage(_ usage: InstagramUsageDouble) { state.withLockedValue { $0.instagramUsage = usage } }
    var instagramUsage: InstagramUsageDouble { state.withLockedValue { $0.instagramUsage } }

    /// Every TikTok token issued so far stops working (`access_token_invalid`); new ones can be fetched.
    public func revokeTikTokTokens() { state.withLockedValue { $0.tiktokTokens.removeAll() } }
    /// While false, research requests answer `scope_not_authorized`.
    public func setTikTokScopeAuthorized(_ authorized: Bool) {
        state.withLockedValue { $0.tiktokScopeAuthorized = authorized }
    }
    public var tiktokTokenRequests: Int { state.withLockedValue { $0.tiktokTokenRequests } }

    func issueTikTokToken() -> String {
        let token = "clt." + (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined()
        let expiry = clock() + Double(tiktokTokenLifetime)
        state.withLockedValue { state in
            state.tiktokTokens[token] = expiry
            state.tiktokTokenRequests += 1
        }
        return token
    }

    func tiktokTokenValid(_ token: String) -> Bool {
        let now = clock()
        return state.withLockedValue { ($0.tiktokTokens[token] ?? 0) > now }
    }

    var tiktokScopeAuthorized: Bool { state.withLockedValue { $0.tiktokScopeAuthorized } }

    /// Counts a research request against the double's own daily limit; false when over it.
    func countTikTokRequest() -> Bool {
        let day = Int(clock() / 86_400)
        return state.withLockedValue { state in
            state.tiktokRequestsByDay[day, default: 0] += 1
            guard let limit = tiktokDailyRequestLimit else { return true }
            return state.tiktokRequestsByDay[day, default: 0] <= limit
        }
    }

    func newSearchID() -> String {
        let id = String(UInt64.random(in: 7_000_000_000_000_000_000...7_999_999_999_999_999_999))
        state.withLockedValue { _ = $0.searchIDs.insert(id) }
        return id
    }

    func knowsSearchID(_ id: String) -> Bool { state.withLockedValue { $0.searchIDs.contains(id) } }

    // MARK: Faults

    /// `fault` for the next `times` matching requests (nil: until `clearFaults`).
    public func inject(
        _ fault: Fault, on platform: DoublePlatform, for target: FaultTarget = .everything, times: Int? = nil
    ) {
        state.withLockedValue {
            $0.faults.append(FaultRule(platform: platform, target: target, fault: fault, remaining: times))
        }
    }

    public func clearFaults() { state.withLockedValue { $0.faults.removeAll() } }

    /// The first fault matching a request about `usernames` at `site`, used up by one.
    func takeFault(_ platform: DoublePlatform, usernames: [String], site: FaultSite) -> Fault? {
        let names = Set(usernames.map { $0.lowercased() })
        return state.withLockedValue { state -> Fault? in
            guard
                let index = state.faults.firstIndex(where: { rule in
                    guard rule.platform == platform else { return false }
                    switch rule.target {
                    case .everything: return true
                    case .username(let name): return site != .tiktokToken && names.contains(name.lowercased())
                    case .tokenEndpoint: return site == .tiktokToken
                    case .videoQuery: return site == .tiktokVideoQuery
                    }
                })
            else { return nil }
            let fault = state.faults[index].fault
            if let remaining = state.faults[index].remaining {
                if remaining <= 1 {
                    state.faults.remove(at: index)
                } else {
                    state.faults[index].remaining = remaining - 1
                }
            }
            return fault
        }
    }

    // MARK: Request log

    func record(_ request: ReceivedRequest) {
        state.withLockedValue { state in
            state.requestCounts[request.platform, default: 0] += 1
            guard state.logRequests else { return }
            state.requests.append(request)
        }
    }

    /// Every request received, oldest first.
    public var requests: [ReceivedRequest] { state.withLockedValue { $0.requests } }

    /// Requests received for `platform` (the TikTok token endpoint included).
    public func requestCount(_ platform: DoublePlatform) -> Int {
        state.withLockedValue { $0.requestCounts[platform] ?? 0 }
    }

    /// A benchmark at thousands of requests a second need not keep them all.
    public func setRequestLogging(_ enabled: Bool) { state.withLockedValue { $0.logRequests = enabled } }
}
