// Which source collects each platform, and with what credentials (docs/collection.md, "Configuration"):
// `instagram` (Graph API business discovery), `tiktok` (Research API) or `sandbox`, the default when nothing is
// configured. Read from flags (`SourceOptions`) over `CREATORAUDIT_*` environment variables; every problem is
// reported at once. `summary` describes the result for logs and `creatoraudit sources` without any secret.
import Foundation

/// Values given on the command line (`SourceOptions`); nil = not given. Secrets come from files here, so they
/// never appear in a process listing.
public struct SourceFlags: Sendable, Equatable {
    public var instagramSource: String?
    public var instagramAccessTokenFile: String?
    public var instagramUserID: String?
    public var instagramAPIVersion: String?
    public var instagramBaseURL: String?
    public var instagramConcurrency: Int?
    public var tiktokSource: String?
    public var tiktokClientKey: String?
    public var tiktokClientSecretFile: String?
    public var tiktokBaseURL: String?
    public var tiktokConcurrency: Int?
    public var tiktokUsernamesPerQuery: Int?
    public var tiktokDailyRequests: Int?
    public var tiktokDailyRecords: Int?
    public var sourceTimeoutSeconds: Int?

    public init() {}
}

public struct SourceConfiguration: Sendable {
    public enum InstagramChoice: Sendable {
        case sandbox
        case graphAPI(InstagramSettings)
    }

    public enum TikTokChoice: Sendable {
        case sandbox
        case researchAPI(TikTokSettings)
    }

    public var instagram: InstagramChoice
    public var tiktok: TikTokChoice
    public var http: PlatformHTTPSettings

    public init(
        instagram: InstagramChoice = .sandbox, tiktok: TikTokChoice = .sandbox,
        http: PlatformHTTPSettings = PlatformHTTPSettings()
    ) {
        self.instagram = instagram
        self.tiktok = tiktok
        self.http = http
    }

    /// The sandbox for both platforms.
    public static let sandbox = SourceConfiguration()

    /// The environment variables read (flags of `SourceOptions` override them).
    public enum Variable {
        public static let instagramSource = "CREATORAUDIT_INSTAGRAM_SOURCE"
        public static let instagramAccessToken = "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN"
        public static let instagramUserID = "CREATORAUDIT_INSTAGRAM_USER_ID"
        public static let instagramAPIVersion = "CREATORAUDIT_INSTAGRAM_API_VERSION"
        public static let instagramBaseURL = "CREATORAUDIT_INSTAGRAM_BASE_URL"
        public static let instagramConcurrency = "CREATORAUDIT_INSTAGRAM_CONCURRENCY"
        public static let tiktokSource = "CREATORAUDIT_TIKTOK_SOURCE"
        public static let tiktokClientKey = "CREATORAUDIT_TIKTOK_CLIENT_KEY"
        public static let tiktokClientSecret = "CREATORAUDIT_TIKTOK_CLIENT_SECRET"
        public static let tiktokBaseURL = "CREATORAUDIT_TIKTOK_BASE_URL"
        public static let tiktokConcurrency = "CREATORAUDIT_TIKTOK_CONCURRENCY"
        public static let tiktokUsernamesPerQuery = "CREATORAUDIT_TIKTOK_USERNAMES_PER_QUERY"
        public static let tiktokDailyRequests = "CREATORAUDIT_TIKTOK_DAILY_REQUESTS"
        public static let tiktokDailyRecords = "CREATORAUDIT_TIKTOK_DAILY_RECORDS"
        public static let sourceTimeout = "CREATORAUDIT_SOURCE_TIMEOUT"
    }

