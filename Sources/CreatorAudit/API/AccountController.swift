// `/v2/accounts`: the profiles an organization tracks.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct AccountController {
    let publicURL: String
    let secrets: InstanceSecrets

    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// List tracked accounts with filters, sorting and cursor pagination.
        routes.on(.get, "accounts") { request, context in try await list(request, context) }
        /// Track an account; its first refresh is queued at once.
        routes.on(.post, "accounts") { request, context in try await create(request, context) }
        /// One tracked account with its latest counters.
        routes.on(.get, "accounts/{id}") { request, context in try await show(request, context) }
        /// Change an account's category, metadata, activity, interval or caps.
        routes.on(.patch, "accounts/{id}") { request, context in try await update(request, context) }
        /// Stop tracking an account; its discovered videos and all their history go with it.
        routes.on(.delete, "accounts/{id}") { request, context in try await delete(request, context) }
    }

    func list(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        var reader = QueryReader(request)
        var filters = AccountFilters()
        filters.platform = reader.choice("platform", Platform.allCases.map(\.rawValue))
        filters.query = reader.text("q", maxLength: 128)?.lowercased()
        filters.isActive = reader.bool("is_active")
        filters.creatorID = reader.uuid("creator_id")
        filters.category = reader.text("category", maxLength: 100)
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let page = try PageRequest.read(&reader, organizationID: context.organizationID, path: "/v2/accounts", codec: codec,
                                        sortOptions: AccountRepository.sortOptions, defaultSort: "added_at")
        // A filter naming a creator the organization does not have answers like that creator: 404 (README,
        // "Tenancy"), so a list never confirms — or echoes — another organization's id.
        if let creatorID = filters.creatorID.flatMap({ CreatorID($0) }),
           try await context.store.creators.find(creatorID) == nil {
            throw DomainError.notFound("creator")
        }
        let result = try await context.store.accounts.page(filters, page.query)
        return page.response(result, codec: codec, request: request, publicURL: publicURL, json: Self.json)
    }

    func create(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            let platform = body.platform()
            let username = Self.username(&body, platform: platform)
            let category = body.nullableString("category", length: 1...100)
            let creatorID = body.uuid("creator_id")
            let metadata = body.metadata()
            let interval = body.integer("scrape_interval_hours", range: 1...168)
            let isActive = body.bool("is_active")
            let maxPosts = body.nullableInteger("max_recent_posts_per_account", range: 1...500)
            let lookback = body.nullableInteger("post_lookback_days", range: 1...365)
            try body.validate()
            guard let platform, let username else { throw APIError.validation(body.errors) }

            var account = Account.new(organizationID: context.organizationID, platform: platform, username: username)
            account.category = category ?? nil
            account.creatorID = (creatorID ?? nil).flatMap(CreatorID.init)
            account.metadata = metadata ?? [:]
            account.scrapeIntervalHours = interval ?? 24
            account.isActive = isActive ?? true
            account.maxRecentPostsPerAccount = maxPosts ?? nil
            account.postLookbackDays = lookback ?? nil
            let created = try await context.store.accounts.create(account)
            return .created(.object([("data", Self.json(created))]), location: publicURL + "/v2/accounts/" + created.id.description)
        }
    }

    func show(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        guard let account = try await context.store.accounts.find(try context.pathID(AccountID.self)) else {
            throw DomainError.notFound("account")
        }
        return JSONReply.conditional(.object([("data", Self.json(account))]), request: request)
    }

    func update(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(AccountID.self)
        return try await Idempotency.run(request: request, context: context) { body in
            let category = body.nullableString("category", length: 1...100)
            let metadata = body.metadata()
            let isActive = body.bool("is_active")
            let interval = body.integer("scrape_interval_hours", range: 1...168)
            let maxPosts = body.nullableInteger("max_recent_posts_per_account", range: 1...500)
            let lookback = body.nullableInteger("post_lookback_days", range: 1...365)
            try body.validate()
            let updated = try await context.store.accounts.update(id) { account in
                if let category { account.category = category }
                if let metadata { account.metadata = metadata }
                if let isActive {
                    account.isActive = isActive
                    account.pausedByCreator = false  // an explicit choice overrides a creator's pause
                }
                if let interval { account.scrapeIntervalHours = interval }
                if let maxPosts { account.maxRecentPostsPerAccount = maxPosts }
                if let lookback { account.postLookbackDays = lookback }
            }
            return .ok(.object([("data", Self.json(updated))]))
        }
    }

    func delete(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(AccountID.self)
        return try await Idempotency.run(request: request, context: context) {
            guard try await context.store.accounts.delete(id) else { throw DomainError.notFound("account") }
            return .noContent
        }
    }

    /// Usernames: a leading `@` is dropped, case is folded; letters, digits, `.` and `_`, 1–100 characters; blanks
    /// (space, tab, CR, LF) around it are ignored — exactly the document's `usernamePattern`.
    static let usernamePattern = #"^[ \t\r\n]*@?[A-Za-z0-9._]{1,100}[ \t\r\n]*$"#

    static func username(_ body: inout JSONBody, platform: Platform?) -> String? {
        guard let value = body.fields["username"] else {
            body.errors.append(FieldError(field: "username", message: "is required"))
            return nil
        }
        guard case .string(let text) = value else {
            body.errors.append(FieldError(field: "username", message: "must be a string"))
            return nil
        }
        guard let username = Username.normalize(JSONBody.trimmingBlanks(text), trimming: []) else {
            body.errors.append(FieldError(field: "username", message: "must be 1 to 100 letters, digits, dots or underscores"))
            return nil
        }
        return username
    }

    static func json(_ account: Account) -> JSONOut {
        let totals = account.totals
        return .object([
            ("type", .string("account")),
            ("id", .string(account.id.description)),
            ("platform", .string(account.platform.rawValue)),
            ("username", .string(account.username)),
            ("name", .optional(account.name)),
            ("description", .optional(account.description)),
            ("profile_pic_url", .optional(account.profilePicURL)),
            // This server keeps the platform's own URL and copies no media, so the "original" is the same URL.
            ("profile_pic_url_original", .optional(account.profilePicURL)),
            ("is_verified", .bool(account.isVerified)),
            ("is_active", .bool(account.isActive)),
            ("is_unavailable", .bool(account.isUnavailable)),
            ("link_in_bio", .optional(account.linkInBio)),
            ("creator_id", .optional(account.creatorID?.description)),
            ("creator_name", .optional(account.creatorName)),
            ("category", .optional(account.category)),
            ("metadata", .stringMap(account.metadata)),
            ("added_at", .timestamp(account.addedAt)),
            ("first_scrape_time", .timestamp(account.firstScrapeTime)),
            ("last_scrape_time", .timestamp(account.lastScrapeTime)),
            ("scrape_interval_hours", .int(account.scrapeIntervalHours)),
            ("follower_count", .int(account.followerCount)),
            ("following_count", .int(account.followingCount)),
            ("profile_post_count", .int(account.profilePostCount)),
            ("total_post_count", .int(account.totalPostCount)),
            ("view_count", .int(totals.views ?? 0)),
            ("like_count", .int(totals.likes ?? 0)),
            ("comment_count", .int(totals.comments ?? 0)),
            ("share_count", .int(totals.shares ?? 0)),
            ("play_count", .int(totals.plays ?? 0)),
            ("saved_count", .optional(totals.saves)),
            // Cross-posted reels' plays on Facebook, plays on Instagram alone, likes on Facebook: no platform source
            // reports them separately, so they are unknown (README, "Fields of the published reference").
            ("fb_play_count", .null), ("ig_play_count", .null), ("fb_like_count", .null),
            ("engagement_rate", .optional(account.engagementRate)),
            ("max_recent_posts_per_account", .optional(account.maxRecentPostsPerAccount)),
            ("post_lookback_days", .optional(account.postLookbackDays)),
            ("effective_max_recent_posts_per_account", .int(account.effectiveMaxRecentPosts)),
            ("effective_post_lookback_days", .int(account.effectiveLookbackDays)),
            ("data_source", .string(account.dataSource)),
            ("collection", CollectionJSON.json(account.collection, status: account.collectionStatus)),
        ])
    }
}

extension TenantRequestContext {
    /// A path id; a malformed UUID is simply a resource that does not exist (404).
    func pathID<ID: UUIDIdentifier>(_ type: ID.Type, _ name: String = "id") throws -> ID {
        guard let raw = parameters.get(name), raw.count == 36, let id = ID(raw) else { throw DomainError.notFound() }
        return id
    }
}
