// `GET /v2/search`: accounts, creators and videos whose name, username or caption contain `q`.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct SearchController {
    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// Search the organization's accounts, creators and videos.
        routes.on(.get, "search") { request, context in try await search(request, context) }
    }

    func search(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        var reader = QueryReader(request)
        let limit = reader.limit(range: 1...25, default: 10)
        // `meta.query` echoes `q` as sent; the search itself ignores surrounding blanks (a blank `q` finds nothing).
        let sent = reader.items["q"] ?? ""
        var query = ""
        if !QueryReader.isText(sent, maxLength: 128) {
            reader.errors.append(FieldError(field: "q", message: "must be at most 128 characters, without NUL"))
        } else {
            query = sent.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try reader.validate()
        let hits = query.isEmpty ? SearchHits() : try await context.store.search.search(query, limit: limit)
        let body = JSONOut.object([
            ("data", .object([
                ("accounts", .array(hits.accounts.map { hit in .object([
                    ("id", .string(hit.id.description)), ("platform", .string(hit.platform.rawValue)),
                    ("username", .string(hit.username)), ("display_name", .optional(hit.displayName)),
                ]) })),
                ("creators", .array(hits.creators.map { hit in .object([
                    ("id", .string(hit.id.description)), ("name", .string(hit.name)),
                ]) })),
                ("videos", .array(hits.videos.map { hit in .object([
                    ("id", .string(hit.id.description)), ("platform", .string(hit.platform.rawValue)),
                    ("caption", .optional(hit.caption)), ("account_id", .optional(hit.accountID?.description)),
                    ("account_username", .optional(hit.accountUsername)),
                ]) })),
            ])),
            ("meta", .object([
                ("query", .string(sent)),
                ("limit_per_section", .int(limit)),
                ("effective_caps", .object([("accounts", .int(limit)), ("creators", .int(limit)), ("videos", .int(limit))])),
            ])),
        ])
        return JSONReply.conditional(body, request: request)
    }
}
