// README, "API conventions": per-key fixed windows with X-RateLimit-* and RateLimit headers; 429 + Retry-After beyond.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Rate limiting")
struct RateLimitTests {
    @Test("a small limit counts down in the headers, then 429 RATE_LIMITED with Retry-After", arguments: TestEngines.all)
    func perKey(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            try await Fixtures.setRateLimit(server.database, organization, 3)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let other = try await Fixtures.key(server.services, organization).token.secret
            var resets: Set<String> = []
            for expected in [2, 1, 0] {
                let response = try await server.whoami(key)
                #expect(response.status == 200)
                #expect(response.header("X-RateLimit-Limit") == "3")
                #expect(response.header("X-RateLimit-Remaining") == String(expected))
                #expect(response.header("RateLimit-Policy") == "\"key\";q=3;w=60")
                let rateLimit = try #require(response.header("RateLimit"))
                #expect(rateLimit.hasPrefix("\"key\";r=\(expected);t="))
                resets.insert(response.header("X-RateLimit-Reset") ?? "")
            }
            let limited = try await server.whoami(key)
            #expect(limited.status == 429)
            #expect(limited.code == "RATE_LIMITED")
            let retryAfter = try #require(Int(limited.header("Retry-After") ?? ""))
            #expect((1...60).contains(retryAfter))
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            let reset = try #require(Int64(limited.header("X-RateLimit-Reset") ?? ""))
            #expect(reset % 60 == 0)
            #expect(reset > Timestamp.now.seconds)
            #expect(resets.count <= 2)  // one window (two if the minute turned during the test)
            // Limits are per key.
            #expect(try await server.whoami(other).status == 200)
        }
    }

    @Test("unauthenticated routes are exempt from key limits but limited per address")
    func perAddress() async throws {
        try await TestServer.run(.sqlite, configure: { $0.publicRateLimit = 5 }) { server in
            for _ in 0..<5 { #expect(try await server.request(.GET, "/v2/meta").status == 200) }
            let limited = try await server.request(.GET, "/v2/health")
            #expect(limited.status == 429)
            #expect(limited.code == "RATE_LIMITED")
            #expect(limited.header("Retry-After") != nil)
            #expect(limited.header("X-RateLimit-Limit") == nil)
        }
    }
}