    /// Flags over environment variables. Throws one `ConfigurationError` listing every problem.
    public static func resolve(
        flags: SourceFlags = SourceFlags(), environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SourceConfiguration {
        var reader = Reader(environment: environment)
        var configuration = SourceConfiguration()
        if let seconds = reader.integer(flags.sourceTimeoutSeconds, Variable.sourceTimeout, "--source-timeout", 1...300)
        {
            configuration.http.requestTimeoutSeconds = Int64(seconds)
        }
        configuration.instagram = reader.instagram(flags)
        configuration.tiktok = reader.tiktok(flags)
        let concurrency =
            [
                configuration.instagramPolicy?.maxConcurrentRequests ?? 0,
                configuration.tiktokPolicy?.maxConcurrentRequests ?? 0,
            ].max() ?? 0
        configuration.http.maxConnectionsPerHost = max(configuration.http.maxConnectionsPerHost, concurrency)
        guard reader.problems.isEmpty else {
            throw ConfigurationError("platform sources: " + reader.problems.joined(separator: "; "))
        }
        return configuration
    }

    var instagramPolicy: SourceGovernor.Policy? {
        if case .graphAPI(let settings) = instagram { return settings.governor }
        return nil
    }

    var tiktokPolicy: SourceGovernor.Policy? {
        if case .researchAPI(let settings) = tiktok { return settings.governor }
        return nil
    }

    /// One line per platform, for logs and `creatoraudit sources`. Never a secret: tokens and the client secret
    /// appear only as "set", the client key by its first characters.
    public var summary: [String] {
        var lines: [String] = []
        switch instagram {
        case .sandbox:
            lines.append(
                "instagram: sandbox (generated data; set \(Variable.instagramAccessToken) and "
                    + "\(Variable.instagramUserID) for the Graph API)"
            )
        case .graphAPI(let settings):
            lines.append(
                "instagram: Graph API business discovery \(settings.apiVersion) at \(settings.baseURL), "
                    + "as Instagram user \(settings.userID), access token set; "
                    + "\(settings.governor.maxConcurrentRequests) requests at once")
        }
        switch tiktok {
        case .sandbox:
            lines.append(
                "tiktok: sandbox (generated data; set \(Variable.tiktokClientKey) and "
                    + "\(Variable.tiktokClientSecret) for the Research API)"
            )
        case .researchAPI(let settings):
            let key = settings.clientKey.count > 8 ? String(settings.clientKey.prefix(4)) + "…" : "set"
            let budget =
                settings.governor.dailyBudget.map {
                    " budget \($0.requests) requests and \($0.records) records a day (UTC),"
                } ?? ""
            lines.append(
                "tiktok: Research API at \(settings.baseURL), client key \(key), client secret set;\(budget) "
                    + "\(settings.governor.maxConcurrentRequests) requests at once, "
                    + "\(settings.usernamesPerQuery) accounts per video query"
            )
        }
        return lines
    }
}

/// Reads settings and collects problems instead of stopping at the first.
private struct Reader {
    let environment: [String: String]
    var problems: [String] = []

    init(environment: [String: String]) { self.environment = environment }

    func value(_ flag: String?, _ variable: String) -> String? {
        let value = (flag ?? environment[variable])?.trimmingCharacters(in: .whitespacesAndNewlines)
        return value?.isEmpty == false ? value : nil
    }

    mutating func integer(_ flag: Int?, _ variable: String, _ flagName: String, _ range: ClosedRange<Int>) -> Int? {
        if let flag {
            guard range.contains(flag) else {
                problems.append("\(flagName) must be between \(range.lowerBound) and \(range.upperBound)")
                return nil
            }
            return flag
        }
        guard let text = value(nil, variable) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            problems.append("\(variable) must be a whole number between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    /// A secret from a file (flag) or a variable; never echoed in a problem.
    mutating func secret(file: String?, fileFlag: String, variable: String) -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file),
                let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !text.isEmpty
            else {
                problems.append("\(fileFlag): cannot read a secret from \(file)")
                return nil
            }
            return text
        }
        return value(nil, variable)
    }

    /// An https URL, or http to a loopback address (the platform doubles); no credentials, query or fragment.
    mutating func baseURL(_ flag: String?, _ variable: String, default fallback: String) -> String {
        guard let text = value(flag, variable) else { return fallback }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            components.query == nil, components.fragment == nil
        else {
            problems.append("\(variable) must be a URL like https://host[:port][/path]")
            return fallback
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            problems.append(
                "\(variable) must use https (plain http only to a loopback address): "
                    + "credentials travel with every request"
            )
            return fallback
        }
        return trimmed
    }

    mutating func choice(_ flag: String?, _ variable: String, platform: String, credentialsGiven: Bool) -> Bool? {
        switch value(flag, variable)?.lowercased() {
        case nil: return credentialsGiven
        case "sandbox": return false
        case platform: return true
        case let other?:
            problems.append("\(variable) must be 'sandbox' or '\(platform)', not '\(other.prefix(20))'")
            return nil
        }
    }

