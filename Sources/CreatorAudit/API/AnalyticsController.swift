// Analytics endpoints (docs/metrics.md): batch metrics, deltas, daily series, the overview, creator analytics and the
// top-creators board. All read only (the batch POSTs need just the `read` scope). This controller reads the request
// and renders the answer; the arithmetic is in Analytics/ and the reads in Services/AnalyticsService.swift.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct AnalyticsController {
    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// Window totals for up to 200 accounts, with followers.
        routes.on(.post, "accounts/metrics") { request, context in try await batch(request, context, kind: .accounts) }
        /// Window totals for up to 200 individually tracked videos.
        routes.on(.post, "videos/metrics") { request, context in try await batch(request, context, kind: .videos) }
        /// Window totals for up to 200 videos discovered on tracked accounts.
        routes.on(.post, "account-videos/metrics") { request, context in try await batch(request, context, kind: .accountVideos) }
        /// Views gained over several trailing windows, per video.
        routes.on(.post, "videos/deltas") { request, context in try await deltas(request, context) }
        /// Daily series of an account (its videos' amounts, its followers).
        routes.on(.get, "accounts/{id}/timeseries") { request, context in
            try await timeseries(request, context, subject: .account(try context.pathID(AccountID.self)))
        }
        /// Daily series of an individually tracked video.
        routes.on(.get, "videos/{id}/timeseries") { request, context in
            try await timeseries(request, context, subject: .video(try context.pathID(VideoID.self), .individual))
        }
        /// Daily series of a discovered video.
        routes.on(.get, "account-videos/{id}/timeseries") { request, context in
            try await timeseries(request, context, subject: .video(try context.pathID(VideoID.self), .account))
        }
        /// Daily series of a creator (its linked accounts).
        routes.on(.get, "creators/{id}/timeseries") { request, context in
            try await timeseries(request, context, subject: .creator(try context.pathID(CreatorID.self)))
        }
        /// Daily series of the whole organization.
        routes.on(.get, "overview/timeseries") { request, context in try await timeseries(request, context, subject: .organization) }
        /// Headline numbers for a window and the one before it.
        routes.on(.get, "overview") { request, context in try await overview(request, context) }
        /// A creator's totals over its linked accounts, with period-over-period change.
        routes.on(.get, "creators/{id}/analytics") { request, context in try await creatorAnalytics(request, context) }
        /// Creators ranked by views, engagement rate or follower growth.
        routes.on(.get, "creators/top") { request, context in try await topCreators(request, context) }
    }

    // MARK: Batch metrics

    enum BatchKind {
        case accounts, videos, accountVideos
        var field: String { self == .accounts ? "account_ids" : "video_ids" }
    }

    /// These POSTs only read, but they are writes by method: an `Idempotency-Key` replays them like any other.
    func batch(_ request: Request, _ context: TenantRequestContext, kind: BatchKind) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            let requested: [RequestedID]
            if kind == .accountVideos {
                requested = AnalyticsRequest.accountVideoIDs(&body)
            } else {
                AnalyticsRequest.refusePlatformIDs(&body, field: kind.field)
                requested = AnalyticsRequest.ids(&body, field: kind.field).map(RequestedID.init(uuid:))
            }
            let window = AnalyticsRequest.window(&body, default: "30d")
            try body.validate()
            guard let window else { throw APIError.validation(body.errors) }
            let resolved = try await resolve(requested, context)
            let ids = Self.unique(resolved.compactMap(\.id))
            let service = AnalyticsService(store: context.store)
            let entries: [(String, JSONOut)]
            switch kind {
            case .accounts:
                let totals = try await service.accountTotals(ids: ids, window: window)
                entries = ids.compactMap { id in totals[id].map { (id, AnalyticsJSON.totals($0, followers: true)) } }
            case .videos, .accountVideos:
                let source: VideoSource = kind == .videos ? .individual : .account
                let amounts = try await service.videoAmounts(ids: ids, source: source, window: window)
                entries = ids.compactMap { id in amounts[id].map { (id, .object(AnalyticsJSON.amounts($0))) } }
            }
            let found = Set(entries.map(\.0))
            let notFound = resolved.filter { $0.id.map { !found.contains($0) } ?? true }.map(\.given)
            return .ok(.object([
                ("data", .object(entries)),
                ("meta", .object(AnalyticsJSON.meta(window) + [("not_found", .array(notFound))])),
            ]))
        }
    }

    /// Platform ids become our ids (the organization's account videos only); a UUID is its own id.
    private func resolve(_ requested: [RequestedID], _ context: TenantRequestContext) async throws -> [RequestedID] {
        var resolved = requested
        for platform in Platform.allCases {
            let wanted = requested.compactMap { $0.platform == platform ? $0.platformID : nil }
            guard !wanted.isEmpty else { continue }
            let ours = try await context.store.videos.ids(source: .account, platform: platform, externalIDs: wanted)
            for index in resolved.indices where resolved[index].platform == platform {
                resolved[index].id = resolved[index].platformID.flatMap { ours[$0]?.description }
            }
        }
        return resolved
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    func deltas(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            let ids = AnalyticsRequest.ids(&body, field: "video_ids")
            let windows = AnalyticsRequest.deltaWindows(&body)
            try body.validate()
            // Any video the organization tracks, added one by one or discovered on an account.
            let service = AnalyticsService(store: context.store)
            let deltas = try await service.viewDeltas(ids: ids, source: nil, windows: windows)
            var entries: [(String, JSONOut)] = []
            for id in ids {
                guard let perWindow = deltas[id] else { continue }
                entries.append((id, .object(windows.map { ("\($0)d", .optional(perWindow[$0] ?? nil)) })))
            }
            let found = Set(entries.map(\.0))
            return .ok(.object([
                ("data", .object(entries)),
                ("meta", .object([
                    ("windows", .array(windows.map { .int($0) })), ("video_count", .int(found.count)),
                    ("not_found", .array(ids.filter { !found.contains($0) }.map { .string($0) })),
                ])),
            ]))
        }
    }

    // MARK: Series

    func timeseries(_ request: Request, _ context: TenantRequestContext, subject: SeriesSubject) async throws -> Response {
        var reader = QueryReader(request)
        let window = AnalyticsRequest.window(&reader, default: "30d")
        let service = AnalyticsService(store: context.store)
        guard let window, reader.errors.isEmpty else {
            // A subject that does not exist is a 404 before the window is judged.
            try await service.requireSubject(subject)
            throw APIError.validation(reader.errors)
        }
        let points = try await service.series(subject, window: window)
        let subjectID: String
        switch subject {
        case .account(let id): subjectID = id.description
        case .video(let id, _): subjectID = id.description
        case .creator(let id): subjectID = id.description
        case .organization: subjectID = context.organizationID.description
        }
        return JSONReply.conditional(.object([
            ("data", .object([("type", .string("timeseries")), ("subject_id", .string(subjectID)),
                              ("points", .array(points.map(AnalyticsJSON.point)))])),
            ("meta", .object(AnalyticsJSON.meta(window))),
        ]), request: request)
    }

    // MARK: Overview

    func overview(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        var reader = QueryReader(request)
        let window = AnalyticsRequest.window(&reader, default: "7d")
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        let (current, previous) = try await AnalyticsService(store: context.store).overview(window: window)
        return JSONReply.conditional(.object([
            ("data", .object([
                ("type", .string("overview")),
                ("current", AnalyticsJSON.overview(current)),
                ("previous", AnalyticsJSON.overview(previous)),
                ("changes", .object(current.changes(from: previous).map { ($0.name, .optional($0.percent)) })),
            ])),
            ("meta", .object(AnalyticsJSON.meta(window))),
        ]), request: request)
    }

    // MARK: Creators

    func creatorAnalytics(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(CreatorID.self)
        var reader = QueryReader(request)
        let window = AnalyticsRequest.window(&reader, default: "30d")
        // A creator that does not exist is a 404 before the window is judged.
        guard try await context.store.creators.find(id) != nil else { throw DomainError.notFound("creator") }
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        let result = try await AnalyticsService(store: context.store).creatorAnalytics(id, window: window)
        let (current, previous) = (result.current, result.previous)
        let pairs: [(String, Int64?, Int64?)] = [
            ("views", current.amounts.views, previous.amounts.views), ("plays", current.amounts.plays, previous.amounts.plays),
            ("likes", current.amounts.likes, previous.amounts.likes), ("comments", current.amounts.comments, previous.amounts.comments),
            ("shares", current.amounts.shares, previous.amounts.shares), ("saves", current.amounts.saves, previous.amounts.saves),
            ("engagement", current.amounts.engagement, previous.amounts.engagement),
            ("follower_change", current.followerChange, previous.followerChange),
        ]
        var changes: [(String, JSONOut)] = pairs.map { ($0.0 + "_pct", .optional(PeriodChange.percent(current: $0.1, previous: $0.2))) }
        changes.append(("engagement_rate_pct", .optional(PeriodChange.percent(
            current: current.amounts.engagementRate, previous: previous.amounts.engagementRate))))
        return JSONReply.conditional(.object([
            ("data", .object([
                ("type", .string("creator_analytics")), ("creator_id", .string(result.creator.id.description)),
                ("name", .string(result.creator.name)), ("account_count", .int(result.accountCount)),
                ("current", AnalyticsJSON.totals(current, followers: true)),
                ("previous", AnalyticsJSON.totals(previous, followers: true)),
                ("changes", .object(changes)),
            ])),
            ("meta", .object(AnalyticsJSON.meta(window))),
        ]), request: request)
    }

    func topCreators(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        var reader = QueryReader(request)
        let window = AnalyticsRequest.window(&reader, default: "30d")
        let limit = reader.limit(range: 1...25, default: 10)
        let order = CreatorRankingOrder(rawValue: reader.items["order_by"] ?? "views")
        if order == nil {
            reader.errors.append(FieldError(field: "order_by", message: "must be views, engagement_rate or follower_growth"))
        }
        try reader.validate()
        guard let window, let order else { throw APIError.validation(reader.errors) }
        let top = try await AnalyticsService(store: context.store).topCreators(window: window, order: order, limit: limit)
        return JSONReply.conditional(.object([
            ("data", .array(top.enumerated().map { index, entry in
                .object([
                    ("rank", .int(index + 1)),
                    ("creator", .object([("id", .string(entry.id)), ("name", .string(entry.name))])),
                    ("views", .int(entry.views)), ("engagement_rate", .optional(entry.engagementRate)),
                    ("follower_growth", .optional(entry.followerGrowth)),
                ])
            })),
            ("meta", .object(AnalyticsJSON.meta(window) + [("order_by", .string(order.rawValue)), ("limit", .int(limit))])),
        ]), request: request)
    }
}

