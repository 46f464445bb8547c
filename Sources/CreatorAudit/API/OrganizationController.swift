// `GET /v2/organization` (scope read) and `PATCH /v2/organization` (scope admin). The quota and the rate limit belong
// to the operator (`creatoraudit org set`) and are read-only here.
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct OrganizationController {
    /// Cached key data carries the organization's name (whoami): a rename invalidates it.
    let onChange: @Sendable () -> Void

    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// The organization the key belongs to.
        routes.on(.get, "organization") { request, context in try await show(request, context) }
        /// Rename the organization or change its scraping defaults.
        routes.on(.patch, "organization") { request, context in try await update(request, context) }
    }

    func show(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        guard let organization = try await context.store.organization.find(context.organizationID) else {
            throw DomainError.notFound("organization")
        }
        return JSONReply.conditional(.object([("data", Self.json(organization))]), request: request)
    }

    func update(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            let name = body.string("name", length: 1...255)
            let maxPosts = body.integer("max_recent_posts_per_account", range: 1...500)
            let lookback = body.integer("post_lookback_days", range: 1...365)
            try body.validate()
            let updated = try await context.store.organization.updateSettings(
                context.organizationID, name: name, maxRecentPostsPerAccount: maxPosts, postLookbackDays: lookback,
                actor: Actor(name: "api_key:\(context.key.keyID)", clientIP: context.clientAddress))
            onChange()
            guard let updated else { throw DomainError.notFound("organization") }
            return .ok(.object([("data", Self.json(updated))]))
        }
    }

    static func json(_ organization: Organization) -> JSONOut {
        .object([
            ("type", .string("organization")),
            ("id", .string(organization.id.description)),
            ("name", .string(organization.name)),
            ("max_recent_posts_per_account", .int(organization.maxRecentPostsPerAccount)),
            ("post_lookback_days", .int(organization.postLookbackDays)),
            ("account_quota", .optional(organization.accountQuota)),
            ("rate_limit", .int(organization.rateLimit)),
        ])
    }
}
