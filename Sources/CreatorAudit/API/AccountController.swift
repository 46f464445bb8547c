// `/v2/accounts`: the profiles an organization tracks.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct AccountController {
    let database: Database
    let publicURL: String
    let secrets: InstanceSecrets
    var repository: AccountRepository { AccountRepository(database: database) }

    static let sortOptions: [SortOption] = [
        SortOption(name: "added_at", column: "added_at", kind: .integer, nullable: false),
        SortOption(name: "username", column: "username", kind: .text, nullable: false),
        SortOption(name: "last_scrape_time", column: "last_scrape_time", kind: .integer, nullable: true),
        SortOption(name: "follower_count", column: "follower_count", kind: .integer, nullable: false),
        SortOption(name: "view_count", column: "view_count", kind: .integer, nullable: false),
        SortOption(name: "like_count", column: "like_count", kind: .integer, nullable: false),
        SortOption(name: "play_count", column: "play_count", kind: .integer, nullable: false),
    ]

    func addRoutes(to routes: Routes) {
        /// List tracked accounts with filters, sorting and cursor pagination.
        routes.on(.get, "accounts") { request, context in try await list(request, context) }
        /// Track an account; its first refresh is queued at once.
        routes.on(.post, "accounts") { request, context in try await create(request, context) }
        /// One tracked account with its latest counters.
        routes.on(.get, "accounts/{id}") { request, context in try await show(request, context) }
        /// Change an account's category, metadata, activity, interval or caps.
        routes.on(.patch, "accounts/{id}") { request, context in try await update(request, context) }
        /// Stop tracking an account; its discovered videos and their history go with it.
        routes.on(.delete, "accounts/{id}") { request, context in try await delete(request, context) }
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        var filters = AccountFilters()
        filters.platform = reader.choice("platform", Platform.allCases.map(\.rawValue))
        filters.query = reader.text("q", maxLength: 128)?.lowercased()
        filters.isActive = reader.bool("is_active")
        filters.creatorID = reader.uuid("creator_id")
        filters.category = reader.text("category", maxLength: 100)
        let limit = reader.limit(range: 1...200, default: 50)
        let includeTotal = reader.includeTotal()
        let sort = reader.sort(Self.sortOptions, default: "added_at") { _ in .desc }
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let page = try PageRequest.read(&reader, path: "/v2/accounts", codec: codec, limit: limit, includeTotal: includeTotal, sort: sort)
        let (rows, total) = try await repository.page(organizationID: key.organizationID, filters: filters, page: page)
        let visible = rows.prefix(page.limit)
        let next = rows.count > page.limit ? try visible.last.map { try page.nextCursor(after: $0, codec: codec) } : nil
        let items = try visible.map { Self.json(try AccountRepository.decode($0)) }
        return Page(items: items, nextCursor: next, limit: page.limit, totalCount: total, echoed: page.echoed)
            .response(request: request, publicURL: publicURL)
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let raw = try await JSONBody.collect(request, context: context)
        return try await Idempotency(database: database).run(request: request, context: context, rawBody: raw) {
            var body = try JSONBody.parse(raw)
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

            var account = Account.new(organizationID: key.organizationID, platform: platform, username: username)
            account.category = category ?? nil
            account.creatorID = creatorID ?? nil
            account.metadata = metadata ?? [:]
            account.scrapeIntervalHours = interval ?? 24
            account.isActive = isActive ?? true
            account.maxRecentPostsPerAccount = maxPosts ?? nil
            account.postLookbackDays = lookback ?? nil
            let prepared = account
            let created: Account
            do {
                created = try await database.write { db -> Account in
                    var account = prepared
                    guard let organization = try await db.raw(
                        "SELECT account_quota FROM organizations WHERE id = \(bind: key.organizationID.description)").first()
                    else { throw APIError.notFound("organization") }
                    if let quota = try organization.decodeOptional(column: "account_quota", as: Int.self),
                       try await repository.count(organizationID: key.organizationID, in: db) >= quota {
                        throw APIError(.quotaExceeded, "The organization's account quota is reached.")
                    }
                    if try await repository.exists(organizationID: key.organizationID, platform: platform, username: username, in: db) {
                        throw APIError.conflict("This account is already tracked.")
                    }
                    if let creatorID = account.creatorID {
                        guard let creator = try await CreatorRepository(database: database).find(
                            organizationID: key.organizationID, id: CreatorID(creatorID) ?? CreatorID(), in: db)
                        else { throw APIError.validation([FieldError(field: "creator_id", message: "does not exist")]) }
                        if !creator.isActive && account.isActive {
                            account.isActive = false
                            account.pausedByCreator = true
                        }
                    }
                    try await repository.insert(account, in: db)
                    guard let stored = try await repository.find(organizationID: key.organizationID, id: account.id, in: db) else {
                        throw APIError(.internalError, "The account could not be read back.")
                    }
                    return stored
                }
            } catch let error where !(error is APIError) {
                // A concurrent create of the same account got past `exists` first; the unique index refused this one.
                if try await database.read({ db in
                    try await repository.exists(organizationID: key.organizationID, platform: platform, username: username, in: db)
                }) { throw APIError.conflict("This account is already tracked.") }
                throw error
            }
            let location = publicURL + "/v2/accounts/" + created.id.description
            return StoredReply(status: 201, body: JSONOut.object([("data", Self.json(created))]).serialized(), location: location)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let account = try await find(key.organizationID, context)
        return JSONReply.conditional(.object([("data", Self.json(account))]), request: request)
    }

    func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try Self.pathID(context, AccountID.self)
        var body = try await JSONBody.read(request, context: context)
        let category = body.nullableString("category", length: 1...100)
        let metadata = body.metadata()
        let isActive = body.bool("is_active")
        let interval = body.integer("scrape_interval_hours", range: 1...168)
        let maxPosts = body.nullableInteger("max_recent_posts_per_account", range: 1...500)
        let lookback = body.nullableInteger("post_lookback_days", range: 1...365)
        try body.validate()
        let updated = try await database.write { db -> Account in
            guard var account = try await repository.find(organizationID: key.organizationID, id: id, in: db) else {
                throw APIError.notFound("account")
            }
            if let category { account.category = category }
            if let metadata { account.metadata = metadata }
            if let isActive {
                account.isActive = isActive
                account.pausedByCreator = false  // an explicit choice overrides a creator's pause
            }
            if let interval { account.scrapeIntervalHours = interval }
            if let maxPosts { account.maxRecentPostsPerAccount = maxPosts }
            if let lookback { account.postLookbackDays = lookback }
            try await repository.saveSettings(account, in: db)
            return try await repository.find(organizationID: key.organizationID, id: id, in: db) ?? account
        }
        return JSONReply.make(.object([("data", Self.json(updated))]))
    }

    func delete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try Self.pathID(context, AccountID.self)
        let deleted = try await database.write { db in try await repository.delete(organizationID: key.organizationID, id: id, in: db) }
        guard deleted else { throw APIError.notFound("account") }
        return Response(status: .noContent)
    }

    func find(_ organizationID: OrganizationID, _ context: AppRequestContext) async throws -> Account {
        let id = try Self.pathID(context, AccountID.self)
        guard let account = try await repository.find(organizationID: organizationID, id: id) else {
            throw APIError.notFound("account")
        }
        return account
    }

    /// A malformed UUID in a path is simply a resource that does not exist (404).
    static func pathID<ID: UUIDIdentifier>(_ context: AppRequestContext, _ type: ID.Type, _ name: String = "id") throws -> ID {
        guard let raw = context.parameters.get(name), let id = ID(raw), raw.count == 36 else {
            throw APIError.notFound()
        }
        return id
    }

    /// Usernames: a leading `@` is dropped, case is folded; letters, digits, `.` and `_`, 1–100 characters.
    static func username(_ body: inout JSONBody, platform: Platform?) -> String? {
        guard let value = body.fields["username"] else {
            body.errors.append(FieldError(field: "username", message: "is required"))
            return nil
        }
        guard case .string(let text) = value else {
            body.errors.append(FieldError(field: "username", message: "must be a string"))
            return nil
        }
        guard let username = Username.normalize(text) else {
            body.errors.append(FieldError(field: "username", message: "must be 1 to 100 letters, digits, dots or underscores"))
            return nil
        }
        return username
    }

    static func json(_ account: Account) -> JSONOut {
        .object([
            ("type", .string("account")),
            ("id", .string(account.id.description)),
            ("platform", .string(account.platform.rawValue)),
            ("username", .string(account.username)),
            ("name", .optional(account.name)),
            ("description", .optional(account.description)),
            ("profile_pic_url", .optional(account.profilePicURL)),
            ("is_verified", .bool(account.isVerified)),
            ("is_active", .bool(account.isActive)),
            ("is_unavailable", .bool(account.isUnavailable)),
            ("link_in_bio", .optional(account.linkInBio)),
            ("creator_id", .optional(account.creatorID)),
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
            ("view_count", .int(account.viewCount)),
            ("like_count", .int(account.likeCount)),
            ("comment_count", .int(account.commentCount)),
            ("share_count", .int(account.shareCount)),
            ("play_count", .int(account.playCount)),
            ("saved_count", .optional(account.savedCount)),
            ("engagement_rate", .optional(account.engagementRate)),
            ("max_recent_posts_per_account", .optional(account.maxRecentPostsPerAccount)),
            ("post_lookback_days", .optional(account.postLookbackDays)),
            ("effective_max_recent_posts_per_account", .int(account.effectiveMaxRecentPosts)),
            ("effective_post_lookback_days", .int(account.effectiveLookbackDays)),
            ("data_source", .string(account.dataSource)),
        ])
    }
}