    mutating func instagram(_ flags: SourceFlags) -> SourceConfiguration.InstagramChoice {
        typealias V = SourceConfiguration.Variable
        let token = secret(
            file: flags.instagramAccessTokenFile, fileFlag: "--instagram-access-token-file",
            variable: V.instagramAccessToken)
        let userID = value(flags.instagramUserID, V.instagramUserID)
        guard
            choice(
                flags.instagramSource, V.instagramSource, platform: "instagram",
                credentialsGiven: token != nil || userID != nil) == true
        else { return .sandbox }
        if token == nil {
            problems.append("the instagram source needs \(V.instagramAccessToken) (or --instagram-access-token-file)")
        }
        if let userID, !userID.allSatisfy({ $0.isASCII && $0.isNumber }) {
            problems.append("\(V.instagramUserID) must be the numeric id of your Instagram business account")
        }
        if userID == nil {
            problems.append("the instagram source needs \(V.instagramUserID) (your Instagram business account's id)")
        }
        let version = value(flags.instagramAPIVersion, V.instagramAPIVersion) ?? InstagramSettings.defaultAPIVersion
        if version.range(of: #"^v[0-9]+\.[0-9]+$"#, options: .regularExpression) == nil {
            problems.append("\(V.instagramAPIVersion) must look like v23.0")
        }
        let base = baseURL(flags.instagramBaseURL, V.instagramBaseURL, default: InstagramSettings.defaultBaseURL)
        var policy = SourceGovernor.Policy()
        if let concurrency = integer(
            flags.instagramConcurrency, V.instagramConcurrency, "--instagram-concurrency", 1...256)
        {
            policy.maxConcurrentRequests = concurrency
        }
        guard let token, let userID else { return .sandbox }
        return .graphAPI(
            InstagramSettings(
                accessToken: SourceSecret(token), userID: userID, apiVersion: version,
                baseURL: base, governor: policy))
    }

    mutating func tiktok(_ flags: SourceFlags) -> SourceConfiguration.TikTokChoice {
        typealias V = SourceConfiguration.Variable
        let key = value(flags.tiktokClientKey, V.tiktokClientKey)
        let secret = secret(
            file: flags.tiktokClientSecretFile, fileFlag: "--tiktok-client-secret-file",
            variable: V.tiktokClientSecret)
        guard
            choice(
                flags.tiktokSource, V.tiktokSource, platform: "tiktok", credentialsGiven: key != nil || secret != nil)
                == true
        else { return .sandbox }
        if key == nil { problems.append("the tiktok source needs \(V.tiktokClientKey)") }
        if secret == nil {
            problems.append("the tiktok source needs \(V.tiktokClientSecret) (or --tiktok-client-secret-file)")
        }
        let base = baseURL(flags.tiktokBaseURL, V.tiktokBaseURL, default: TikTokSettings.defaultBaseURL)
        var policy = SourceGovernor.Policy(maxConcurrentRequests: 4, dailyBudget: .tiktokResearch)
        if let concurrency = integer(flags.tiktokConcurrency, V.tiktokConcurrency, "--tiktok-concurrency", 1...256) {
            policy.maxConcurrentRequests = concurrency
        }
        var budget = DailyBudgetLimits.tiktokResearch
        if let requests = integer(
            flags.tiktokDailyRequests, V.tiktokDailyRequests, "--tiktok-daily-requests", 1...100_000_000)
        {
            budget.requests = requests
        }
        if let records = integer(
            flags.tiktokDailyRecords, V.tiktokDailyRecords, "--tiktok-daily-records", 1...1_000_000_000)
        {
            budget.records = records
        }
        policy.dailyBudget = budget
        let perQuery = integer(
            flags.tiktokUsernamesPerQuery, V.tiktokUsernamesPerQuery, "--tiktok-usernames-per-query", 1...100)
        guard let key, let secret else { return .sandbox }
        return .researchAPI(
            TikTokSettings(
                clientKey: key, clientSecret: SourceSecret(secret), baseURL: base,
                usernamesPerQuery: perQuery ?? 10, governor: policy))
    }
}
