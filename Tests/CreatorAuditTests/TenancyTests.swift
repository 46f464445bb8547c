// Two organizations on one server: each key sees only its own organization.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Tenancy")
struct TenancyTests {
    @Test("each organization's key sees only its own organization on every endpoint", arguments: TestEngines.all)
    func twoOrganizations(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let acme = try await Fixtures.organization(server.database, name: "Acme")
            let globex = try await Fixtures.organization(server.database, name: "Globex")
            let acmeKey = try await Fixtures.key(server.services, acme, name: "acme key").token.secret
            let globexKey = try await Fixtures.key(server.services, globex, name: "globex key").token.secret
            for (key, organization) in [(acmeKey, acme), (globexKey, globex)] {
                let whoami = try await server.whoami(key)
                #expect(whoami.data["organization_id"] as? String == organization.id.description)
                #expect(whoami.data["organization_name"] as? String == organization.name)
                let shown = try await server.request(.GET, "/v2/organization", key: key)
                #expect(shown.data["id"] as? String == organization.id.description)
                #expect(shown.data["name"] as? String == organization.name)
            }
            // Nothing a client sends selects another organization.
            let attempts: [(String, [(String, String)])] = [
                ("/v2/organization?organization_id=\(globex.id)", []),
                ("/v2/organization", [("X-Organization-ID", globex.id.description)]),
                ("/v2/whoami?org=\(globex.id)", []),
            ]
            for (path, headers) in attempts {
                let response = try await server.request(.GET, path, key: acmeKey, headers: headers)
                let id = response.data["id"] as? String ?? response.data["organization_id"] as? String
                #expect(id == acme.id.description)
            }
            // A PATCH by one organization changes only that organization.
            let renamed = try await server.request(.PATCH, "/v2/organization", key: acmeKey,
                                                   body: #"{"name":"Acme Renamed","organization_id":"\#(globex.id)"}"#)
            #expect(renamed.status == 200)
            #expect(try await OrganizationRepository(database: server.database).find(globex.id)?.name == "Globex")
            #expect(try await OrganizationRepository(database: server.database).find(acme.id)?.name == "Acme Renamed")
            #expect(try await server.whoami(globexKey).data["organization_name"] as? String == "Globex")
        }
    }

    @Test("lists filtered by another organization's ids answer 404 exactly like unknown ids, and analytics of its objects show nothing of it",
          arguments: TestEngines.all)
    func foreignIDs(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let acme = try await Fixtures.organization(server.database, name: "Acme")
            let globex = try await Fixtures.organization(server.database, name: "Globex")
            let acmeKey = try await Fixtures.key(server.services, acme, name: "acme key").token.secret
            let globexKey = try await Fixtures.key(server.services, globex, name: "globex key").token.secret
            let creator = try await server.request(.POST, "/v2/creators", key: acmeKey, body: #"{"name":"Ana"}"#)
            let creatorID = try #require(creator.data["id"] as? String, "\(creator.status) \(creator.body)")
            let account = try await server.request(.POST, "/v2/accounts", key: acmeKey,
                                                   body: #"{"platform":"instagram","username":"ana","creator_id":"\#(creatorID)"}"#)
            let accountID = try #require(account.data["id"] as? String)
            let mine = try await server.request(.GET, "/v2/accounts?creator_id=\(creatorID)", key: acmeKey)
            #expect((mine.json["data"] as? [Any])?.count == 1)
            // The peer gets what an unknown id gets — 404 — so a list never confirms or echoes the owner's id.
            let unknown = UUID().uuidString.lowercased()
            for (foreign, missing) in [("/v2/accounts?creator_id=\(creatorID)", "/v2/accounts?creator_id=\(unknown)"),
                                       ("/v2/videos?account_id=\(accountID)", "/v2/videos?account_id=\(unknown)"),
                                       ("/v2/account-videos?account_id=\(accountID)", "/v2/account-videos?account_id=\(unknown)")] {
                let response = try await server.request(.GET, foreign, key: globexKey)
                Check.sameNotFound(response, try await server.request(.GET, missing, key: globexKey))
                #expect(!response.body.contains(creatorID) && !response.body.contains(accountID), "\(foreign)")
                // The owner's own filter works; one of its own ids that matches nothing is an empty page.
                #expect(try await server.request(.GET, foreign, key: acmeKey).status == 200, "\(foreign)")
            }
            let emptyCreator = try await server.request(.POST, "/v2/creators", key: globexKey, body: #"{"name":"Nobody"}"#)
            let empty = try await server.request(.GET, "/v2/accounts?creator_id=\(emptyCreator.id)", key: globexKey)
            #expect(empty.status == 200)
            #expect(empty.items.isEmpty)
            #expect(empty.filters["creator_id"] as? String == emptyCreator.id)
            for path in ["/v2/accounts/\(accountID)/timeseries", "/v2/creators/\(creatorID)/timeseries",
                         "/v2/creators/\(creatorID)/analytics"] {
                #expect(try await server.request(.GET, path, key: globexKey).status == 404, "\(path)")
                #expect(try await server.request(.GET, path, key: acmeKey).status == 200, "\(path)")
            }
            let batch = try await server.request(.POST, "/v2/accounts/metrics", key: globexKey,
                                                 body: #"{"account_ids":["\#(accountID)"]}"#)
            #expect(batch.status == 200)
            #expect(batch.data.isEmpty)
            #expect((batch.json["meta"] as? [String: Any])?["not_found"] as? [String] == [accountID])
            for path in ["/v2/overview", "/v2/overview/timeseries", "/v2/creators/top"] {
                let response = try await server.request(.GET, path, key: globexKey)
                #expect(response.status == 200, "\(path)")
                #expect(!response.body.contains(creatorID) && !response.body.contains(accountID), "\(path)")
            }
            for path in ["/v2/videos/metrics", "/v2/account-videos/metrics", "/v2/videos/deltas"] {
                let response = try await server.request(.POST, path, key: globexKey, body: #"{"video_ids":["\#(accountID)"]}"#)
                #expect(response.status == 200, "\(path)")
                #expect(response.data.isEmpty, "\(path)")
            }
        }
    }
}
