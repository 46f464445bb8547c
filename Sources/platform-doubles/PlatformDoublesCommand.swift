// `swift run platform-doubles --port 9500 --latency-ms 50 --accounts 10000 --posts 30`: the Instagram and
// TikTok doubles (Sources/PlatformDoubles) as a process, with a generated population (creator00001 …) on both
// platforms, so an operator can try a source configuration without platform credentials (docs/collection.md).
import ArgumentParser
import Foundation
import Logging
import PlatformDoubles

@main
struct PlatformDoublesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-doubles",
        abstract: "Local stand-ins for the Instagram Graph API and the TikTok Research API.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 9500
    @Option(name: .customLong("latency-ms"), help: "Milliseconds added to every answer.") var latencyMilliseconds = 0
    @Option(help: "Generated accounts on each platform: creator00001 … (at most 99999).") var accounts = 100
    @Option(help: "Posts per generated account, one every 0.9 days.") var posts = 30
    @Option(help: "Access token the Instagram double accepts.") var instagramToken = DoubleCredentials()
        .instagramAccessToken
    @Option(name: .customLong("instagram-user-id"), help: "Instagram user id business discovery is asked through.")
    var instagramUserID = DoubleCredentials().instagramUserID
    @Option(help: "TikTok client key the double accepts.") var tiktokClientKey = DoubleCredentials().tiktokClientKey
    @Option(help: "TikTok client secret the double accepts.") var tiktokClientSecret = DoubleCredentials()
        .tiktokClientSecret
    @Option(help: "Seconds a TikTok access token lives.") var tiktokTokenLifetime = 7_200
    @Option(help: "TikTok requests a day before the double answers 429 (default: no limit).") var tiktokDailyLimit: Int?
    @Flag(help: "Keep no log of requests (long benchmark runs).") var noRequestLog = false

    func validate() throws {
        guard (0...99_999).contains(accounts) else { throw ValidationError("--accounts must be between 0 and 99999") }
        guard (0...10_000).contains(posts) else { throw ValidationError("--posts must be between 0 and 10000") }
        guard latencyMilliseconds >= 0 else { throw ValidationError("--latency-ms must not be negative") }
    }

    func run() async throws {
        var logger = Logger(label: "platform-doubles")
        logger.logLevel = .notice
        let credentials = DoubleCredentials(
            instagramAccessToken: instagramToken, instagramUserID: instagramUserID,
            tiktokClientKey: tiktokClientKey, tiktokClientSecret: tiktokClientSecret)
        let world = DoubleWorld(
            credentials: credentials, generatedAccounts: accounts, postsPerAccount: posts,
            tiktokTokenLifetime: tiktokTokenLifetime, tiktokDailyRequestLimit: tiktokDailyLimit)
        world.setRequestLogging(!noRequestLog)
        let server = PlatformDoublesServer(world: world, latencyMilliseconds: latencyMilliseconds)
        let host = host
        let accounts = accounts
        try await server.run(host: host, port: port, logger: logger, handleSignals: true) { bound in
            let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(bound)"
            let lines = [
                "Platform doubles listening on \(base) (\(accounts) accounts per platform: creator00001 …)",
                "Point CreatorAudit at them with:",
                "  export CREATORAUDIT_INSTAGRAM_BASE_URL=\(base)",
                "  export CREATORAUDIT_INSTAGRAM_USER_ID=\(credentials.instagramUserID)",
                "  export CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN=\(credentials.instagramAccessToken)",
                "  export CREATORAUDIT_TIKTOK_BASE_URL=\(base)",
                "  export CREATORAUDIT_TIKTOK_CLIENT_KEY=\(credentials.tiktokClientKey)",
                "  export CREATORAUDIT_TIKTOK_CLIENT_SECRET=\(credentials.tiktokClientSecret)",
                "Faults: curl -X POST \(base)/_doubles/v1/faults "
                    + #"-d '{"platform":"instagram","fault":"rate_limited","retry_after":60,"times":1}'"#,
            ]
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
