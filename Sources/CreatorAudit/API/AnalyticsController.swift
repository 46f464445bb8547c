// Analytics endpoints (SPEC §6): batch metrics, deltas, daily series, the overview, creator analytics and
// the top-creators board. All read only (the batch POSTs need just the `read` scope).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct AnalyticsController {
    let database: Database
    var service: MetricsService { MetricsService(database: database) }
    var store: MetricsStore { MetricsStore(database: database) }

    func addRoutes(to routes: Routes) {
        /// Window totals for up to 200 accounts, with followers.
        routes.on(.post, "accounts/metrics") { request, context in try await batch(request, context, kind: .accounts) }
        /// Window totals for up to 200 individually tracked videos.
        routes.on(.post, "videos/metrics") { request, context in try await batch(request, context, kind: .videos) }
        /// Window totals for up to 200 videos discovered on tracked accounts.
        routes.on(.post, "account-videos/metrics") { request, context in try await batch(request, context, kind: .accountVideos) }
        /// Views gained over several trailing windows, per video.
        routes.on(.post, "videos/deltas") { request, context in try await deltas(request, context) }
        /// Daily series of an account (its videos' amounts, its followers).
        routes.on(.get, "accounts/{id}/timeseries") { request, context in try await timeseries(request, context, subject: .account) }
        /// Daily series of an individually tracked video.
        routes.on(.get, "videos/{id}/timeseries") { request, context in try await timeseries(request, context, subject: .video(.individual)) }
        /// Daily series of a discovered video.
        routes.on(.get, "account-videos/{id}/timeseries") { request, context in try await timeseries(request, context, subject: .video(.account)) }
        /// Daily series of a creator (its linked accounts).
        routes.on(.get, "creators/{id}/timeseries") { request, context in try await timeseries(request, context, subject: .creator) }
        /// Daily series of the whole organization.
        routes.on(.get, "overview/timeseries") { request, context in try await timeseries(request, context, subject: .organization) }
        /// Headline numbers for a window and the one before it.
        routes.on(.get, "overview") { request, context in try await overview(request, context) }
        /// A creator's totals over its linked accounts, with period-over-period change.
        routes.on(.get, "creators/{id}/analytics") { request, context in try await creatorAnalytics(request, context) }
        /// Creators ranked by views, engagement rate or follower growth.
        routes.on(.get, "creators/top") { request, context in try await topCreators(request, context) }
    }

    // MARK: Requests

    enum BatchKind {
        case accounts, videos, accountVideos
        var field: String { self == .accounts ? "account_ids" : "video_ids" }
    }

    /// Reads the id list (1–200 UUIDs; repeated ids answered once) and the window from a JSON body.
    static func readBatch(_ body: inout JSONBody, field: String) -> [String] {
        for legacy in ["instagram_post_ids", "tiktok_video_ids"] where body.has(legacy) {
            body.errors.append(FieldError(field: legacy, message: "is not supported; send \(field) (UUIDs)"))
        }
        guard let value = body.fields[field] else {
            body.errors.append(FieldError(field: field, message: "is required"))
            return []
        }
        guard case .array(let items) = value else {
            body.errors.append(FieldError(field: field, message: "must be an array of UUIDs"))
            return []
        }
        guard (1...200).contains(items.count) else {
            body.errors.append(FieldError(field: field, message: "must have 1 to 200 entries"))
            return []
        }
        var ids: [String] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            guard case .string(let raw) = item, let uuid = UUID(uuidString: raw) else {
                body.errors.append(FieldError(field: "\(field)[\(index)]", message: "must be a UUID"))
                continue
            }
            let id = uuid.uuidString.lowercased()
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    static func window(_ body: inout JSONBody, default defaultPeriod: String) -> Window? {
        var period: String?, start: String?, end: String?
        for (name, target) in [("period", 0), ("start_date", 1), ("end_date", 2)] {
            guard let value = body.fields[name], value != .null else { continue }
            guard case .string(let text) = value else {
                body.errors.append(FieldError(field: name, message: "must be a string"))
                continue
            }
            switch target {
            case 0: period = text
            case 1: start = text
            default: end = text
            }
        }
        return Window.read(period: period, startDate: start, endDate: end, default: defaultPeriod, errors: &body.errors)
    }

    static func window(_ reader: inout QueryReader, default defaultPeriod: String, allowCustom: Bool = true) -> Window? {
        Window.read(period: reader.items["period"], startDate: reader.items["start_date"], endDate: reader.items["end_date"],
                    default: defaultPeriod, allowCustom: allowCustom, errors: &reader.errors)
    }

    // MARK: Batch metrics

    func batch(_ request: Request, _ context: AppRequestContext, kind: BatchKind) async throws -> Response {
        let key = try context.requireKey()
        var body = try await JSONBody.read(request, context: context)
        let ids = Self.readBatch(&body, field: kind.field)
        let window = Self.window(&body, default: "30d")
        try body.validate()
        guard let window else { throw APIError.validation(body.errors) }
        var entries: [(String, JSONOut)] = []
        var found = Set<String>()
        switch kind {
        case .accounts:
            let existing = try await database.read { db in
                try await db.raw("""
                    SELECT id FROM accounts WHERE organization_id = \(bind: key.organizationID.description) AND id IN (\(binds: ids))
                    """).all().map { try $0.decode(column: "id", as: String.self) }
            }
            let totals = try await service.accountTotals(organizationID: key.organizationID, accountIDs: existing, window: window)
            for id in ids {
                guard let total = totals[id] else { continue }
                found.insert(id)
                entries.append((id, MetricsService.json(total, followers: true)))
            }
        case .videos, .accountVideos:
            let refs = try await store.videos(organizationID: key.organizationID, ids: ids, source: kind == .videos ? .individual : .account)
            let histories = try await store.endpointHistories(organizationID: key.organizationID, videos: refs, days: [window.startDay - 1, window.endDay])
            let amounts = service.amounts(histories, window: window)
            for id in ids {
                guard let amount = amounts[id] else { continue }
                found.insert(id)
                entries.append((id, .object(MetricsService.json(amount))))
            }
        }
        let notFound = ids.filter { !found.contains($0) }
        return JSONReply.make(.object([
            ("data", .object(entries)),
            ("meta", .object(window.metaFields + [("not_found", .array(notFound.map { .string($0) }))])),
        ]))
    }

    func deltas(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var body = try await JSONBody.read(request, context: context)
        let ids = Self.readBatch(&body, field: "video_ids")
        var windows = [1, 7, 14, 30]
        if let value = body.fields["windows"] {
            if case .array(let items) = value, (1...10).contains(items.count) {
                var parsed: [Int] = []
                for (index, item) in items.enumerated() {
                    if case .integer(let number) = item, (1...365).contains(number) {
                        if !parsed.contains(Int(number)) { parsed.append(Int(number)) }
                    } else {
                        body.errors.append(FieldError(field: "windows[\(index)]", message: "must be an integer from 1 to 365"))
                    }
                }
                windows = parsed
            } else {
                body.errors.append(FieldError(field: "windows", message: "must be an array of 1 to 10 integers"))
            }
        }
        try body.validate()
        let today = UTCDay.today
        let refs = try await store.videos(organizationID: key.organizationID, ids: ids, source: .individual)
        let histories = try await store.endpointHistories(organizationID: key.organizationID, videos: refs, days: [today] + windows.map { today - $0 })
        var entries: [(String, JSONOut)] = []
        var found = Set<String>()
        let byID = Dictionary(histories.map { ($0.videoID, $0) }, uniquingKeysWith: { a, _ in a })
        for id in ids {
            guard let history = byID[id] else { continue }
            found.insert(id)
            let end = history.level(at: today)
            entries.append((id, .object(windows.map { days in
                let amount = end - history.level(at: today - days)
                return ("\(days)d", .optional(amount.effectiveViews))
            })))
        }
        return JSONReply.make(.object([
            ("data", .object(entries)),
            ("meta", .object([
                ("windows", .array(windows.map { .int($0) })), ("video_count", .int(found.count)),
                ("not_found", .array(ids.filter { !found.contains($0) }.map { .string($0) })),
            ])),
        ]))
    }

    // MARK: Series

    enum Subject: Equatable {
        case account, video(VideoSource), creator, organization
    }

    func timeseries(_ request: Request, _ context: AppRequestContext, subject: Subject) async throws -> Response {
        let key = try context.requireKey()
        let organizationID = key.organizationID
        var subjectID = organizationID.description
        var videos: [MetricsStore.VideoRef] = []
        var accountIDs: [String]?
        switch subject {
        case .account:
            let id = try AccountController.pathID(context, AccountID.self)
            guard try await AccountRepository(database: database).find(organizationID: organizationID, id: id) != nil else {
                throw APIError.notFound("account")
            }
            subjectID = id.description
            accountIDs = [id.description]
        case .video(let source):
            let id = try AccountController.pathID(context, VideoID.self)
            videos = try await store.videos(organizationID: organizationID, ids: [id.description], source: source)
            guard !videos.isEmpty else { throw APIError.notFound("video") }
            subjectID = id.description
        case .creator:
            let id = try AccountController.pathID(context, CreatorID.self)
            guard try await CreatorRepository(database: database).find(organizationID: organizationID, id: id) != nil else {
                throw APIError.notFound("creator")
            }
            subjectID = id.description
            accountIDs = try await linkedAccounts(organizationID, creatorID: id.description)
        case .organization:
            accountIDs = try await allAccounts(organizationID)
        }
        var reader = QueryReader(request)
        let window = Self.window(&reader, default: "30d")
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        if let accountIDs, subject != .organization {
            videos = try await store.videos(organizationID: organizationID, accountIDs: accountIDs, includeIndividual: false)
        }
        let points = try await service.series(
            organizationID: organizationID, videos: subject == .organization ? nil : videos, accountIDs: accountIDs, window: window)
        return JSONReply.conditional(.object([
            ("data", .object([("type", .string("timeseries")), ("subject_id", .string(subjectID)), ("points", .array(points))])),
            ("meta", .object(window.metaFields)),
        ]), request: request)
    }

    func linkedAccounts(_ organizationID: OrganizationID, creatorID: String) async throws -> [String] {
        try await database.read { db in
            try await db.raw("""
                SELECT id FROM accounts WHERE organization_id = \(bind: organizationID.description) AND creator_id = \(bind: creatorID)
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    func allAccounts(_ organizationID: OrganizationID) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT id FROM accounts WHERE organization_id = \(bind: organizationID.description)")
                .all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    // MARK: Overview

    func overview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        let window = Self.window(&reader, default: "7d", allowCustom: false)
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        let organizationID = key.organizationID
        let previousWindow = window.previous
        // The organization's daily amounts: one row per day, whatever the number of videos.
        let daily = try await database.read { db in
            try await OrganizationDaily.series(organizationID: organizationID, from: previousWindow.startDay, through: window.endDay, in: db)
        }
        func figures(_ w: Window) async throws -> [String: JSONOut] {
            var sum = Counters()
            for day in w.startDay...w.endDay { sum = sum + daily[day - previousWindow.startDay] }
            let endOfWindow = Int64(w.endDay + 1) * 86_400
            // Video counts from the per-day additions (O(days)); accounts are few and counted directly.
            let (accounts, videos) = try await database.read { db in
                let accounts = try await db.raw("""
                    SELECT COUNT(*) AS active_accounts FROM accounts WHERE organization_id = \(bind: organizationID.description)
                        AND is_active = 1 AND added_at < \(bind: endOfWindow)
                    """).first()?.decode(column: "active_accounts", as: Int64.self) ?? 0
                return (accounts, try await OrganizationDaily.videoCounts(organizationID: organizationID, through: w.endDay, in: db))
            }
            return [
                "total_views": .int(sum.effectiveViews ?? 0),
                "engagement_rate": .optional(sum.engagementRate),
                "active_accounts": .int(accounts),
                "account_videos": .int(videos.account),
                "tracked_videos": .int(videos.tracked),
            ]
        }
        let names = ["total_views", "engagement_rate", "active_accounts", "account_videos", "tracked_videos"]
        let current = try await figures(window)
        let previous = try await figures(previousWindow)
        func number(_ value: JSONOut?) -> Double? {
            switch value {
            case .int(let n): return Double(n)
            case .double(let d): return d
            default: return nil
            }
        }
        func integer(_ value: JSONOut?) -> Int64? { if case .int(let n) = value { return n }; return nil }
        let changes: [(String, JSONOut)] = names.map { name in
            let change: Double?
            if let c = integer(current[name]), let p = integer(previous[name]) {
                change = PeriodChange.percent(current: c, previous: p)
            } else {
                change = PeriodChange.percent(current: number(current[name]), previous: number(previous[name]))
            }
            return (name + "_pct", .optional(change))
        }
        return JSONReply.conditional(.object([
            ("data", .object([
                ("type", .string("overview")),
                ("current", .object(names.map { ($0, current[$0] ?? .null) })),
                ("previous", .object(names.map { ($0, previous[$0] ?? .null) })),
                ("changes", .object(changes)),
            ])),
            ("meta", .object(window.metaFields)),
        ]), request: request)
    }

    // MARK: Creators

    func creatorAnalytics(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        guard let creator = try await CreatorRepository(database: database).find(organizationID: key.organizationID, id: id) else {
            throw APIError.notFound("creator")
        }
        var reader = QueryReader(request)
        let window = Self.window(&reader, default: "30d")
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        let accounts = try await linkedAccounts(key.organizationID, creatorID: id.description)
        let videos = try await store.videos(organizationID: key.organizationID, accountIDs: accounts, includeIndividual: false)
        let current = try await service.totals(organizationID: key.organizationID, videos: videos, accountIDs: accounts, window: window)
        let previous = try await service.totals(organizationID: key.organizationID, videos: videos, accountIDs: accounts, window: window.previous)
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
                ("type", .string("creator_analytics")), ("creator_id", .string(creator.id.description)),
                ("name", .string(creator.name)), ("account_count", .int(accounts.count)),
                ("current", MetricsService.json(current, followers: true)),
                ("previous", MetricsService.json(previous, followers: true)),
                ("changes", .object(changes)),
            ])),
            ("meta", .object(window.metaFields)),
        ]), request: request)
    }

    func topCreators(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        let window = Self.window(&reader, default: "30d")
        let limit = reader.limit(range: 1...25, default: 10)
        let orderBy = reader.items["order_by"] ?? "views"
        if !["views", "engagement_rate", "follower_growth"].contains(orderBy) {
            reader.errors.append(FieldError(field: "order_by", message: "must be views, engagement_rate or follower_growth"))
        }
        try reader.validate()
        guard let window else { throw APIError.validation(reader.errors) }
        let organizationID = key.organizationID
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT c.id AS creator_id, c.name AS name, a.id AS account_id FROM creators c
                LEFT JOIN accounts a ON a.organization_id = c.organization_id AND a.creator_id = c.id
                WHERE c.organization_id = \(bind: organizationID.description)
                """).all()
        }
        var names: [String: String] = [:]
        var accountsByCreator: [String: [String]] = [:]
        for row in rows {
            let creatorID = try row.decode(column: "creator_id", as: String.self)
            names[creatorID] = try row.decode(column: "name", as: String.self)
            if let accountID = try row.decodeOptional(column: "account_id", as: String.self) {
                accountsByCreator[creatorID, default: []].append(accountID)
            }
        }
        let allAccounts = accountsByCreator.values.flatMap { $0 }
        let totals = try await service.accountTotals(organizationID: organizationID, accountIDs: allAccounts, window: window)
        struct Entry { let id: String; let name: String; let views: Int64; let rate: Double?; let growth: Int64? }
        var entries: [Entry] = names.keys.map { creatorID in
            var sum = Counters()
            var growth: [Int64?] = []
            for accountID in accountsByCreator[creatorID] ?? [] {
                if let total = totals[accountID] {
                    sum = sum + total.amounts
                    growth.append(total.followerChange)
                }
            }
            return Entry(id: creatorID, name: names[creatorID] ?? "", views: sum.effectiveViews ?? 0,
                         rate: sum.engagementRate, growth: MetricsService.sum(growth))
        }
        func ordered(_ a: Entry, _ b: Entry) -> Bool {
            func compare<T: Comparable>(_ x: T?, _ y: T?) -> Bool? {
                switch (x, y) {
                case (let x?, let y?) where x != y: return x > y
                case (.some, nil): return true
                case (nil, .some): return false
                default: return nil
                }
            }
            let decided: Bool?
            switch orderBy {
            case "engagement_rate": decided = compare(a.rate, b.rate)
            case "follower_growth": decided = compare(a.growth, b.growth)
            default: decided = compare(a.views, b.views)
            }
            return decided ?? (a.id < b.id)
        }
        entries.sort(by: ordered)
        let top = entries.prefix(limit).enumerated().map { index, entry in
            JSONOut.object([
                ("rank", .int(index + 1)),
                ("creator", .object([("id", .string(entry.id)), ("name", .string(entry.name))])),
                ("views", .int(entry.views)), ("engagement_rate", .optional(entry.rate)), ("follower_growth", .optional(entry.growth)),
            ])
        }
        return JSONReply.conditional(.object([
            ("data", .array(top)),
            ("meta", .object(window.metaFields + [("order_by", .string(orderBy)), ("limit", .int(limit))])),
        ]), request: request)
    }
}
