// `/v2/videos` (tracked one by one) and `/v2/account-videos` (discovered on tracked accounts, read-only).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct VideoController {
    let publicURL: String
    let secrets: InstanceSecrets

    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// List individually tracked videos.
        routes.on(.get, "videos") { request, context in try await list(request, context, source: .individual) }
        /// Track one video by URL, shortcode or platform id; its first refresh is queued at once.
        routes.on(.post, "videos") { request, context in try await create(request, context) }
        /// One individually tracked video.
        routes.on(.get, "videos/{id}") { request, context in try await show(request, context, source: .individual) }
        /// Change a tracked video's metadata, activity or refresh interval.
        routes.on(.patch, "videos/{id}") { request, context in try await update(request, context) }
        /// Stop tracking a video; its history goes with it.
        routes.on(.delete, "videos/{id}") { request, context in try await delete(request, context) }
        /// List videos discovered on tracked accounts.
        routes.on(.get, "account-videos") { request, context in try await list(request, context, source: .account) }
        /// One video discovered on a tracked account.
        routes.on(.get, "account-videos/{id}") { request, context in try await show(request, context, source: .account) }
    }

    func list(_ request: Request, _ context: TenantRequestContext, source: VideoSource) async throws -> Response {
        var reader = QueryReader(request)
        var filters = VideoFilters()
        filters.platform = reader.choice("platform", Platform.allCases.map(\.rawValue))
        filters.accountID = reader.uuid("account_id")
        filters.isActive = reader.bool("is_active")
        filters.query = reader.text("q", maxLength: 128)
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let path = source == .individual ? "/v2/videos" : "/v2/account-videos"
        let page = try PageRequest.read(&reader, organizationID: context.organizationID, path: path, codec: codec,
                                        sortOptions: VideoRepository.sortOptions, defaultSort: "added_at")
        // A filter naming an account the organization does not have answers like that account: 404 (README,
        // "Tenancy"), so a list never confirms — or echoes — another organization's id.
        if let accountID = filters.accountID.flatMap({ AccountID($0) }),
           try await context.store.accounts.find(accountID) == nil {
            throw DomainError.notFound("account")
        }
        let result = try await context.store.videos.page(source: source, filters, page.query)
        return page.response(result, codec: codec, request: request, publicURL: publicURL, json: Self.json)
    }

    func create(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            let platform = body.platform()
            body.required("identifier")
            let identifierText = body.string("identifier", length: 1...2048)
            let metadata = body.metadata()
            let isActive = body.bool("is_active")
            let interval = body.integer("scrape_interval_hours", range: 1...168)
            var identifier: VideoIdentifier?
            if let platform, let identifierText {
                identifier = VideoIdentifier.parse(identifierText, platform: platform)
                if identifier == nil {
                    body.errors.append(FieldError(field: "identifier", message: "is not a \(platform.rawValue) video URL, shortcode or id"))
                }
            }
            try body.validate()
            guard let platform, let identifier else { throw APIError.validation(body.errors) }
            var video = Video.new(organizationID: context.organizationID, platform: platform, source: .individual,
                                  externalID: identifier.externalID, url: identifier.url)
            video.shortcode = identifier.shortcode
            video.accountUsername = identifier.accountUsername
            video.metadata = metadata ?? [:]
            video.isActive = isActive ?? true
            video.scrapeIntervalHours = interval ?? 24
            let created = try await context.store.videos.create(video)
            return .created(.object([("data", Self.json(created))]), location: publicURL + "/v2/videos/" + created.id.description)
        }
    }

    func show(_ request: Request, _ context: TenantRequestContext, source: VideoSource) async throws -> Response {
        guard let video = try await context.store.videos.find(try context.pathID(VideoID.self), source: source) else {
            throw DomainError.notFound("video")
        }
        return JSONReply.conditional(.object([("data", Self.json(video))]), request: request)
    }

    func update(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(VideoID.self)
        return try await Idempotency.run(request: request, context: context) { body in
            let metadata = body.metadata()
            let isActive = body.bool("is_active")
            let interval = body.integer("scrape_interval_hours", range: 1...168)
            try body.validate()
            let updated = try await context.store.videos.update(id, source: .individual) { video in
                if let metadata { video.metadata = metadata }
                if let isActive { video.isActive = isActive }
                if let interval { video.scrapeIntervalHours = interval }
            }
            return .ok(.object([("data", Self.json(updated))]))
        }
    }

    func delete(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(VideoID.self)
        return try await Idempotency.run(request: request, context: context) {
            guard try await context.store.videos.delete(id, source: .individual) else {
                throw DomainError.notFound("video")
            }
            return .noContent
        }
    }

    static func json(_ video: Video) -> JSONOut {
        let c = video.counters
        return .object([
            ("type", .string("video")),
            ("id", .string(video.id.description)),
            ("platform", .string(video.platform.rawValue)),
            ("source", .string(video.source.rawValue)),
            ("external_id", .string(video.externalID)),
            ("shortcode", .optional(video.shortcode)),
            ("url", .string(video.url)),
            ("account_id", .optional(video.accountID?.description)),
            ("account_username", .optional(video.accountUsername)),
            // The platform's id of the posting account is not recorded; platform-specific extras have none yet.
            ("platform_account_id", .null), ("platform_data", .object([])),
            ("description", .optional(video.description)),
            ("create_time", .timestamp(video.createTime)),
            ("media_type", .optional(video.mediaType)),
            ("duration", .optional(video.duration)),
            ("cover_image_url", .optional(video.coverImageURL)),
            // The platform's own URLs are kept and no media is copied, so the "original" cover is the same URL; the
            // media file's URL is not collected (README, "Fields of the published reference").
            ("cover_image_url_original", .optional(video.coverImageURL)),
            ("video_url", .null), ("video_url_original", .null),
            ("is_active", .bool(video.isActive)),
            ("is_unavailable", .bool(video.isUnavailable)),
            ("scrape_interval_hours", .int(video.scrapeIntervalHours)),
            ("metadata", .stringMap(video.metadata)),
            ("added_at", .timestamp(video.addedAt)),
            ("updated_at", .timestamp(video.updatedAt)),
            ("first_scrape_time", .timestamp(video.firstScrapeTime)),
            ("last_scrape_time", .timestamp(video.lastScrapeTime)),
            ("view_count", .optional(c.views)),
            ("play_count", .optional(c.plays)),
            ("like_count", .optional(c.likes)),
            ("comment_count", .optional(c.comments)),
            ("share_count", .optional(c.shares)),
            ("saved_count", .optional(c.saves)),
            // Lifetime totals with the stand-ins of docs/metrics.md (TikTok reports plays, which are its views).
            ("total_views", .optional(c.effectiveViews)), ("total_plays", .optional(c.plays ?? c.views)),
            ("engagement_rate", .optional(video.engagementRate)),
            ("data_source", .string(video.dataSource)),
            ("collection", CollectionJSON.json(video.collection, status: video.collectionStatus)),
        ])
    }
}
