// Unauthenticated system endpoints: health (checks the database, cached 1 s) and meta (static).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers

struct SystemController {
    let database: Database
    let publicURL: String
    let healthCache = HealthCache()

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Liveness and database reachability; 503 naming the database when it does not answer.
        routes.on(.get, "health") { request, _ in try await health(request) }
        /// Static description of this API version with absolute URLs of this server.
        routes.on(.get, "meta") { request, _ in meta(request) }
    }

    func health(_ request: Request) async throws -> Response {
        let healthy = await healthCache.check {
            (try? await database.ping()) != nil
        }
        guard healthy else {
            // Which dependency is down, for people and for probes: `checks.database`.
            let engine = database.engine == .postgres ? "PostgreSQL" : "SQLite"
            var error = APIError(.serviceUnavailable, "The database (\(engine)) is unreachable.",
                                 headers: ["Retry-After": "2"])
            error.extensions = ["checks": .object([("database", .string("unreachable"))])]
            throw error
        }
        let body = JSONOut.object([("data", .object([("status", .string("ok")), ("type", .string("health"))]))])
        return JSONReply.conditional(body, request: request)
    }

    func meta(_ request: Request) -> Response {
        JSONReply.conditional(.object([("data", .object([
            ("api_version", .string("v2")),
            ("deprecation", .null),
            ("docs_url", .string(publicURL + "/v2/docs")),
            ("openapi_url", .string(publicURL + "/v2/openapi.json")),
            ("status", .string("current")),
            ("sunset", .null),
            ("type", .string("api_meta")),
            ("whoami_url", .string(publicURL + "/v2/whoami")),
        ]))]), request: request)
    }
}

/// Remembers the last database check for one second, so health probes cannot load the database.
final class HealthCache: Sendable {
    private let last = NIOLockedValueBox<(at: UInt64, healthy: Bool)?>(nil)

    func check(_ probe: @Sendable () async -> Bool) async -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if let cached = last.withLockedValue({ $0 }), now &- cached.at < 1_000_000_000 { return cached.healthy }
        let healthy = await probe()
        last.withLockedValue { $0 = (now, healthy) }
        return healthy
    }
}
