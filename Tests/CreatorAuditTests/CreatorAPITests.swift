// `/v2/creators` and linking accounts to them: PUT/DELETE /v2/creators/{id}/accounts/{account_id}.
import Foundation
import NIOHTTP1
import Testing
@testable import CreatorAudit

@Suite("Creators API")
struct CreatorAPITests {
    @Test("POST creates a creator: 201 + Location, shape with an empty accounts_summary; GET, PATCH, DELETE",
          arguments: TestEngines.all)
    func crud(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let response = try await server.request(.POST, "/v2/creators", key: tenant.key,
                                                    body: #"{"name":"Ada Lovelace","metadata":{"agency":"north"},"extra":true}"#)
            #expect(response.status == 201)
            let id = response.id
            #expect(response.header("Location") == "https://localhost:8443/v2/creators/\(id)")
            #expect(Set(response.data.keys) == ["type", "id", "name", "is_active", "metadata", "accounts_summary", "created_at"])
            #expect(response.data["type"] as? String == "creator")
            #expect(response.data["name"] as? String == "Ada Lovelace")
            #expect(response.data["is_active"] as? Bool == true)
            #expect(response.data["metadata"] as? [String: String] == ["agency": "north"])
            let summary = try #require(response.data["accounts_summary"] as? [String: Any])
            #expect(summary["total"] as? Int == 0)
            #expect(summary["total_followers"] as? Int == 0)
            #expect(summary["platforms"] as? [String: Int] == ["instagram": 0, "tiktok": 0])
            let shown = try await server.request(.GET, "/v2/creators/\(id)", key: tenant.readKey)
            #expect(shown.body == response.body)
            let etag = try await Check.conditional(server, "/v2/creators/\(id)", key: tenant.key)

            let patched = try await server.request(.PATCH, "/v2/creators/\(id)", key: tenant.key,
                                                   body: #"{"name":"Ada King","metadata":{}}"#)
            #expect(patched.status == 200)
            #expect(patched.data["name"] as? String == "Ada King")
            #expect(patched.data["metadata"] as? [String: String] == [:])
            let changed = try await server.request(.GET, "/v2/creators/\(id)", key: tenant.key, headers: [("If-None-Match", etag)])
            #expect(changed.status == 200 && changed.header("ETag") != etag)

            let deleted = try await server.request(.DELETE, "/v2/creators/\(id)", key: tenant.key)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            Check.notFound(try await server.request(.GET, "/v2/creators/\(id)", key: tenant.key))
            Check.notFound(try await server.request(.DELETE, "/v2/creators/\(id)", key: tenant.key))
        }
    }

    @Test("creator validation lists every problem: name 1–255, is_active boolean, metadata limits", arguments: TestEngines.all)
    func validation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let long = String(repeating: "n", count: 256)
            let tooMany = (0..<21).map { #""k\#($0)":"v""# }.joined(separator: ",")
            Check.validation(try await server.request(.POST, "/v2/creators", key: tenant.key, body: "{}"), ["name"])
            Check.validation(try await server.request(.POST, "/v2/creators", key: tenant.key, body: #"{"name":null}"#), ["name"])
            Check.validation(try await server.request(.POST, "/v2/creators", key: tenant.key,
                                                      body: #"{"name":"\#(long)","is_active":"true","metadata":{\#(tooMany)}}"#),
                             ["name", "is_active", "metadata"])
            Check.validation(try await server.request(.POST, "/v2/creators", key: tenant.key, body: #"{"name":""}"#), ["name"])
            _ = try await Track.creator(server, tenant, name: String(repeating: "n", count: 255))
            let creator = try await Track.creator(server, tenant, name: "Valid")
            let id = try #require(creator["id"] as? String)
            Check.validation(try await server.request(.PATCH, "/v2/creators/\(id)", key: tenant.key,
                                                      body: #"{"name":"","is_active":null,"metadata":{"a":"\#(long)"}}"#),
                             ["name", "is_active", "metadata.a"])
            #expect(try await server.request(.GET, "/v2/creators/\(id)", key: tenant.key).data["name"] as? String == "Valid")
        }
    }

    @Test("linking: 201 + Location the first time, 200 when already linked, 409 when another creator owns the account; unlinking: 204, then 404 when not linked to this creator", arguments: TestEngines.all)
    func links(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let ada = try #require(try await Track.creator(server, tenant, name: "Ada")["id"] as? String)
            let bob = try #require(try await Track.creator(server, tenant, name: "Bob")["id"] as? String)
            let account = try #require(try await Track.account(server, tenant, username: "ada.ig")["id"] as? String)
            let tiktok = try #require(try await Track.account(server, tenant, platform: "tiktok", username: "ada.tt")["id"] as? String)
            try await server.database.write(scope: .test) { db in
                try await db.raw("UPDATE accounts SET follower_count = 1000 WHERE id = \(bind: account)").run()
                try await db.raw("UPDATE accounts SET follower_count = 234 WHERE id = \(bind: tiktok)").run()
            }

            let linked = try await server.request(.PUT, "/v2/creators/\(ada)/accounts/\(account)", key: tenant.key)
            #expect(linked.status == 201)
            #expect(linked.header("Location") == "https://localhost:8443/v2/accounts/\(account)")
            #expect(linked.data["type"] as? String == "account")
            #expect(linked.data["id"] as? String == account)
            #expect(linked.data["creator_id"] as? String == ada)
            #expect(linked.data["creator_name"] as? String == "Ada")
            let again = try await server.request(.PUT, "/v2/creators/\(ada)/accounts/\(account)", key: tenant.key)
            #expect(again.status == 200)
            #expect(again.header("Location") == nil)
            #expect(again.data["creator_id"] as? String == ada)
            let stolen = try await server.request(.PUT, "/v2/creators/\(bob)/accounts/\(account)", key: tenant.key)
            #expect(stolen.status == 409)
            #expect(stolen.code == "CONFLICT")
            #expect(try await server.request(.PUT, "/v2/creators/\(ada)/accounts/\(tiktok)", key: tenant.key).status == 201)

            // accounts_summary counts the linked accounts.
            let summary = try #require(try await server.request(.GET, "/v2/creators/\(ada)", key: tenant.key)
                .data["accounts_summary"] as? [String: Any])
            #expect(summary["total"] as? Int == 2)
            #expect(summary["platforms"] as? [String: Int] == ["instagram": 1, "tiktok": 1])
            #expect(summary["total_followers"] as? Int == 1234)
            let bobSummary = try await server.request(.GET, "/v2/creators/\(bob)", key: tenant.key).data["accounts_summary"] as? [String: Any]
            #expect(bobSummary?["total"] as? Int == 0)
            // The account list filters by creator.
            let byCreator = try await server.request(.GET, "/v2/accounts?creator_id=\(ada)&order_by=username&order_direction=asc",
                                                     key: tenant.key)
            #expect(byCreator.items.compactMap { $0["id"] as? String } == [account, tiktok])

            Check.notFound(try await server.request(.DELETE, "/v2/creators/\(bob)/accounts/\(account)", key: tenant.key))
            let unlinked = try await server.request(.DELETE, "/v2/creators/\(ada)/accounts/\(account)", key: tenant.key)
            #expect(unlinked.status == 204)
            #expect(unlinked.body.isEmpty)
            Check.notFound(try await server.request(.DELETE, "/v2/creators/\(ada)/accounts/\(account)", key: tenant.key))
            let free = try await server.request(.GET, "/v2/accounts/\(account)", key: tenant.key)
            #expect(free.data["creator_id"] is NSNull)
            #expect(free.data["creator_name"] is NSNull)
            // Now Bob may have it.
            #expect(try await server.request(.PUT, "/v2/creators/\(bob)/accounts/\(account)", key: tenant.key).status == 201)
            // Malformed ids in either position → 404.
            Check.notFound(try await server.request(.PUT, "/v2/creators/nope/accounts/\(account)", key: tenant.key))
            Check.notFound(try await server.request(.PUT, "/v2/creators/\(ada)/accounts/nope", key: tenant.key))
            Check.notFound(try await server.request(.DELETE, "/v2/creators/\(ada)/accounts/nope", key: tenant.key))
            Check.notFound(try await server.request(.PUT, "/v2/creators/\(ada)/accounts/\(UUID())", key: tenant.key))
        }
    }

    @Test("deactivating a creator pauses its accounts; reactivating resumes only those it paused", arguments: TestEngines.all)
    func pauseAndResume(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let creator = try #require(try await Track.creator(server, tenant, name: "Cleo")["id"] as? String)
            let running = try #require(try await Track.account(server, tenant, username: "running",
                                                                extra: #""creator_id":"\#(creator)""#)["id"] as? String)
            let userPaused = try #require(try await Track.account(server, tenant, username: "userpaused",
                                                                   extra: #""creator_id":"\#(creator)","is_active":false"#)["id"] as? String)
            let unrelated = try #require(try await Track.account(server, tenant, username: "unrelated")["id"] as? String)
            func active(_ id: String) async throws -> Bool? {
                try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key).data["is_active"] as? Bool
            }

            let off = try await server.request(.PATCH, "/v2/creators/\(creator)", key: tenant.key, body: #"{"is_active":false}"#)
            #expect(off.status == 200)
            #expect(off.data["is_active"] as? Bool == false)
            #expect(try await active(running) == false)
            #expect(try await active(userPaused) == false)
            #expect(try await active(unrelated) == true)
            // An account linked while the creator is inactive is paused too; an account created for it as well.
            let late = try #require(try await Track.account(server, tenant, username: "late")["id"] as? String)
            #expect(try await server.request(.PUT, "/v2/creators/\(creator)/accounts/\(late)", key: tenant.key).data["is_active"] as? Bool == false)
            let born = try await Track.account(server, tenant, username: "born", extra: #""creator_id":"\#(creator)""#)
            #expect(born["is_active"] as? Bool == false)
            let inactive = try await server.request(.GET, "/v2/accounts?creator_id=\(creator)&is_active=false&include_total=true",
                                                    key: tenant.key)
            #expect(inactive.pagination["total_count"] as? Int == 4)

            let on = try await server.request(.PATCH, "/v2/creators/\(creator)", key: tenant.key, body: #"{"is_active":true}"#)
            #expect(on.data["is_active"] as? Bool == true)
            #expect(try await active(running) == true)
            #expect(try await active(late) == true)
            #expect(try await active(born["id"] as? String ?? "") == true)
            #expect(try await active(userPaused) == false)  // the user paused it; it stays paused
            #expect(try await active(unrelated) == true)

            // An account the user pauses explicitly while the creator is inactive stays paused after reactivation.
            _ = try await server.request(.PATCH, "/v2/creators/\(creator)", key: tenant.key, body: #"{"is_active":false}"#)
            _ = try await server.request(.PATCH, "/v2/accounts/\(running)", key: tenant.key, body: #"{"is_active":false}"#)
            _ = try await server.request(.PATCH, "/v2/creators/\(creator)", key: tenant.key, body: #"{"is_active":true}"#)
            #expect(try await active(running) == false)
            #expect(try await active(late) == true)
            // The creator list filters by activity.
            let activeCreators = try await server.request(.GET, "/v2/creators?is_active=true", key: tenant.key)
            #expect(activeCreators.items.count == 1)
            #expect(try await server.request(.GET, "/v2/creators?is_active=false", key: tenant.key).items.isEmpty)
        }
    }

    @Test("deleting a creator unlinks its accounts; they stay tracked", arguments: TestEngines.all)
    func deleteUnlinks(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let creator = try #require(try await Track.creator(server, tenant, name: "Dora")["id"] as? String)
            let first = try #require(try await Track.account(server, tenant, username: "dora1", extra: #""creator_id":"\#(creator)""#)["id"] as? String)
            let second = try #require(try await Track.account(server, tenant, username: "dora2", extra: #""creator_id":"\#(creator)""#)["id"] as? String)
            #expect(try await server.request(.DELETE, "/v2/creators/\(creator)", key: tenant.key).status == 204)
            for id in [first, second] {
                let account = try await server.request(.GET, "/v2/accounts/\(id)", key: tenant.key)
                #expect(account.status == 200)
                #expect(account.data["creator_id"] is NSNull)
                #expect(account.data["creator_name"] is NSNull)
            }
            #expect(try await server.request(.GET, "/v2/accounts?creator_id=\(creator)", key: tenant.key).items.isEmpty)
            #expect(try await server.request(.GET, "/v2/accounts?include_total=true", key: tenant.key).pagination["total_count"] as? Int == 2)
            Check.notFound(try await server.request(.PUT, "/v2/creators/\(creator)/accounts/\(first)", key: tenant.key))
        }
    }

    @Test("another organization's creator or account answers like a missing one on every creator route, including both link positions; foreign creator_id filters give empty lists", arguments: TestEngines.all)
    func tenancy(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let owner = try await Tenant.make(server)
            let intruder = try await Tenant.make(server)
            let foreignCreator = try #require(try await Track.creator(server, owner, name: "Owned")["id"] as? String)
            let foreignAccount = try #require(try await Track.account(server, owner, username: "owned",
                                                                       extra: #""creator_id":"\#(foreignCreator)""#)["id"] as? String)
            let ownCreator = try #require(try await Track.creator(server, intruder, name: "Mine")["id"] as? String)
            let ownAccount = try #require(try await Track.account(server, intruder, username: "mine")["id"] as? String)
            let missing = UUID().uuidString.lowercased()
            let key = intruder.key
            Check.sameNotFound(try await server.request(.GET, "/v2/creators/\(foreignCreator)", key: key),
                               try await server.request(.GET, "/v2/creators/\(missing)", key: key))
            Check.sameNotFound(try await server.request(.PATCH, "/v2/creators/\(foreignCreator)", key: key, body: #"{"is_active":false}"#),
                               try await server.request(.PATCH, "/v2/creators/\(missing)", key: key, body: #"{"is_active":false}"#))
            Check.sameNotFound(try await server.request(.DELETE, "/v2/creators/\(foreignCreator)", key: key),
                               try await server.request(.DELETE, "/v2/creators/\(missing)", key: key))
            // PUT/DELETE link with a foreign creator, or with a foreign account.
            for method in [HTTPMethod.PUT, .DELETE] {
                Check.sameNotFound(try await server.request(method, "/v2/creators/\(foreignCreator)/accounts/\(ownAccount)", key: key),
                                   try await server.request(method, "/v2/creators/\(missing)/accounts/\(ownAccount)", key: key))
                Check.sameNotFound(try await server.request(method, "/v2/creators/\(ownCreator)/accounts/\(foreignAccount)", key: key),
                                   try await server.request(method, "/v2/creators/\(ownCreator)/accounts/\(missing)", key: key))
                Check.notFound(try await server.request(method, "/v2/creators/\(foreignCreator)/accounts/\(foreignAccount)", key: key))
            }
            #expect(try await server.request(.GET, "/v2/accounts?creator_id=\(foreignCreator)", key: key).items.isEmpty)
            #expect(try await server.request(.GET, "/v2/creators", key: key).items.count == 1)
            // The owner's data is untouched.
            let still = try await server.request(.GET, "/v2/accounts/\(foreignAccount)", key: owner.key)
            #expect(still.data["creator_id"] as? String == foreignCreator)
            #expect(still.data["is_active"] as? Bool == true)
            #expect(try await server.request(.GET, "/v2/creators/\(foreignCreator)", key: owner.key).data["is_active"] as? Bool == true)
        }
    }

    @Test("a read-only key gets 403 INSUFFICIENT_SCOPE on every creator write, link and unlink", arguments: TestEngines.all)
    func scopes(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let creator = try #require(try await Track.creator(server, tenant, name: "Eve")["id"] as? String)
            let account = try #require(try await Track.account(server, tenant, username: "eve")["id"] as? String)
            let read = tenant.readKey
            Check.insufficientScope(try await server.request(.POST, "/v2/creators", key: read, body: #"{"name":"x"}"#))
            Check.insufficientScope(try await server.request(.PATCH, "/v2/creators/\(creator)", key: read, body: #"{"name":"x"}"#))
            Check.insufficientScope(try await server.request(.DELETE, "/v2/creators/\(creator)", key: read))
            Check.insufficientScope(try await server.request(.PUT, "/v2/creators/\(creator)/accounts/\(account)", key: read))
            Check.insufficientScope(try await server.request(.DELETE, "/v2/creators/\(creator)/accounts/\(account)", key: read))
            #expect(try await server.request(.GET, "/v2/creators/\(creator)", key: read).status == 200)
            #expect(try await server.request(.GET, "/v2/creators", key: read).items.count == 1)
        }
    }

    @Test("the creator list sorts by name (ascending by default, case-insensitive, ties by id) and pages",
          arguments: TestEngines.all)
    func list(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            for name in ["delta", "Alpha", "charlie", "Bravo", "alpha"] { _ = try await Track.creator(server, tenant, name: name) }
            let all = try await server.request(.GET, "/v2/creators", key: tenant.key)
            let names = all.items.compactMap { $0["name"] as? String }
            #expect(names.map { $0.lowercased() } == ["alpha", "alpha", "bravo", "charlie", "delta"])
            let alphas = all.items.prefix(2).compactMap { $0["id"] as? String }
            #expect(alphas == alphas.sorted())
            #expect(all.filters as? [String: String] == ["order_by": "name", "order_direction": "asc"])
            let descending = try await server.request(.GET, "/v2/creators?sort=-name", key: tenant.key)
            #expect(descending.items.compactMap { ($0["name"] as? String)?.lowercased() } == ["delta", "charlie", "bravo", "alpha", "alpha"])
            #expect(descending.filters["order_direction"] as? String == "desc")
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await server.request(.GET, "/v2/creators?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), key: tenant.key)
                #expect(page.status == 200)
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == all.items.compactMap { $0["id"] as? String })
            Check.validation(try await server.request(.GET, "/v2/creators?order_by=created_at&is_active=maybe&limit=0", key: tenant.key),
                             ["order_by", "is_active", "limit"])
            try await Check.conditional(server, "/v2/creators", key: tenant.key)
        }
    }
}