/// One id of a batch request: as it was sent (echoed in `not_found`) and, once known, ours.
struct RequestedID: Sendable {
    let given: JSONOut
    var id: String?
    /// A platform post id (canonical digits) and its platform, to be looked up.
    var platform: Platform?
    var platformID: String?

    init(given: JSONOut, id: String?, platform: Platform? = nil, platformID: String? = nil) {
        self.given = given
        self.id = id
        self.platform = platform
        self.platformID = platformID
    }

    /// One of our ids (a lowercase UUID), sent as such.
    init(uuid: String) { self.init(given: .string(uuid), id: uuid) }
}

/// Reading analytics requests: id lists, windows, delta windows — every problem collected as a field error.
enum AnalyticsRequest {
    static let platformIDFields: [(String, Platform)] = [
        ("instagram_post_ids", .instagram), ("tiktok_video_ids", .tiktok),
    ]

    /// 1–200 UUIDs (the bound counts the list as sent); repeated ids answered once.
    static func ids(_ body: inout JSONBody, field: String) -> [String] {
        guard let value = body.fields[field] else {
            body.errors.append(FieldError(field: field, message: "is required"))
            return []
        }
        guard let items = list(&body, field: field, value: value, allowEmpty: false) else { return [] }
        return uuids(&body, field: field, items: items)
    }

