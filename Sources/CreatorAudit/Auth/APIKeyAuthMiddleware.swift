// Authentication of API requests (README, "Authentication"), in order: read the Bearer credential, verify it (a
// failure from an address that keeps failing is a 429 instead of a 401/403), count the request against the key's rate
// limit, check the route's scope.
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging

struct APIKeyAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// More than 30 failed authentications per minute from one address → 429 (README, "Authentication").
    static let failedAttemptsPerMinute = 30
    static let realm = "Bearer realm=\"creatoraudit\""
    static let rateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!

    let verifier: KeyVerifier
    /// Authenticated requests get a store scoped to their key's organization (TenantRequestContext).
    let database: Database
    let rateLimiter: RateLimiter
    let failureThrottle: RateLimiter
    let usage: UsageRecorder
    /// Failed authentications per minute and address before 429 (`serve --failed-auth-limit`; default 30).
    var failedAttemptsPerMinute: Int = Self.failedAttemptsPerMinute
    /// Authentication outcomes and rate-limit refusals for the operator (Observability/ServerMetrics.swift).
    var metrics: ServerMetrics?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key: AuthenticatedKey
        if let verified = context.inProcessKey {
            context.facts.authenticated(verified)
            key = verified
        } else {
            key = try await authenticate(authorization: request.headers[.authorization], context: context)
        }
        try admit(key, context: context)
        let needed = ScopePolicy.requiredScope(method: request.method, route: context.endpointPath ?? "")
        guard key.allows(needed) else {
            metrics?.authentication(.insufficientScope)
            throw APIError(.insufficientScope, "The API key lacks the \(needed.rawValue) scope this request needs.",
                           headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\", scope=\"\(needed.rawValue)\""])
        }
        metrics?.authentication(.ok)
        var context = context
        context.authenticated = (key, database.tenant(key.organizationID))
        return try await next(request, context)
    }

    /// The key an `Authorization` value stands for, or the API's refusal (throttle, then verification).
    /// The MCP endpoint authenticates each of its requests with this too (docs/mcp.md).
    func authenticate(authorization: String?, context: Context) async throws -> AuthenticatedKey {
        guard let authorization else {
            metrics?.authentication(.missing)
            throw APIError(.unauthorized, "An API key is required: send Authorization: Bearer <key>.",
                           headers: ["WWW-Authenticate": Self.realm])
        }
        let throttleKey = "failed-auth:" + context.clientAddress
        let key: AuthenticatedKey
        do {
            guard let token = Self.bearerToken(authorization) else { throw KeyVerificationFailure.invalid }
            key = try await verifier.verify(token)
        } catch let failure as KeyVerificationFailure {
            // The throttle changes only the answer to failures: a valid key is served even from an address that
            // keeps sending invalid ones (several clients behind one NAT). Keys are 178 random bits, so letting the
            // check run cannot help anyone guess one; a malformed token never reaches the database.
            let decision = failureThrottle.consume(throttleKey, limit: failedAttemptsPerMinute)
            if !decision.allowed {
                metrics?.authentication(.throttled)
                metrics?.refused(by: .failedAuthentication)
                throw APIError(.rateLimited, "Too many failed authentications from this address; try again later.",
                               headers: ["Retry-After": String(decision.secondsToReset)])
            }
            metrics?.authentication(failure.outcome)
            switch failure {
            case .invalid:
                throw APIError(.unauthorized, "The API key is not valid.",
                               headers: ["WWW-Authenticate": Self.realm + ", error=\"invalid_token\""])
            case .disabled:
                throw APIError(.forbidden, "The API key is disabled.")
            case .expired:
                throw APIError(.forbidden, "The API key has expired.")
            }
        }
        context.facts.authenticated(key)
        return key
    }

    /// Counts one request of `key` against its rate limit and usage, and adds the rate-limit headers.
    func admit(_ key: AuthenticatedKey, context: Context) throws {
        let decision = rateLimiter.consume(key.keyID.description, limit: key.rateLimit)
        let limit = String(decision.limit), remaining = String(decision.remaining)
        context.facts.addHeaders([
            (.cacheControl, "private, no-cache"), (.vary, "Authorization"),
            (Self.rateLimitLimit, limit), (Self.rateLimitRemaining, remaining),
            (Self.rateLimitReset, String(decision.reset)),
            (Self.rateLimitPolicy, "\"key\";q=" + limit + ";w=60"),
            (Self.rateLimit, "\"key\";r=" + remaining + ";t=" + String(decision.secondsToReset)),
        ])
        guard decision.allowed else {
            metrics?.authentication(.ok)
            metrics?.refused(by: .key)
            throw APIError(.rateLimited, "The API key's rate limit is exhausted for this minute.",
                           headers: ["Retry-After": String(decision.secondsToReset)])
        }
        usage.record(key)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive); nil for any other scheme.
    static func bearerToken(_ header: String) -> Substring? {
        let trimmed = header.drop(while: { $0 == " " })
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).drop(while: { $0 == " " })
        var end = token.endIndex
        while end > token.startIndex, token[token.index(before: end)] == " " { end = token.index(before: end) }
        return token[token.startIndex..<end]
    }
}

/// Which scope a route needs (README, "Authentication").
enum ScopePolicy {
    /// Batch queries that only read, though they are POSTs.
    static let readOnlyPosts: Set<String> = [
        "/v2/accounts/metrics", "/v2/videos/metrics", "/v2/account-videos/metrics", "/v2/videos/deltas",
    ]

    static func requiredScope(method: HTTPRequest.Method, route: String) -> Scope {
        switch method {
        case .get, .head, .options: return .read
        case .post where readOnlyPosts.contains(route): return .read
        case .patch where route == "/v2/organization": return .admin
        default: return .write
        }
    }
}

/// Unauthenticated routes (`/health`, `/meta`, …) are limited per client address instead of per key.
struct AddressRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let rateLimiter: RateLimiter
    let limit: Int
    var metrics: ServerMetrics?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decision = rateLimiter.consume("address:" + context.clientAddress, limit: limit)
        guard decision.allowed else {
            metrics?.refused(by: .address)
            throw APIError(.rateLimited, "Too many requests from this address; try again later.",
                           headers: ["Retry-After": String(decision.secondsToReset)])
        }
        return try await next(request, context)
    }
}
