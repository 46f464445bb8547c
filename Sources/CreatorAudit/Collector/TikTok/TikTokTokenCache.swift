// The TikTok Research API's client access token: fetched with the client credentials
// (`POST /v2/oauth/token/`, form-encoded), kept until shortly before `expires_in` runs out, and fetched anew
// when the API says `access_token_invalid`. One fetch at a time: concurrent refreshes wait for it and share it.
import Foundation
import Logging
import NIOConcurrencyHelpers

final class TikTokTokenCache: Sendable {
    private struct Token {
        let value: String
        let renewAt: Double
    }

    private let settings: TikTokSettings
    private let http: PlatformHTTPClient
    private let governor: SourceGovernor
    private let logger: Logger
    private let cached = NIOLockedValueBox<Token?>(nil)
    private let fetching = AsyncMutex()
    private let fetches = NIOLockedValueBox(0)

    init(settings: TikTokSettings, http: PlatformHTTPClient, governor: SourceGovernor, logger: Logger) {
        self.settings = settings
        self.http = http
        self.governor = governor
        self.logger = logger
    }

    /// Tokens fetched so far by this process.
    var fetchCount: Int { fetches.withLockedValue { $0 } }

    /// A token valid for a while yet.
    func current() async throws -> String {
        if let token = valid() { return token }
        return try await fetching.withLock {
            if let token = valid() { return token }
            return try await fetch()
        }
    }

    /// Forgets `token` (the API rejected it); a token fetched meanwhile by another refresh is kept.
    func invalidate(_ token: String) {
        cached.withLockedValue { cached in
            if cached?.value == token { cached = nil }
        }
    }

    private func valid() -> String? {
        let now = governor.clock.now()
        return cached.withLockedValue { cached in
            guard let token = cached, now < token.renewAt else { return nil }
            return token.value
        }
    }

    private func fetch() async throws -> String {
        let form = [
            ("client_key", settings.clientKey), ("client_secret", settings.clientSecret.value),
            ("grant_type", "client_credentials"),
        ]
        .map { "\($0.0)=\(PlatformJSON.percentEncode($0.1))" }.joined(separator: "&")
        let url = settings.endpoint("/v2/oauth/token/")
        let token = try await governor.perform { _ -> Token in
            let response = try await http.send(
                .POST, url,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cache-Control", "no-cache")],
                body: Array(form.utf8), label: "tiktok", logger: logger)
            let now = governor.clock.now()
            let answer = PlatformJSON.decode(TikTokTokenAnswer.self, from: Array(response.body.readableBytesView))
            if response.status == 200, let answer, let value = answer.accessToken, !value.isEmpty {
                let lifetime = Double(answer.expiresIn?.value ?? 7_200)
                // Renew ahead of expiry: a tenth of the lifetime, at most the configured margin.
                let margin = min(settings.tokenRenewalMarginSeconds, lifetime / 10)
                return Token(value: value, renewAt: now + lifetime - margin)
            }
            if response.status == 429 || answer?.error == "rate_limit_exceeded" {
                throw PlatformSourceError.rateLimited(
                    retryAfter: response.retryAfter(now: now).map { Int($0.rounded(.up)) },
                    reason: "TikTok limited token requests")
            }
            if response.status >= 500 || answer == nil {
                throw PlatformSourceError.upstream(
                    answer == nil && response.status < 500
                        ? "TikTok's token endpoint sent an unreadable answer"
                        : "TikTok's token endpoint answered HTTP \(response.status)")
            }
            let code = answer?.error ?? "HTTP \(response.status)"
            throw PlatformSourceError.sourceFailing(
                "TikTok refused the client credentials "
                    + "(\(PlatformJSON.sanitize(code, removing: [settings.clientSecret.value]))); "
                    + "check CREATORAUDIT_TIKTOK_CLIENT_KEY and CREATORAUDIT_TIKTOK_CLIENT_SECRET")
        }
        cached.withLockedValue { $0 = token }
        fetches.withLockedValue { $0 += 1 }
        logger.debug("fetched a TikTok access token", metadata: ["source": "tiktok"])
        return token.value
    }
}