    /// The platform-id lists belong to `POST /v2/account-videos/metrics` only; elsewhere they would be silently
    /// answered as nothing, so they are refused.
    static func refusePlatformIDs(_ body: inout JSONBody, field: String) {
        for (name, _) in platformIDFields where body.has(name) {
            body.errors.append(FieldError(field: name, message: "is not supported here; send \(field) (UUIDs)"))
        }
    }

    /// `POST /v2/account-videos/metrics`: `video_ids` (our UUIDs), `instagram_post_ids` and `tiktok_video_ids`
    /// (platform post ids, integers or strings of digits), in any combination; each list at most 200 entries, at
    /// least one id in all. Repeated ids are answered once; every id keeps the form it was sent in.
    static func accountVideoIDs(_ body: inout JSONBody) -> [RequestedID] {
        var requested: [RequestedID] = []
        var sent = false
        if let value = body.fields["video_ids"] {
            sent = true
            if let items = list(&body, field: "video_ids", value: value, allowEmpty: true) {
                requested += uuids(&body, field: "video_ids", items: items).map(RequestedID.init(uuid:))
            }
        }
        for (field, platform) in platformIDFields {
            guard let value = body.fields[field] else { continue }
            sent = true
            guard let items = list(&body, field: field, value: value, allowEmpty: true) else { continue }
            var seen = Set<String>()
            for (index, item) in items.enumerated() {
                guard let (given, canonical) = platformID(item) else {
                    let message = "must be a platform id: a non-negative integer or a string of digits"
                    body.errors.append(FieldError(field: "\(field)[\(index)]", message: message))
                    continue
                }
                if seen.insert(canonical).inserted {
                    requested.append(RequestedID(given: given, id: nil, platform: platform, platformID: canonical))
                }
            }
        }
        if !sent {
            body.errors.append(FieldError(
                field: "video_ids", message: "is required, unless instagram_post_ids or tiktok_video_ids is sent"))
        } else if requested.isEmpty && body.errors.isEmpty {
            let message = "needs at least one id (in video_ids, instagram_post_ids or tiktok_video_ids)"
            body.errors.append(FieldError(field: "video_ids", message: message))
        }
        return requested
    }

