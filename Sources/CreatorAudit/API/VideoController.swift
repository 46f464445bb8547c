// `/v2/videos` (tracked one by one) and `/v2/account-videos` (discovered on tracked accounts, read-only).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct VideoController {
    let database: Database
    let publicURL: String
    let secrets: InstanceSecrets
    var repository: VideoRepository { VideoRepository(database: database) }

    static let sortOptions: [SortOption] = [
        SortOption(name: "added_at", column: "added_at", kind: .integer, nullable: false),
        SortOption(name: "create_time", column: "create_time", kind: .integer, nullable: true),
        SortOption(name: "view_count", column: "view_count", kind: .integer, nullable: true),
        SortOption(name: "like_count", column: "like_count", kind: .integer, nullable: true),
        SortOption(name: "play_count", column: "play_count", kind: .integer, nullable: true),
    ]

    func addRoutes(to routes: Routes) {
        /// List individually tracked videos.
        routes.on(.get, "videos") { request, context in try await list(request, context, source: .individual) }
        /// Track one video by URL, shortcode or platform id; its first refresh is queued at once.
        routes.on(.post, "videos") { request, context in try await create(request, context) }
        /// One individually tracked video.
        routes.on(.get, "videos/{id}") { request, context in try await show(request, context, source: .individual) }
        /// Change a tracked video's metadata, activity or refresh interval.
        routes.on(.patch, "videos/{id}") { request, context in try await update(request, context) }
        /// Stop tracking a video.
        routes.on(.delete, "videos/{id}") { request, context in try await delete(request, context) }
        /// List videos discovered on tracked accounts.
        routes.on(.get, "account-videos") { request, context in try await list(request, context, source: .account) }
        /// One video discovered on a tracked account.
        routes.on(.get, "account-videos/{id}") { request, context in try await show(request, context, source: .account) }
    }

    func list(_ request: Request, _ context: AppRequestContext, source: VideoSource) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        var filters = VideoFilters()
        filters.platform = reader.choice("platform", Platform.allCases.map(\.rawValue))
        filters.accountID = reader.uuid("account_id")
        filters.isActive = reader.bool("is_active")
        filters.query = reader.text("q", maxLength: 128)
        let limit = reader.limit(range: 1...200, default: 50)
        let includeTotal = reader.includeTotal()
        let sort = reader.sort(Self.sortOptions, default: "added_at") { _ in .desc }
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let path = source == .individual ? "/v2/videos" : "/v2/account-videos"
        let page = try PageRequest.read(&reader, path: path, codec: codec, limit: limit, includeTotal: includeTotal, sort: sort)
        let (rows, total) = try await repository.page(organizationID: key.organizationID, source: source, filters: filters, page: page)
        let visible = rows.prefix(page.limit)
        let next = rows.count > page.limit ? try visible.last.map { try page.nextCursor(after: $0, codec: codec) } : nil
        return Page(items: try visible.map { Self.json(try VideoRepository.decode($0)) }, nextCursor: next,
                    limit: page.limit, totalCount: total, echoed: page.echoed)
            .response(request: request, publicURL: publicURL)
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let raw = try await JSONBody.collect(request, context: context)
        return try await Idempotency(database: database).run(request: request, context: context, rawBody: raw) {
            var body = try JSONBody.parse(raw)
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
            var video = Video.new(organizationID: key.organizationID, platform: platform, source: .individual,
                                  externalID: identifier.externalID, url: identifier.url)
            video.shortcode = identifier.shortcode
            video.accountUsername = identifier.accountUsername
            video.metadata = metadata ?? [:]
            video.isActive = isActive ?? true
            video.scrapeIntervalHours = interval ?? 24
            let prepared = video
            do {
                try await database.write { db in
                    let video = prepared
                    if try await repository.exists(organizationID: key.organizationID, source: .individual, platform: platform,
                                                   externalID: identifier.externalID, in: db) {
                        throw APIError.conflict("This video is already tracked.")
                    }
                    try await repository.insert(video, in: db)
                }
            } catch let error where !(error is APIError) {
                // A concurrent create of the same video got past `exists` first; the unique index refused this one.
                if try await database.read({ db in
                    try await repository.exists(organizationID: key.organizationID, source: .individual, platform: platform,
                                                externalID: identifier.externalID, in: db)
                }) { throw APIError.conflict("This video is already tracked.") }
                throw error
            }
            return StoredReply(status: 201, body: JSONOut.object([("data", Self.json(video))]).serialized(),
                               location: publicURL + "/v2/videos/" + video.id.description)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext, source: VideoSource) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, VideoID.self)
        guard let video = try await repository.find(organizationID: key.organizationID, id: id, source: source) else {
            throw APIError.notFound("video")
        }
        return JSONReply.conditional(.object([("data", Self.json(video))]), request: request)
    }

    func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, VideoID.self)
        var body = try await JSONBody.read(request, context: context)
        let metadata = body.metadata()
        let isActive = body.bool("is_active")
        let interval = body.integer("scrape_interval_hours", range: 1...168)
        try body.validate()
        let updated = try await database.write { db -> Video in
            guard var video = try await repository.find(organizationID: key.organizationID, id: id, source: .individual, in: db) else {
                throw APIError.notFound("video")
            }
            if let metadata { video.metadata = metadata }
            if let isActive { video.isActive = isActive }
            if let interval { video.scrapeIntervalHours = interval }
            try await repository.saveSettings(video, in: db)
            return try await repository.find(organizationID: key.organizationID, id: id, source: .individual, in: db) ?? video
        }
        return JSONReply.make(.object([("data", Self.json(updated))]))
    }

    func delete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, VideoID.self)
        guard try await database.write({ db in
            try await repository.delete(organizationID: key.organizationID, id: id, source: .individual, in: db)
        }) else { throw APIError.notFound("video") }
        return Response(status: .noContent)
    }

    static func json(_ video: Video) -> JSONOut {
        .object([
            ("type", .string("video")),
            ("id", .string(video.id.description)),
            ("platform", .string(video.platform.rawValue)),
            ("source", .string(video.source.rawValue)),
            ("external_id", .string(video.externalID)),
            ("shortcode", .optional(video.shortcode)),
            ("url", .string(video.url)),
            ("account_id", .optional(video.accountID)),
            ("account_username", .optional(video.accountUsername)),
            ("description", .optional(video.description)),
            ("create_time", .timestamp(video.createTime)),
            ("media_type", .optional(video.mediaType)),
            ("duration", .optional(video.duration)),
            ("cover_image_url", .optional(video.coverImageURL)),
            ("is_active", .bool(video.isActive)),
            ("is_unavailable", .bool(video.isUnavailable)),
            ("scrape_interval_hours", .int(video.scrapeIntervalHours)),
            ("metadata", .stringMap(video.metadata)),
            ("added_at", .timestamp(video.addedAt)),
            ("updated_at", .timestamp(video.updatedAt)),
            ("first_scrape_time", .timestamp(video.firstScrapeTime)),
            ("last_scrape_time", .timestamp(video.lastScrapeTime)),
            ("view_count", .optional(video.viewCount)),
            ("play_count", .optional(video.playCount)),
            ("like_count", .optional(video.likeCount)),
            ("comment_count", .optional(video.commentCount)),
            ("share_count", .optional(video.shareCount)),
            ("saved_count", .optional(video.savedCount)),
            ("engagement_rate", .optional(video.engagementRate)),
            ("data_source", .string(video.dataSource)),
        ])
    }
}
