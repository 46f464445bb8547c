// `GET /v2/search`: one query over the organization's accounts, creators and videos.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Search API")
struct SearchAPITests {
    @Test("search answers accounts, creators and videos in sections with meta; only the caller's organization",
          arguments: TestEngines.all)
    func sections(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let other = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "surf.daily")
            let accountID = try #require(account["id"] as? String)
            _ = try await Track.account(server, tenant, platform: "tiktok", username: "cooking")
            let creator = try await Track.creator(server, tenant, name: "The SURF Club")
            let video = try await Track.accountVideo(server, tenant, accountID: accountID, description: "Big Surf at dawn")
            // The other organization has matching data too; none of it may appear.
            _ = try await Track.account(server, other, username: "surf.other")
            _ = try await Track.creator(server, other, name: "Surf Other")
            let otherAccount = try #require(try await Track.account(server, other, username: "x")["id"] as? String)
            try await Track.accountVideo(server, other, accountID: otherAccount, description: "surf elsewhere")

            let response = try await server.request(.GET, "/v2/search?q=Surf", key: tenant.readKey)
            #expect(response.status == 200)
            let data = response.data
            #expect(Set(data.keys) == ["accounts", "creators", "videos"])
            let accounts = try #require(data["accounts"] as? [[String: Any]])
            try #require(accounts.count == 1)
            #expect(Set(accounts[0].keys) == ["id", "platform", "username", "display_name"])
            #expect(accounts[0]["id"] as? String == accountID)
            #expect(accounts[0]["platform"] as? String == "instagram")
            #expect(accounts[0]["username"] as? String == "surf.daily")
            #expect(accounts[0]["display_name"] is NSNull)
            let creators = try #require(data["creators"] as? [[String: Any]])
            try #require(creators.count == 1)
            #expect(Set(creators[0].keys) == ["id", "name"])
            #expect(creators[0]["id"] as? String == creator["id"] as? String)
            #expect(creators[0]["name"] as? String == "The SURF Club")
            let videos = try #require(data["videos"] as? [[String: Any]])
            try #require(videos.count == 1)
            #expect(Set(videos[0].keys) == ["id", "platform", "caption", "account_id", "account_username"])
            #expect(videos[0]["id"] as? String == video.id.description)
            #expect(videos[0]["caption"] as? String == "Big Surf at dawn")
            #expect(videos[0]["account_id"] as? String == accountID)
            let meta = try #require(response.json["meta"] as? [String: Any])
            #expect(meta["query"] as? String == "Surf")
            #expect(meta["limit_per_section"] as? Int == 10)
            #expect(meta["effective_caps"] is [String: Any])
            try await Check.conditional(server, "/v2/search?q=surf", key: tenant.key)

            // LIKE wildcards in q match themselves.
            let wildcard = try await server.request(.GET, "/v2/search?q=%25", key: tenant.key)
            #expect((wildcard.data["accounts"] as? [Any])?.isEmpty == true)
            let underscore = try await server.request(.GET, "/v2/search?q=_", key: tenant.key)
            #expect((underscore.data["accounts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("blank q gives empty sections; q over 128 characters → 422; limit 1–25 (never clamped)", arguments: TestEngines.all)
    func limits(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            try await Track.accounts(server, tenant, count: 30) { index, account in account.username = "match\(index)" }
            for query in ["", "?q=", "?q=%20%20", "?q=%09"] {
                let response = try await server.request(.GET, "/v2/search\(query)", key: tenant.key)
                #expect(response.status == 200, "\(query)")
                for section in ["accounts", "creators", "videos"] {
                    #expect((response.data[section] as? [Any])?.isEmpty == true, "\(query) \(section)")
                }
            }
            let limited = try await server.request(.GET, "/v2/search?q=match&limit=25", key: tenant.key)
            #expect((limited.data["accounts"] as? [Any])?.count == 25)
            #expect((limited.json["meta"] as? [String: Any])?["limit_per_section"] as? Int == 25)
            let byDefault = try await server.request(.GET, "/v2/search?q=match", key: tenant.key)
            #expect((byDefault.data["accounts"] as? [Any])?.count == 10)
            Check.validation(try await server.request(.GET, "/v2/search?q=match&limit=26", key: tenant.key), ["limit"])
            Check.validation(try await server.request(.GET, "/v2/search?q=match&limit=0", key: tenant.key), ["limit"])
            Check.validation(try await server.request(.GET, "/v2/search?q=match&limit=ten", key: tenant.key), ["limit"])
            let exactly = String(repeating: "m", count: 128)
            #expect(try await server.request(.GET, "/v2/search?q=\(exactly)", key: tenant.key).status == 200)
            let tooLong = try await server.request(.GET, "/v2/search?q=\(exactly)m&limit=99", key: tenant.key)
            Check.validation(tooLong, ["q", "limit"])
            #expect(!tooLong.body.contains(exactly))
        }
    }
}