    /// An integer (within 64 bits) or a string of 1–32 digits → as sent, and its canonical digits.
    static func platformID(_ item: JSONValue) -> (JSONOut, String)? {
        switch item {
        case .integer(let number) where number >= 0:
            return (.int(number), String(number))
        case .string(let text) where VideoIdentifier.isNumeric(text[...], 1...32):
            let trimmed = text.drop { $0 == "0" }
            return (.string(text), trimmed.isEmpty ? "0" : String(trimmed))
        default:
            return nil
        }
    }

    private static func list(
        _ body: inout JSONBody, field: String, value: JSONValue, allowEmpty: Bool
    ) -> [JSONValue]? {
        guard case .array(let items) = value else {
            body.errors.append(FieldError(field: field, message: "must be an array"))
            return nil
        }
        guard items.count <= 200, allowEmpty || !items.isEmpty else {
            let bound = allowEmpty ? "at most 200" : "1 to 200"
            body.errors.append(FieldError(field: field, message: "must have \(bound) entries"))
            return nil
        }
        return items
    }

    private static func uuids(_ body: inout JSONBody, field: String, items: [JSONValue]) -> [String] {
        var ids: [String] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            guard case .string(let raw) = item, raw.utf8.count == 36, let uuid = UUID(uuidString: raw) else {
                body.errors.append(FieldError(field: "\(field)[\(index)]", message: "must be a UUID"))
                continue
            }
            let id = uuid.uuidString.lowercased()
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    static func window(_ body: inout JSONBody, default defaultPeriod: String) -> Window? {
        var values: [String: String] = [:]
        for name in ["period", "start_date", "end_date"] {
            guard let value = body.fields[name], value != .null else { continue }
            guard case .string(let text) = value else {
                body.errors.append(FieldError(field: name, message: "must be a string"))
                continue
            }
            values[name] = text
        }
        return Window.read(period: values["period"], startDate: values["start_date"], endDate: values["end_date"],
                           default: defaultPeriod, errors: &body.errors)
    }

    static func window(_ reader: inout QueryReader, default defaultPeriod: String) -> Window? {
        Window.read(period: reader.items["period"], startDate: reader.items["start_date"], endDate: reader.items["end_date"],
                    default: defaultPeriod, errors: &reader.errors)
    }

    /// `windows`: 1–10 integers from 1 to 365, duplicates ignored; default 1, 7, 14 and 30 days.
    static func deltaWindows(_ body: inout JSONBody) -> [Int] {
        guard let value = body.fields["windows"] else { return [1, 7, 14, 30] }
        guard case .array(let items) = value, (1...10).contains(items.count) else {
            body.errors.append(FieldError(field: "windows", message: "must be an array of 1 to 10 integers"))
            return [1, 7, 14, 30]
        }
        var parsed: [Int] = []
        for (index, item) in items.enumerated() {
            if case .integer(let number) = item, (1...365).contains(number) {
                if !parsed.contains(Int(number)) { parsed.append(Int(number)) }
            } else {
                body.errors.append(FieldError(field: "windows[\(index)]", message: "must be an integer from 1 to 365"))
            }
        }
        return parsed
    }
}

/// How analytics answers look.
enum AnalyticsJSON {
    static func meta(_ window: Window) -> [(String, JSONOut)] {
        [("period", .string(window.period)), ("start_date", .string(UTCDay.date(window.startDay))),
         ("end_date", .string(UTCDay.date(window.endDay))), ("days", .int(window.days))]
    }

