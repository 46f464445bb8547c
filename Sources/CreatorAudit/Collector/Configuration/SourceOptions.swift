// The platform-source flags, as an options group `serve` and `worker` embed (`@OptionGroup var sources:
// SourceOptions`). Each flag overrides the environment variable named in its help; secrets are read from files
// so they never show in a process listing (their variables take the value itself).
import ArgumentParser

public struct SourceOptions: ParsableArguments {
    @Option(
        help:
            "'instagram' or 'sandbox' (env CREATORAUDIT_INSTAGRAM_SOURCE; default: instagram when credentials are set)."
    )
    var instagramSource: String?

    @Option(
        help:
            "File with the Graph API access token (env CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN holds the token itself)."
    )
    var instagramAccessTokenFile: String?

    @Option(
        name: .customLong("instagram-user-id"),
        help:
            "Your Instagram business account's id, for business discovery (env CREATORAUDIT_INSTAGRAM_USER_ID)."
    )
    var instagramUserID: String?

    @Option(
        name: .customLong("instagram-api-version"),
        help: "Graph API version, e.g. v23.0 (env CREATORAUDIT_INSTAGRAM_API_VERSION).")
    var instagramAPIVersion: String?

    @Option(
        name: .customLong("instagram-base-url"),
        help: "Graph API base URL (env CREATORAUDIT_INSTAGRAM_BASE_URL; default https://graph.facebook.com).")
    var instagramBaseURL: String?

    @Option(
        help: "Instagram requests in flight at once, per process (env CREATORAUDIT_INSTAGRAM_CONCURRENCY; default 8).")
    var instagramConcurrency: Int?

    @Option(
        help:
            "'tiktok' or 'sandbox' (env CREATORAUDIT_TIKTOK_SOURCE; default: tiktok when credentials are set)."
    )
    var tiktokSource: String?

    @Option(help: "TikTok Research API client key (env CREATORAUDIT_TIKTOK_CLIENT_KEY).")
    var tiktokClientKey: String?

    @Option(
        help: "File holding the TikTok client secret (env CREATORAUDIT_TIKTOK_CLIENT_SECRET holds the secret itself).")
    var tiktokClientSecretFile: String?

    @Option(
        name: .customLong("tiktok-base-url"),
        help: "Research API base URL (env CREATORAUDIT_TIKTOK_BASE_URL; default https://open.tiktokapis.com).")
    var tiktokBaseURL: String?

    @Option(help: "TikTok requests in flight at once, per process (env CREATORAUDIT_TIKTOK_CONCURRENCY; default 4).")
    var tiktokConcurrency: Int?

    @Option(help: "Accounts per TikTok video query (env CREATORAUDIT_TIKTOK_USERNAMES_PER_QUERY; default 10).")
    var tiktokUsernamesPerQuery: Int?

    @Option(
        help:
            "TikTok requests a day, shared by all processes (env CREATORAUDIT_TIKTOK_DAILY_REQUESTS; default 1000)."
    )
    var tiktokDailyRequests: Int?

    @Option(help: "TikTok records a day (env CREATORAUDIT_TIKTOK_DAILY_RECORDS; default 100000).")
    var tiktokDailyRecords: Int?

    @Option(
        help:
            "Seconds a platform request may take (env CREATORAUDIT_SOURCE_TIMEOUT; default 20)."
    )
    var sourceTimeout: Int?

    public init() {}

    /// The flags given, for `SourceConfiguration.resolve(flags:)`.
    public var flags: SourceFlags {
        var flags = SourceFlags()
        flags.instagramSource = instagramSource
        flags.instagramAccessTokenFile = instagramAccessTokenFile
        flags.instagramUserID = instagramUserID
        flags.instagramAPIVersion = instagramAPIVersion
        flags.instagramBaseURL = instagramBaseURL
        flags.instagramConcurrency = instagramConcurrency
        flags.tiktokSource = tiktokSource
        flags.tiktokClientKey = tiktokClientKey
        flags.tiktokClientSecretFile = tiktokClientSecretFile
        flags.tiktokBaseURL = tiktokBaseURL
        flags.tiktokConcurrency = tiktokConcurrency
        flags.tiktokUsernamesPerQuery = tiktokUsernamesPerQuery
        flags.tiktokDailyRequests = tiktokDailyRequests
        flags.tiktokDailyRecords = tiktokDailyRecords
        flags.sourceTimeoutSeconds = sourceTimeout
        return flags
    }

    /// The configuration these flags and the environment describe.
    public func configuration() throws -> SourceConfiguration {
        try SourceConfiguration.resolve(flags: flags)
    }
}
