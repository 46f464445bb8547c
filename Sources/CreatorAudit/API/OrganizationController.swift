// `GET /v2/organization` (scope read) and `PATCH /v2/organization` (scope admin). The quota and the rate
// limit belong to the operator (`creatoraudit org set`) and are read-only here.
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct OrganizationController {
    let database: Database
    let onChange: @Sendable () -> Void

    func addRoutes(to routes: Routes) {
        /// The organization the key belongs to.
        routes.on(.get, "organization") { _, context in try await show(context) }
        /// Rename the organization or change its scraping defaults.
        routes.on(.patch, "organization") { request, context in try await update(request, context) }
    }

    struct Body: Encodable {
        let type = "organization"
        let id: String
        let name: String
        let max_recent_posts_per_account: Int
        let post_lookback_days: Int
        let account_quota: Int?
        let rate_limit: Int

        enum CodingKeys: String, CodingKey {
            case type, id, name, max_recent_posts_per_account, post_lookback_days, account_quota, rate_limit
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(max_recent_posts_per_account, forKey: .max_recent_posts_per_account)
            try c.encode(post_lookback_days, forKey: .post_lookback_days)
            try c.encode(account_quota, forKey: .account_quota)
            try c.encode(rate_limit, forKey: .rate_limit)
        }

        init(_ organization: Organization) {
            id = organization.id.description
            name = organization.name
            max_recent_posts_per_account = organization.maxRecentPostsPerAccount
            post_lookback_days = organization.postLookbackDays
            account_quota = organization.accountQuota
            rate_limit = organization.rateLimit
        }
    }

    func show(_ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        guard let organization = try await OrganizationRepository(database: database).find(key.organizationID) else {
            throw APIError.notFound("organization")
        }
        return try JSONResponse.make(DataEnvelope(data: Body(organization)))
    }

    func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var body = try await JSONBody.read(request, context: context)
        let name = body.string("name", length: 1...255)
        let maxPosts = body.integer("max_recent_posts_per_account", range: 1...500)
        let lookback = body.integer("post_lookback_days", range: 1...365)
        try body.validate()
        let repository = OrganizationRepository(database: database)
        let updated = try await repository.updateSettings(
            key.organizationID, name: name, maxRecentPostsPerAccount: maxPosts, postLookbackDays: lookback,
            actor: Actor(name: "api_key:\(key.keyID)", clientIP: context.clientAddress))
        onChange()  // whoami shows the organization's name from the key cache
        guard let updated else { throw APIError.notFound("organization") }
        return try JSONResponse.make(DataEnvelope(data: Body(updated)))
    }
}