    static func amounts(_ amounts: Counters) -> [(String, JSONOut)] {
        [("views", .optional(amounts.views)), ("plays", .optional(amounts.plays)), ("likes", .optional(amounts.likes)),
         ("comments", .optional(amounts.comments)), ("shares", .optional(amounts.shares)), ("saves", .optional(amounts.saves)),
         ("engagement", .optional(amounts.engagement)), ("engagement_rate", .optional(amounts.engagementRate))]
    }

    static func totals(_ totals: WindowTotals, followers: Bool) -> JSONOut {
        var fields = amounts(totals.amounts)
        if followers {
            fields.append(("follower_count", .optional(totals.followerCount)))
            fields.append(("follower_change", .optional(totals.followerChange)))
        }
        return .object(fields)
    }

    static func point(_ point: SeriesPoint) -> JSONOut {
        let day = point.amounts
        return .object([
            ("date", .string(UTCDay.date(point.day))),
            ("follower_count", .optional(point.followers)),
            ("views", .optional(day.views)), ("plays", .optional(day.plays)), ("likes", .optional(day.likes)),
            ("comments", .optional(day.comments)), ("shares", .optional(day.shares)), ("saves", .optional(day.saves)),
            ("engagement_rate", .optional(day.engagementRate)),
        ])
    }

    static func overview(_ figures: OverviewFigures) -> JSONOut {
        .object([
            ("total_views", .int(figures.totalViews)), ("engagement_rate", .optional(figures.engagementRate)),
            ("active_accounts", .int(figures.activeAccounts)), ("account_videos", .int(figures.accountVideos)),
            ("tracked_videos", .int(figures.trackedVideos)),
        ])
    }
}
