// Shared setup for the tracking API tests (accounts, videos, creators, search, lists): an organization with
// a write key and a read-only key, resources created through the API or inserted directly, and the checks
// every endpoint shares (problem documents, field lists, 404s).
import Foundation
import Testing
@testable import CreatorAudit

/// An organization as a client sees it: a key with every scope and a read-only key.
struct Tenant: Sendable {
    let organization: Organization
    let key: String
    let readKey: String

    var id: OrganizationID { organization.id }

    /// A fresh organization; its rate limit is raised so that long tests never meet it.
    static func make(_ server: TestServer, name: String = "Org \(UUID().uuidString.prefix(6))") async throws -> Tenant {
        let organization = try await Fixtures.organization(server.database, name: name)
        try await Fixtures.setRateLimit(server.database, organization, 1_000_000)
        let key = try await Fixtures.key(server.services, organization, name: "write key").token.secret
        let readKey = try await Fixtures.key(server.services, organization, name: "read key", scopes: [.read]).token.secret
        return Tenant(organization: organization, key: key, readKey: readKey)
    }
}

extension TestResponse {
    /// `data` of a list response.
    var items: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
    var pagination: [String: Any] { json["pagination"] as? [String: Any] ?? [:] }
    var filters: [String: Any] { json["filters"] as? [String: Any] ?? [:] }
    var nextCursor: String? { pagination["next_cursor"] as? String }
    /// The `field` of every entry of a 422's `errors`.
    var errorFields: Set<String> {
        Set((json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
    }
    var id: String { data["id"] as? String ?? "" }
}

enum Check {
    /// 422 VALIDATION_ERROR naming exactly `fields`.
    static func validation(
        _ response: TestResponse, _ fields: Set<String>, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 422, comment, sourceLocation: sourceLocation)
        #expect(response.code == "VALIDATION_ERROR", comment, sourceLocation: sourceLocation)
        #expect(response.errorFields == fields, comment, sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", comment, sourceLocation: sourceLocation)
    }

    /// 404 NOT_FOUND — exactly what a missing resource answers, whoever owns the id.
    static func notFound(_ response: TestResponse, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 404, comment, sourceLocation: sourceLocation)
        #expect(response.code == "NOT_FOUND", comment, sourceLocation: sourceLocation)
    }

    /// Two 404s that a client cannot tell apart (apart from the request id and the path).
    static func sameNotFound(_ foreign: TestResponse, _ missing: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        notFound(foreign, sourceLocation: sourceLocation)
        notFound(missing, sourceLocation: sourceLocation)
        for field in ["type", "title", "status", "detail", "code"] {
            #expect("\(foreign.json[field] ?? "-")" == "\(missing.json[field] ?? "-")", "\(field)", sourceLocation: sourceLocation)
        }
    }

    /// 403 INSUFFICIENT_SCOPE for a read-only key on a write.
    static func insufficientScope(_ response: TestResponse, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 403, comment, sourceLocation: sourceLocation)
        #expect(response.code == "INSUFFICIENT_SCOPE", comment, sourceLocation: sourceLocation)
    }

    /// ETag present; If-None-Match → 304 with an empty body. Returns the ETag.
    @discardableResult
    static func conditional(
        _ server: TestServer, _ path: String, key: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let first = try await server.request(.GET, path, key: key)
        #expect(first.status == 200, sourceLocation: sourceLocation)
        let etag = try #require(first.header("ETag"), sourceLocation: sourceLocation)
        #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"), sourceLocation: sourceLocation)
        let again = try await server.request(.GET, path, key: key, headers: [("If-None-Match", etag)])
        #expect(again.status == 304, sourceLocation: sourceLocation)
        #expect(again.body.isEmpty, sourceLocation: sourceLocation)
        #expect(again.header("ETag") == etag, sourceLocation: sourceLocation)
        let other = try await server.request(.GET, path, key: key, headers: [("If-None-Match", "\"something-else\"")])
        #expect(other.status == 200, sourceLocation: sourceLocation)
        return etag
    }
}

/// Creating things through the API (the way clients do) or directly in the database (for volume).
enum Track {
    /// POSTs `body` to `path` and expects 201; the created object's `data`.
    private static func created(
        _ server: TestServer, _ tenant: Tenant, _ path: String, _ body: String, _ sourceLocation: SourceLocation
    ) async throws -> [String: Any] {
        let response = try await server.request(.POST, path, key: tenant.key, body: body)
        #expect(response.status == 201, "\(response.body)", sourceLocation: sourceLocation)
        return response.data
    }

    static func account(
        _ server: TestServer, _ tenant: Tenant, platform: String = "instagram", username: String,
        extra: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let body = #"{"platform":"\#(platform)","username":"\#(username)"\#(extra.isEmpty ? "" : "," + extra)}"#
        return try await created(server, tenant, "/v2/accounts", body, sourceLocation)
    }

    static func creator(
        _ server: TestServer, _ tenant: Tenant, name: String, extra: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let body = #"{"name":"\#(name)"\#(extra.isEmpty ? "" : "," + extra)}"#
        return try await created(server, tenant, "/v2/creators", body, sourceLocation)
    }

    static func video(
        _ server: TestServer, _ tenant: Tenant, platform: String = "instagram", identifier: String,
        extra: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let body = #"{"platform":"\#(platform)","identifier":"\#(identifier)"\#(extra.isEmpty ? "" : "," + extra)}"#
        return try await created(server, tenant, "/v2/videos", body, sourceLocation)
    }

    /// A video discovered on a tracked account (what a refresh creates), inserted directly.
    @discardableResult
    static func accountVideo(
        _ server: TestServer, _ tenant: Tenant, accountID: String, platform: Platform = .instagram,
        externalID: String = "C" + UUID().uuidString.prefix(10), description: String? = nil
    ) async throws -> Video {
        var video = Video.new(organizationID: tenant.id, platform: platform, source: .account, externalID: externalID,
                              url: "https://www.instagram.com/p/\(externalID)/")
        video.accountID = AccountID(accountID)
        video.description = description
        let prepared = video
        let store = server.database.tenant(tenant.id)
        try await store.write { db in try await store.videos.insert(prepared, in: db) }
        return video
    }

    /// `count` accounts in one transaction; `configure` shapes each (index from 0).
    @discardableResult
    static func accounts(
        _ server: TestServer, _ tenant: Tenant, count: Int, configure: @Sendable (Int, inout Account) -> Void
    ) async throws -> [Account] {
        let accounts = (0..<count).map { index in
            var account = Account.new(organizationID: tenant.id, platform: .instagram, username: "user\(index)")
            configure(index, &account)
            return account
        }
        let store = server.database.tenant(tenant.id)
        try await store.write { db in
            for account in accounts { try await store.accounts.insert(account, in: db) }
        }
        return accounts
    }
}

extension String {
    /// For query strings built in tests.
    var queryEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}
