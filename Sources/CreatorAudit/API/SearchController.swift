// `GET /v2/search`: accounts, creators and videos whose name, username or caption contain `q`.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct SearchController {
    let database: Database

    func addRoutes(to routes: Routes) {
        /// Search the organization's accounts, creators and videos.
        routes.on(.get, "search") { request, context in try await search(request, context) }
    }

    func search(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        let limit = reader.limit(range: 1...25, default: 10)
        var query = ""
        if let raw = reader.items["q"] {
            if raw.count > 128 {
                reader.errors.append(FieldError(field: "q", message: "must be at most 128 characters"))
            } else {
                query = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        try reader.validate()
        var accounts: [JSONOut] = [], creators: [JSONOut] = [], videos: [JSONOut] = []
        if !query.isEmpty {
            let pattern = Like.contains(query.lowercased())
            let organization = key.organizationID.description
            (accounts, creators, videos) = try await database.read { db in
                let accountRows = try await db.raw("""
                    SELECT id, platform, username, name FROM accounts
                    WHERE organization_id = \(bind: organization)
                        AND (username LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(name) LIKE \(bind: pattern) ESCAPE '\\')
                    ORDER BY username, id LIMIT \(bind: limit)
                    """).all()
                let creatorRows = try await db.raw("""
                    SELECT id, name FROM creators
                    WHERE organization_id = \(bind: organization) AND name_sort LIKE \(bind: pattern) ESCAPE '\\'
                    ORDER BY name_sort, id LIMIT \(bind: limit)
                    """).all()
                let videoRows = try await db.raw("""
                    SELECT id, platform, description, account_id, account_username FROM videos
                    WHERE organization_id = \(bind: organization) AND LOWER(description) LIKE \(bind: pattern) ESCAPE '\\'
                    ORDER BY added_at DESC, id LIMIT \(bind: limit)
                    """).all()
                return (
                    try accountRows.map { row in JSONOut.object([
                        ("id", .string(try row.decode(column: "id", as: String.self))),
                        ("platform", .string(try row.decode(column: "platform", as: String.self))),
                        ("username", .string(try row.decode(column: "username", as: String.self))),
                        ("display_name", .optional(try row.decodeOptional(column: "name", as: String.self))),
                    ]) },
                    try creatorRows.map { row in JSONOut.object([
                        ("id", .string(try row.decode(column: "id", as: String.self))),
                        ("name", .string(try row.decode(column: "name", as: String.self))),
                    ]) },
                    try videoRows.map { row in JSONOut.object([
                        ("id", .string(try row.decode(column: "id", as: String.self))),
                        ("platform", .string(try row.decode(column: "platform", as: String.self))),
                        ("caption", .optional(try row.decodeOptional(column: "description", as: String.self))),
                        ("account_id", .optional(try row.decodeOptional(column: "account_id", as: String.self))),
                        ("account_username", .optional(try row.decodeOptional(column: "account_username", as: String.self))),
                    ]) }
                )
            }
        }
        let body = JSONOut.object([
            ("data", .object([("accounts", .array(accounts)), ("creators", .array(creators)), ("videos", .array(videos))])),
            ("meta", .object([
                ("query", .string(query)),
                ("limit_per_section", .int(limit)),
                ("effective_caps", .object([("accounts", .int(limit)), ("creators", .int(limit)), ("videos", .int(limit))])),
            ])),
        ])
        return JSONReply.conditional(body, request: request)
    }
}
