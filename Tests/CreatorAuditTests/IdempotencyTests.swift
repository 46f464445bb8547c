// `Idempotency-Key` on every write: the creates, PATCH, PUT, DELETE and the read-only batch POSTs (README, "API
// conventions").
import Crypto
import Foundation
import NIOHTTP1
import Testing
@testable import CreatorAudit

@Suite("Idempotency keys")
struct IdempotencyTests {
    /// (path, a valid body, another valid body) for each of the three creates.
    static let creates: [(String, String, String)] = [
        ("/v2/accounts", #"{"platform":"instagram","username":"idem"}"#, #"{"platform":"instagram","username":"other"}"#),
        ("/v2/videos", #"{"platform":"instagram","identifier":"Idem12345"}"#, #"{"platform":"instagram","identifier":"Other1234"}"#),
        ("/v2/creators", #"{"name":"Idem"}"#, #"{"name":"Other"}"#),
    ]

    static func total(_ server: TestServer, _ key: String, _ path: String) async throws -> Int? {
        try await server.request(.GET, path + "?include_total=true", key: key).pagination["total_count"] as? Int
    }

    @Test("a retry with the same key returns the same status and body with Idempotent-Replayed: true and creates nothing; the same key with another body → 409 CONFLICT", arguments: TestEngines.all)
    func replay(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            for (path, body, otherBody) in Self.creates {
                let headers = [("Idempotency-Key", "retry-\(path)")]
                let first = try await server.request(.POST, path, key: tenant.key, headers: headers, body: body)
                #expect(first.status == 201, "\(path)")
                #expect(first.header("Idempotent-Replayed") == nil)
                let replayed = try await server.request(.POST, path, key: tenant.key, headers: headers, body: body)
                #expect(replayed.status == 201, "\(path)")
                #expect(replayed.body == first.body, "\(path)")
                #expect(replayed.header("Location") == first.header("Location"))
                #expect(replayed.header("Idempotent-Replayed") == "true")
                #expect(try await Self.total(server, tenant.key, path) == 1, "\(path)")

                let mismatch = try await server.request(.POST, path, key: tenant.key, headers: headers, body: otherBody)
                #expect(mismatch.status == 409, "\(path)")
                #expect(mismatch.code == "CONFLICT")
                // Even whitespace makes another body (the hash is over the raw bytes).
                let spaced = try await server.request(.POST, path, key: tenant.key, headers: headers, body: body + " ")
                #expect(spaced.status == 409, "\(path)")
                #expect(try await Self.total(server, tenant.key, path) == 1, "\(path)")
                // Without a key, a second identical create is an ordinary request (accounts/videos → duplicate 409).
                let plain = try await server.request(.POST, path, key: tenant.key, body: body)
                #expect(plain.status == (path == "/v2/creators" ? 201 : 409), "\(path)")
                #expect(plain.header("Idempotent-Replayed") == nil)
            }
        }
    }

    @Test("keys are scoped per organization and per path; a 422 answer replays too; malformed keys → 422",
          arguments: TestEngines.all)
    func scoping(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let other = try await Tenant.make(server)
            let headers = [("Idempotency-Key", "shared-key")]
            let mine = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: headers, body: #"{"name":"Mine"}"#)
            #expect(mine.status == 201)
            // The other organization's identical key and body create its own creator.
            let theirs = try await server.request(.POST, "/v2/creators", key: other.key, headers: headers, body: #"{"name":"Mine"}"#)
            #expect(theirs.status == 201)
            #expect(theirs.header("Idempotent-Replayed") == nil)
            #expect(theirs.id != mine.id)
            #expect(try await Self.total(server, other.key, "/v2/creators") == 1)
            // The same key on another path is another request, even with another body.
            let account = try await server.request(.POST, "/v2/accounts", key: tenant.key, headers: headers,
                                                   body: #"{"platform":"tiktok","username":"scoped"}"#)
            #expect(account.status == 201)
            #expect(account.header("Idempotent-Replayed") == nil)
            // Another key of the same organization shares its records.
            let second = try await Fixtures.key(server.services, tenant.organization, name: "second").token.secret
            let fromSecond = try await server.request(.POST, "/v2/creators", key: second, headers: headers, body: #"{"name":"Mine"}"#)
            #expect(fromSecond.header("Idempotent-Replayed") == "true")
            #expect(fromSecond.id == mine.id)

            // A validation failure is an answer like any other: replayed as it was.
            let invalidHeaders = [("Idempotency-Key", "invalid-once")]
            let invalid = try await server.request(.POST, "/v2/accounts", key: tenant.key, headers: invalidHeaders,
                                                   body: #"{"platform":"myspace"}"#)
            Check.validation(invalid, ["platform", "username"])
            #expect(invalid.header("Idempotent-Replayed") == nil)
            let again = try await server.request(.POST, "/v2/accounts", key: tenant.key, headers: invalidHeaders,
                                                 body: #"{"platform":"myspace"}"#)
            Check.validation(again, ["platform", "username"])
            #expect(again.header("Idempotent-Replayed") == "true")
            #expect(again.body == invalid.body)
            // So is a conflict.
            let dupHeaders = [("Idempotency-Key", "dup-once")]
            let duplicate = try await server.request(.POST, "/v2/accounts", key: tenant.key, headers: dupHeaders,
                                                     body: #"{"platform":"tiktok","username":"scoped"}"#)
            #expect(duplicate.status == 409)
            let duplicateAgain = try await server.request(.POST, "/v2/accounts", key: tenant.key, headers: dupHeaders,
                                                          body: #"{"platform":"tiktok","username":"scoped"}"#)
            #expect(duplicateAgain.status == 409)
            #expect(duplicateAgain.header("Idempotent-Replayed") == "true")

            for bad in [String(repeating: "k", count: 256), "caf\u{e9}"] {
                let response = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: [("Idempotency-Key", bad)],
                                                        body: #"{"name":"Bad key"}"#)
                #expect(response.status == 422, "\(bad.prefix(10))")
                #expect(response.code == "VALIDATION_ERROR")
            }
            let longest = try await server.request(.POST, "/v2/creators", key: tenant.key,
                                                   headers: [("Idempotency-Key", String(repeating: "k", count: 255))], body: #"{"name":"Long key"}"#)
            #expect(longest.status == 201)
            // A read-only key is refused before any record is made.
            Check.insufficientScope(try await server.request(.POST, "/v2/creators", key: tenant.readKey,
                                                             headers: [("Idempotency-Key", "read-only")], body: #"{"name":"Nope"}"#))
            let afterScope = try await server.request(.POST, "/v2/creators", key: tenant.key,
                                                      headers: [("Idempotency-Key", "read-only")], body: #"{"name":"Nope"}"#)
            #expect(afterScope.status == 201)
            #expect(afterScope.header("Idempotent-Replayed") == nil)
        }
    }

    @Test("two concurrent requests with one key create exactly one resource; the other gets the replay or 409",
          arguments: TestEngines.all)
    func concurrent(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            for round in 0..<5 {
                for (path, body, _) in Self.creates {
                    let headers = [("Idempotency-Key", "race-\(round)-\(path)")]
                    let adjusted = body.replacingOccurrences(of: "dem", with: "dem\(round)")
                    let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                        for _ in 0..<4 {
                            group.addTask { try await server.request(.POST, path, key: tenant.key, headers: headers, body: adjusted) }
                        }
                        return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
                    }
                    let originals = responses.indices.filter {
                        responses[$0].status == 201 && responses[$0].header("Idempotent-Replayed") == nil
                    }
                    #expect(originals.count == 1, "\(path) \(responses.map(\.status))")
                    for (index, response) in responses.enumerated() where index != originals.first {
                        if response.status == 201 {
                            #expect(response.header("Idempotent-Replayed") == "true")
                            #expect(response.body == originals.first.map { responses[$0].body })
                        } else {
                            #expect(response.status == 409, "\(path) \(response.body)")
                            #expect(response.code == "CONFLICT")
                        }
                    }
                }
            }
            for (path, _, _) in Self.creates {
                #expect(try await Self.total(server, tenant.key, path) == 5, "\(path)")
            }
        }
    }

    @Test("a request that died mid-flight does not block its retry: after the claim's lease the retry runs; before it, 409", arguments: TestEngines.all)
    func abandonedClaim(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let body = #"{"name":"Retried"}"#
            let hash = Hex.encode(SHA256.hash(data: Array(body.utf8)))
            let records = server.database.tenant(tenant.id).idempotency
            // What a node that crashed (or whose clean-up failed) leaves: a claim without an answer.
            let now = Timestamp.now.seconds
            _ = try await records.claim(method: "POST", route: "/v2/creators", key: "crashed", requestHash: hash,
                                        now: now - IdempotencyRepository.lease - 1)
            _ = try await records.claim(method: "POST", route: "/v2/creators", key: "running", requestHash: hash, now: now)

            let retried = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: [("Idempotency-Key", "crashed")], body: body)
            #expect(retried.status == 201)
            let replayed = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: [("Idempotency-Key", "crashed")], body: body)
            #expect(replayed.status == 201 && replayed.header("Idempotent-Replayed") == "true" && replayed.body == retried.body)
            let inFlight = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: [("Idempotency-Key", "running")], body: body)
            #expect(inFlight.status == 409 && inFlight.code == "CONFLICT")
            #expect(try await Self.total(server, tenant.key, "/v2/creators") == 1)
        }
    }

    @Test("keys are bound to the route pattern: /v2/creators and /v2/creators/ with one key create one creator", arguments: TestEngines.all)
    func routePattern(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let headers = [("Idempotency-Key", "same-route")]
            let first = try await server.request(.POST, "/v2/creators", key: tenant.key, headers: headers, body: #"{"name":"Once"}"#)
            let second = try await server.request(.POST, "/v2/creators/", key: tenant.key, headers: headers, body: #"{"name":"Once"}"#)
            #expect(first.status == 201)
            #expect(second.status == 201 && second.header("Idempotent-Replayed") == "true")
            #expect(try await Self.total(server, tenant.key, "/v2/creators") == 1)
        }
    }

    @Test("PATCH, PUT, DELETE and the batch POSTs honour Idempotency-Key: a retry replays, the same key on another resource or with another body → 409",
          arguments: TestEngines.all)
    func everyWrite(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            func send(_ method: HTTPMethod, _ path: String, _ key: String, _ body: String? = nil) async throws -> TestResponse {
                try await server.request(method, path, key: tenant.key, headers: [("Idempotency-Key", key)], body: body)
            }
            let account = try await Track.account(server, tenant, username: "kept")["id"] as? String ?? ""
            let other = try await Track.account(server, tenant, username: "other")["id"] as? String ?? ""
            let creator = try await Track.creator(server, tenant, name: "Ada")["id"] as? String ?? ""

            // PATCH: the replay is the first answer, even after the resource changed in between.
            let patched = try await send(.PATCH, "/v2/accounts/\(account)", "patch-1", #"{"category":"first"}"#)
            #expect(patched.status == 200 && patched.header("Idempotent-Replayed") == nil)
            #expect(try await server.request(.PATCH, "/v2/accounts/\(account)", key: tenant.key, body: #"{"category":"second"}"#).status == 200)
            let replayed = try await send(.PATCH, "/v2/accounts/\(account)", "patch-1", #"{"category":"first"}"#)
            #expect(replayed.status == 200 && replayed.header("Idempotent-Replayed") == "true" && replayed.body == patched.body)
            #expect(try await server.request(.GET, "/v2/accounts/\(account)", key: tenant.key).data["category"] as? String == "second")
            // One key, one route pattern, another resource: 409, and the other account is untouched.
            let elsewhere = try await send(.PATCH, "/v2/accounts/\(other)", "patch-1", #"{"category":"first"}"#)
            #expect(elsewhere.status == 409 && elsewhere.code == "CONFLICT")
            #expect(try await server.request(.GET, "/v2/accounts/\(other)", key: tenant.key).data["category"] is NSNull)
            #expect(try await send(.PATCH, "/v2/accounts/\(account)", "patch-1", #"{"category":"third"}"#).status == 409)

            // PUT (no body): the link's 201 and Location replay; the same key for another account is a 409.
            let link = try await send(.PUT, "/v2/creators/\(creator)/accounts/\(account)", "link-1")
            #expect(link.status == 201 && link.header("Location") != nil)
            let linkAgain = try await send(.PUT, "/v2/creators/\(creator)/accounts/\(account)", "link-1")
            #expect(linkAgain.status == 201 && linkAgain.header("Idempotent-Replayed") == "true")
            #expect(linkAgain.header("Location") == link.header("Location") && linkAgain.body == link.body)
            #expect(try await send(.PUT, "/v2/creators/\(creator)/accounts/\(other)", "link-1").status == 409)
            #expect(try await server.request(.GET, "/v2/accounts/\(other)", key: tenant.key).data["creator_id"] is NSNull)
            // Upper-case ids in the path are the same resource, so the same request.
            let upper = try await send(.PUT, "/v2/creators/\(creator.uppercased())/accounts/\(account.uppercased())", "link-1")
            #expect(upper.header("Idempotent-Replayed") == "true")

            // DELETE (no body): 204 replays without a body; the key cannot delete a second resource.
            let deleted = try await send(.DELETE, "/v2/accounts/\(account)", "delete-1")
            #expect(deleted.status == 204 && deleted.body.isEmpty)
            let deletedAgain = try await send(.DELETE, "/v2/accounts/\(account)", "delete-1")
            #expect(deletedAgain.status == 204 && deletedAgain.header("Idempotent-Replayed") == "true" && deletedAgain.body.isEmpty)
            #expect(deletedAgain.header("Content-Type") == nil)
            #expect(try await send(.DELETE, "/v2/accounts/\(other)", "delete-1").status == 409)
            #expect(try await server.request(.GET, "/v2/accounts/\(other)", key: tenant.key).status == 200)
            // Without a key, deleting twice is what it always was: 204, then 404.
            #expect(try await server.request(.DELETE, "/v2/accounts/\(other)", key: tenant.key).status == 204)
            #expect(try await server.request(.DELETE, "/v2/accounts/\(other)", key: tenant.key).status == 404)

            // PATCH /v2/organization and a read-only batch POST.
            let renamed = try await send(.PATCH, "/v2/organization", "org-1", #"{"name":"Renamed once"}"#)
            #expect(try await send(.PATCH, "/v2/organization", "org-1", #"{"name":"Renamed once"}"#).body == renamed.body)
            let metrics = try await send(.POST, "/v2/accounts/metrics", "metrics-1", #"{"account_ids":["\#(account)"]}"#)
            #expect(metrics.status == 200)
            let metricsAgain = try await send(.POST, "/v2/accounts/metrics", "metrics-1", #"{"account_ids":["\#(account)"]}"#)
            #expect(metricsAgain.header("Idempotent-Replayed") == "true" && metricsAgain.body == metrics.body)
            let invalidKey = try await server.request(.DELETE, "/v2/creators/\(creator)", key: tenant.key,
                                                      headers: [("Idempotency-Key", String(repeating: "k", count: 256))])
            Check.validation(invalidKey, ["Idempotency-Key"])
            #expect(try await server.request(.GET, "/v2/creators/\(creator)", key: tenant.key).status == 200)
        }
    }

    @Test("records older than 24 hours are purged; younger ones stay", arguments: TestEngines.all)
    func retention(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let database = testDatabase.database
            let organization = try await Fixtures.organization(database)
            let records = database.tenant(organization.id).idempotency
            let now = Timestamp.now.seconds
            _ = try await records.claim(method: "POST", route: "/v2/creators", key: "old", requestHash: "h",
                                        now: now - IdempotencyRepository.lifetime - 10)
            _ = try await records.claim(method: "POST", route: "/v2/creators", key: "young", requestHash: "h", now: now - 3600)
            #expect(try await IdempotencyRetention.purge(database, now: now) == 1)
            let left = try await database.read(scope: .test) { db in
                try await db.raw("SELECT idempotency_key FROM idempotency_records").all().map { try $0.decode(column: "idempotency_key", as: String.self) }
            }
            #expect(left == ["young"])
        }
    }
}
