// `GET /v2/search` in one organization: accounts, creators and videos whose name, username or caption contain
// the words asked for (case-insensitive, `%` and `_` matching themselves).
import SQLKit

struct SearchHits: Sendable {
    struct AccountHit: Sendable { let id: AccountID; let platform: Platform; let username: String; let displayName: String? }
    struct CreatorHit: Sendable { let id: CreatorID; let name: String }
    struct VideoHit: Sendable {
        let id: VideoID; let platform: Platform; let caption: String?; let accountID: AccountID?; let accountUsername: String?
    }
    var accounts: [AccountHit] = []
    var creators: [CreatorHit] = []
    var videos: [VideoHit] = []
}

struct SearchRepository: Sendable {
    let tenant: TenantStore

    func search(_ text: String, limit: Int) async throws -> SearchHits {
        let pattern = Like.contains(text.lowercased())
        return try await tenant.read { db in
            var hits = SearchHits()
            hits.accounts = try await db.raw("""
                SELECT id, platform, username, name FROM accounts
                WHERE organization_id = \(bind: tenant.id)
                    AND (username LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(name) LIKE \(bind: pattern) ESCAPE '\\')
                ORDER BY username, id LIMIT \(bind: limit)
                """).all().map { row in
                    let r = row.reader("accounts")
                    return SearchHits.AccountHit(id: try r.id("id"), platform: try r.choice("platform"),
                                                 username: try r.string("username"), displayName: try r.optionalString("name"))
                }
            hits.creators = try await db.raw("""
                SELECT id, name FROM creators
                WHERE organization_id = \(bind: tenant.id) AND name_sort LIKE \(bind: pattern) ESCAPE '\\'
                ORDER BY name_sort, id LIMIT \(bind: limit)
                """).all().map { row in
                    let r = row.reader("creators")
                    return SearchHits.CreatorHit(id: try r.id("id"), name: try r.string("name"))
                }
            hits.videos = try await db.raw("""
                SELECT id, platform, description, account_id, account_username FROM videos
                WHERE organization_id = \(bind: tenant.id) AND LOWER(description) LIKE \(bind: pattern) ESCAPE '\\'
                ORDER BY added_at DESC, id LIMIT \(bind: limit)
                """).all().map { row in
                    let r = row.reader("videos")
                    return SearchHits.VideoHit(id: try r.id("id"), platform: try r.choice("platform"),
                                               caption: try r.optionalString("description"),
                                               accountID: try r.optionalID("account_id"),
                                               accountUsername: try r.optionalString("account_username"))
                }
            return hits
        }
    }
}
