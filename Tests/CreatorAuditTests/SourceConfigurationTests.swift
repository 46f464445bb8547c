// Choosing a source per platform from flags and environment variables: the sandbox when nothing is set,
// every problem reported at once, secrets never printed.
import Foundation
import PlatformDoubles
import Testing

@testable import CreatorAudit

@Suite("Source configuration")
struct SourceConfigurationTests {
    @Test("nothing configured: the sandbox collects both platforms")
    func sandboxByDefault() throws {
        let configuration = try SourceConfiguration.resolve(environment: [:])
        guard case .sandbox = configuration.instagram, case .sandbox = configuration.tiktok else {
            Issue.record("expected the sandbox")
            return
        }
        #expect(configuration.summary.allSatisfy { $0.contains("sandbox") })
    }

    @Test("credentials choose the platform sources; the summary names them without a secret")
    func platformSources() throws {
        let token = "EAAB" + UUID().uuidString
        let secret = "s3cr3t-" + UUID().uuidString
        let configuration = try SourceConfiguration.resolve(environment: [
            "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN": token, "CREATORAUDIT_INSTAGRAM_USER_ID": "17841400000000001",
            "CREATORAUDIT_INSTAGRAM_API_VERSION": "v22.0", "CREATORAUDIT_INSTAGRAM_BASE_URL": "http://127.0.0.1:9500/",
            "CREATORAUDIT_TIKTOK_CLIENT_KEY": "clientkey12345", "CREATORAUDIT_TIKTOK_CLIENT_SECRET": secret,
            "CREATORAUDIT_TIKTOK_BASE_URL": "https://research.example", "CREATORAUDIT_TIKTOK_DAILY_REQUESTS": "500",
        ])
        guard case .graphAPI(let instagram) = configuration.instagram,
            case .researchAPI(let tiktok) = configuration.tiktok
        else {
            Issue.record("expected both platform sources")
            return
        }
        #expect(instagram.accessToken.value == token && instagram.apiVersion == "v22.0")
        #expect(instagram.baseURL == "http://127.0.0.1:9500")
        #expect(
            tiktok.clientSecret.value == secret
                && tiktok.governor.dailyBudget == DailyBudgetLimits(requests: 500, records: 100_000))
        let summary = configuration.summary.joined(separator: "\n")
        #expect(summary.contains("v22.0") && summary.contains("17841400000000001") && summary.contains("clie…"))
        #expect(!summary.contains(token) && !summary.contains(secret) && !summary.contains("clientkey12345"))
        // The secret wrapper prints as redacted, however it is printed.
        #expect("\(instagram.accessToken)" == "[redacted]")
        #expect(String(reflecting: tiktok.clientSecret) == "[redacted]")
        var dumped = ""
        dump(tiktok, to: &dumped)
        #expect(!dumped.contains(secret))
    }

    @Test("every problem is reported at once, and no secret is echoed")
    func problemsTogether() {
        let token = "EAAB-" + UUID().uuidString
        do {
            _ = try SourceConfiguration.resolve(environment: [
                "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN": token, "CREATORAUDIT_INSTAGRAM_API_VERSION": "latest",
                "CREATORAUDIT_INSTAGRAM_BASE_URL": "http://graph.example.com", "CREATORAUDIT_TIKTOK_CLIENT_KEY": "abc",
                "CREATORAUDIT_TIKTOK_CONCURRENCY": "lots",
            ])
            Issue.record("expected a configuration error")
        } catch let error as ConfigurationError {
            let text = error.description
            #expect(text.contains("CREATORAUDIT_INSTAGRAM_USER_ID"))
            #expect(text.contains("CREATORAUDIT_INSTAGRAM_API_VERSION"))
            #expect(text.contains("CREATORAUDIT_INSTAGRAM_BASE_URL must use https"))
            #expect(text.contains("CREATORAUDIT_TIKTOK_CLIENT_SECRET"))
            #expect(text.contains("CREATORAUDIT_TIKTOK_CONCURRENCY"))
            #expect(!text.contains(token))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("flags override variables; secrets come from files; 'sandbox' forces the sandbox")
    func flagsOverride() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-sources-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        let token = "from-file-" + UUID().uuidString
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        var flags = SourceFlags()
        flags.instagramAccessTokenFile = tokenFile
        flags.instagramUserID = "42"
        flags.instagramConcurrency = 16
        flags.tiktokSource = "sandbox"
        let configuration = try SourceConfiguration.resolve(
            flags: flags,
            environment: [
                "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN": "from-environment", "CREATORAUDIT_INSTAGRAM_USER_ID": "7",
                "CREATORAUDIT_TIKTOK_CLIENT_KEY": "key", "CREATORAUDIT_TIKTOK_CLIENT_SECRET": "secret",
            ])
        guard case .graphAPI(let instagram) = configuration.instagram, case .sandbox = configuration.tiktok else {
            Issue.record("expected Instagram from the flags and the TikTok sandbox")
            return
        }
        #expect(instagram.accessToken.value == token && instagram.userID == "42")
        #expect(instagram.governor.maxConcurrentRequests == 16 && configuration.http.maxConnectionsPerHost >= 16)
        flags.instagramAccessTokenFile = directory.appendingPathComponent("missing").path
        #expect(throws: ConfigurationError.self) { try SourceConfiguration.resolve(flags: flags, environment: [:]) }
    }

    @Test(
        "sources built from the environment collect from the platform doubles' generated accounts",
        arguments: TestEngines.all)
    func endToEnd(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let world = DoubleWorld(generatedAccounts: 50, postsPerAccount: 30)
            try await PlatformDoublesServer(world: world).withRunning { base in
                let credentials = world.credentials
                let configuration = try SourceConfiguration.resolve(environment: [
                    "CREATORAUDIT_INSTAGRAM_BASE_URL": base,
                    "CREATORAUDIT_INSTAGRAM_USER_ID": credentials.instagramUserID,
                    "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN": credentials.instagramAccessToken,
                    "CREATORAUDIT_TIKTOK_BASE_URL": base, "CREATORAUDIT_TIKTOK_CLIENT_KEY": credentials.tiktokClientKey,
                    "CREATORAUDIT_TIKTOK_CLIENT_SECRET": credentials.tiktokClientSecret,
                ])
                let sources = PlatformSources(
                    configuration: configuration, database: testDatabase.database,
                    logger: TestDatabase.quietLogger)
                do {
                    #expect(
                        sources.source(for: .instagram).name == "instagram"
                            && sources.source(for: .tiktok).name == "tiktok")
                    for platform in Platform.allCases {
                        let refresh = try await sources.source(for: platform).refreshAccount(
                            platform: platform, username: "creator00007",
                            limits: PostLimits(maxPosts: 50, lookbackDays: 30))
                        #expect(refresh.posts.count == 30, "\(platform)")
                        #expect((refresh.profile.followerCount ?? 0) > 0)
                    }
                    let outcomes = try await sources.source(for: .tiktok).refreshAccounts(
                        platform: .tiktok, (1...5).map { AccountRequest(username: String(format: "creator%05d", $0)) })
                    #expect(outcomes.allSatisfy { (try? $0.result.get())?.posts.count == 30 })
                    // User info and a query for one account; five user infos and two pages (150 videos) for the batch.
                    #expect(try await sources.governor(for: .tiktok)?.budgetUsage()?.requests == 2 + 5 + 2)
                    #expect(sources.governor(for: .instagram) != nil)
                    await sources.shutdown()
                } catch {
                    await sources.shutdown()
                    throw error
                }
            }
        }
    }
}
