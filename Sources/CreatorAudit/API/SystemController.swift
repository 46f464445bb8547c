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

    func addRoutes(to routes: Routes) {
        /// Liveness and database reachability; 503 naming the database when it does not answer.
        routes.on(.get, "health") { _, _ in try await health() }
        /// Static description of this API version with absolute URLs of this server.
        routes.on(.get, "meta") { _, _ in try meta() }
    }

    struct Health: Encodable {
        let type = "health"
        let status: String
    }

    func health() async throws -> Response {
        let healthy = await healthCache.check {
            (try? await database.read { db in try await db.raw("SELECT 1 AS one").first() }) != nil
        }
        guard healthy else {
            // Which dependency is down, for people and for probes: `checks.database`.
            let engine = database.engine == .postgres ? "PostgreSQL" : "SQLite"
            var error = APIError(.serviceUnavailable, "The database (\(engine)) is unreachable.",
                                 headers: ["Retry-After": "2"])
            error.extensions = ["checks": .object([("database", .string("unreachable"))])]
            throw error
        }
        return try JSONResponse.make(DataEnvelope(data: Health(status: "ok")))
    }

    struct Meta: Encodable {
        let type = "api_meta"
        let api_version = "v2"
        let status = "current"
        let docs_url: String
        let openapi_url: String
        let whoami_url: String
        let deprecation: String? = nil
        let sunset: String? = nil

        enum CodingKeys: String, CodingKey {
            case type, api_version, status, docs_url, openapi_url, whoami_url, deprecation, sunset
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(api_version, forKey: .api_version)
            try container.encode(status, forKey: .status)
            try container.encode(docs_url, forKey: .docs_url)
            try container.encode(openapi_url, forKey: .openapi_url)
            try container.encode(whoami_url, forKey: .whoami_url)
            try container.encodeNil(forKey: .deprecation)
            try container.encodeNil(forKey: .sunset)
        }
    }

    func meta() throws -> Response {
        try JSONResponse.make(DataEnvelope(data: Meta(
            docs_url: publicURL + "/v2/docs", openapi_url: publicURL + "/v2/openapi.json",
            whoami_url: publicURL + "/v2/whoami")))
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
