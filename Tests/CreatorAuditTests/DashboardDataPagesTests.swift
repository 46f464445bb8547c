// The dashboard's data pages over live TLS (README, "Dashboard"): every page renders from the same store and analytics
// as the API — its numbers equal the API's for the same range — another organization's ids are "not found" on every
// page with an id, members see no write controls and their forged forms change nothing, and owners' and admins'
// forms do what the API would (with audit events where the product audits).
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Dashboard: data pages")
struct DashboardDataPagesTests {
    /// `data-<attribute>="name" data-value="…"` of a page, by name.
    static func dataValues(_ body: String, attribute: String) -> [String: String] {
        var values: [String: String] = [:]
        let pattern = "data-\(attribute)=\"([a-z_]+)\" data-value=\"([^\"]*)\""
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [:] }
        for match in regex.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
            if let name = Range(match.range(at: 1), in: body), let value = Range(match.range(at: 2), in: body) {
                values[String(body[name])] = String(body[value])
            }
        }
        return values
    }

    /// Two numbers from the page and the API are the same number (integers exactly, rates as decimals).
    static func same(_ page: String?, _ api: Any?) -> Bool {
        switch api {
        case let number as NSNumber:
            guard let page, let value = Double(page) else { return false }
            return abs(value - number.doubleValue) < 1e-9
        case nil, is NSNull: return page == nil || page == ""
        default: return false
        }
    }

    /// Every page of the organization, with the ids of its resources.
    static func pages(_ data: PopulatedTenant) -> [String] {
        let account = data.accounts[0].id, creator = data.creators[0].id
        return ["/", "/?period=7d", "/?period=custom&start_date=\(UTCDay.date(UTCDay.today - 9))&end_date=\(UTCDay.date(UTCDay.today))",
                "/accounts", "/accounts?sort=views_range&dir=desc", "/accounts?sort=creator&col=platform&col=creator",
                "/accounts/\(account)", "/accounts/\(account)?period=90d", "/creators", "/creators?sort=views_range",
                "/creators/\(creator)", "/account-videos", "/account-videos?sort=views_total&q=clip",
                "/account-videos/\(data.accountVideos[0].id)", "/videos", "/videos/\(data.individualVideo.id)",
                "/usage", "/settings"]
    }

    @Test("every data page renders for an owner, inside the layout, with the CSP and no inline script", arguments: TestEngines.all)
    func everyPageRenders(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (owner, _) = try await MemberFixtures.signedIn(server, data.organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            for path in Self.pages(data) {
                let page = try await owner.get(path)
                #expect(page.status == 200, "\(path): \(page.status) \(page.body.prefix(300))")
                #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true, "\(path)")
                #expect(page.body.contains("<nav aria-label=\"Dashboard\">"), "\(path)")
                #expect(!page.body.contains("<script>") && !page.body.contains("onclick="), "\(path)")
                #expect(!page.body.contains("{{"), "\(path): an unrendered template tag")
            }
            // Charts are drawn where history exists; an unknown day (day 25 had no snapshot) is not a drop to 0.
            let account = try await owner.get("/accounts/\(data.accounts[0].id)?period=90d")
            #expect(account.body.contains("aria-label=\"Followers, "))
            #expect(account.body.contains("<summary>Show the numbers</summary>"))
        }
    }

    @Test("the overview's KPI cards equal GET /v2/overview for the same period", arguments: TestEngines.all)
    func overviewMatchesTheAPI(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (owner, _) = try await MemberFixtures.signedIn(server, data.organization, role: .member)
            defer { Task { try? await owner.shutdown() } }
            for period in ["7d", "30d", "90d"] {
                let api = try await server.request(.GET, "/v2/overview?period=\(period)", key: data.tenant.readKey)
                #expect(api.status == 200)
                let current = try #require(api.data["current"] as? [String: Any])
                let page = try await owner.get("/?period=\(period)")
                let cards = Self.dataValues(page.body, attribute: "kpi")
                #expect(cards.count == 5)
                for name in ["total_views", "engagement_rate", "active_accounts", "account_videos", "tracked_videos"] {
                    #expect(Self.same(cards[name], current[name]), "\(period) \(name): page \(cards[name] ?? "-") API \(current[name] ?? "-")")
                }
                #expect((current["total_views"] as? Int ?? 0) > 0, "the fixture has views in \(period)")
            }
        }
    }

    @Test("an account's figures equal POST /v2/accounts/metrics for the same range", arguments: TestEngines.all)
    func accountMatchesTheAPI(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (owner, _) = try await MemberFixtures.signedIn(server, data.organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            let start = UTCDay.date(UTCDay.today - 20), end = UTCDay.date(UTCDay.today - 3)
            for account in data.accounts.prefix(2) {
                for (query, body) in [("period=30d", #""period":"30d""#),
                                      ("period=custom&start_date=\(start)&end_date=\(end)",
                                       #""period":"custom","start_date":"\#(start)","end_date":"\#(end)""#)] {
                    let api = try await server.request(.POST, "/v2/accounts/metrics", key: data.tenant.readKey,
                                                       body: #"{"account_ids":["\#(account.id)"],\#(body)}"#)
                    let figures = try #require((api.json["data"] as? [String: Any])?[account.id.description] as? [String: Any])
                    let page = try await owner.get("/accounts/\(account.id)?\(query)")
                    let metrics = Self.dataValues(page.body, attribute: "metric")
                    for name in ["views", "likes", "comments", "shares", "engagement_rate", "follower_count"] {
                        #expect(Self.same(metrics[name], figures[name]), "\(account.username) \(query) \(name): page \(metrics[name] ?? "-") API \(figures[name] ?? "-")")
                    }
                    #expect((figures["views"] as? Int ?? 0) > 0)
                }
            }
        }
    }

    @Test("another organization's ids are not found on every page with an id — exactly like missing ones",
          arguments: TestEngines.all)
    func crossOrganization(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let theirs = try await DashboardFixtures.populated(server, name: "Theirs")
            let mine = try await Tenant.make(server, name: "Mine")
            let (owner, _) = try await MemberFixtures.signedIn(server, mine.organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            let pages = [
                "/accounts/\(theirs.accounts[0].id)", "/accounts/\(theirs.accounts[0].id)/delete",
                "/creators/\(theirs.creators[0].id)", "/creators/\(theirs.creators[0].id)/delete",
                "/account-videos/\(theirs.accountVideos[0].id)", "/videos/\(theirs.individualVideo.id)",
                "/videos/\(theirs.individualVideo.id)/delete",
                // An account video is not an individual video, and the other way round.
                "/videos/\(theirs.accountVideos[0].id)",
            ]
            for path in pages {
                let foreign = try await owner.get(path)
                let missing = try await owner.get(path.replacingOccurrences(of: #"[0-9a-f]{8}-[0-9a-f-]{27}"#, with: UUID().uuidString.lowercased(),
                                                                              options: .regularExpression))
                #expect(foreign.status == 404 && missing.status == 404, "\(path): \(foreign.status) / \(missing.status)")
                #expect(Self.errorPage(foreign.body) == Self.errorPage(missing.body), "\(path)")
                #expect(!foreign.body.contains(theirs.accounts[0].username))
            }
            #expect(try await owner.get("/accounts/not-a-uuid").status == 404)
            // Forms aimed at their resources change nothing.
            try await owner.get("/accounts")
            let account = theirs.accounts[0].id, creator = theirs.creators[0].id
            for path in ["/accounts/\(account)/pause", "/accounts/\(account)/settings", "/accounts/\(account)/creator",
                         "/creators/\(creator)/pause", "/creators/\(creator)/rename", "/videos/\(theirs.individualVideo.id)/delete",
                         "/creators/\(creator)/accounts/\(account)/remove"] {
                #expect(try await owner.post(path, [("name", "x")]).status == 404, "\(path)")
            }
            #expect(try await owner.post("/accounts/delete", [("id", account.description)]).status == 303)
            #expect(try await owner.post("/creators/delete", [("id", creator.description)]).status == 303)
            let store = server.database.tenant(theirs.tenant.id)
            #expect(try await store.accounts.find(account)?.isActive == true)
            #expect(try await store.creators.find(creator)?.name == "Ada Studio")
            #expect(try await store.videos.find(theirs.individualVideo.id, source: .individual) != nil)
        }
    }

    /// An error page without its request id.
    static func errorPage(_ body: String) -> String {
        body.replacingOccurrences(of: #"Request id [^<]+"#, with: "", options: .regularExpression)
    }

    @Test("a member sees no write controls on any data page, and their forged forms are refused before anything changes",
          arguments: TestEngines.all)
    func membersOnlyLook(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (member, _) = try await MemberFixtures.signedIn(server, data.organization, role: .member)
            defer { Task { try? await member.shutdown() } }
            for path in Self.pages(data) {
                let page = try await member.get(path)
                #expect(page.status == 200, "\(path)")
                let actions = DashboardClient.allMatches(#"<form method="post" action="([^"]+)""#, in: page.body)
                #expect(actions == ["/sign-out"], "\(path): \(actions)")
                #expect(!page.body.contains("formaction="), "\(path)")
            }
            // The member's own session and CSRF token: still refused.
            try await member.get("/accounts")
            let account = data.accounts[0].id, creator = data.creators[0].id
            let forged: [(String, [(String, String)])] = [
                ("/accounts/add", [("platform", "instagram"), ("username", "sneaky")]),
                ("/accounts/bulk", [("id", account.description)]), ("/accounts/delete", [("id", account.description)]),
                ("/accounts/\(account)/pause", []), ("/accounts/\(account)/creator", [("creator_id", "")]),
                ("/accounts/\(account)/settings", [("max_recent_posts_per_account", "5")]),
                ("/creators/add", [("name", "Sneaky")]), ("/creators/delete", [("id", creator.description)]),
                ("/creators/\(creator)/pause", []), ("/creators/\(creator)/rename", [("name", "Renamed")]),
                ("/videos/add", [("platform", "instagram"), ("identifier", "https://www.instagram.com/p/ABC123/")]),
                ("/videos/\(data.individualVideo.id)/delete", []),
                ("/settings", [("name", "Taken over"), ("max_recent_posts_per_account", "5"), ("post_lookback_days", "30")]),
            ]
            for (path, fields) in forged {
                #expect(try await member.post(path, fields).status == 403, "\(path)")
            }
            let store = server.database.tenant(data.tenant.id)
            let unchanged = try #require(try await store.accounts.find(account))
            #expect(unchanged.isActive && unchanged.creatorID == creator && unchanged.maxRecentPostsPerAccount == nil)
            #expect(try await store.creators.find(creator)?.name == "Ada Studio")
            #expect(try await store.accounts.all(AccountFilters()).count == 3)
            #expect(try await store.organization.find(data.tenant.id)?.name == data.organization.name)
            #expect(try await store.videos.find(data.individualVideo.id, source: .individual) != nil)
        }
    }

    @Test("accounts sorted by views in range: every account ranked by its window amount, pages forward and back",
          arguments: TestEngines.all)
    func accountsByViewsInRange(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let store = server.database.tenant(tenant.id)
            let today = UTCDay.today
            // 60 accounts, one video each; account i gains (i·37 mod 60 + 1)·10 views inside the 30-day range.
            let gains = (0..<60).map { Int64(($0 * 37 % 60 + 1) * 10) }
            try await store.write { db in
                var snapshots: [VideoSnapshot] = []
                for index in 0..<60 {
                    var account = Account.new(organizationID: tenant.id, platform: .instagram, username: String(format: "rank%02d", index))
                    account.addedAt = UTCDay.start(today - 50)
                    try await store.accounts.insert(account, in: db)
                    var video = Video.new(organizationID: tenant.id, platform: .instagram, source: .account,
                                          externalID: "R\(index)xyz", url: "https://www.instagram.com/p/R\(index)xyz/",
                                          now: UTCDay.start(today - 45))
                    video.accountID = account.id
                    video.createTime = UTCDay.start(today - 46)
                    try await store.videos.insert(video, in: db)
                    snapshots.append(VideoSnapshot(videoID: video.id, observedAt: UTCDay.start(today - 40), views: 1_000, likes: 1))
                    snapshots.append(VideoSnapshot(videoID: video.id, observedAt: UTCDay.start(today).adding(seconds: 60),
                                                   views: 1_000 + gains[index], likes: 1))
                }
                try await store.snapshots.write(videos: snapshots, in: db)
            }
            let expected = (0..<60).sorted { gains[$0] > gains[$1] }.map { String(format: "rank%02d", $0) }
            let (admin, _) = try await MemberFixtures.signedIn(server, tenant.organization, role: .admin)
            defer { Task { try? await admin.shutdown() } }
            func usernames(_ body: String) -> [String] { DashboardClient.allMatches(#"<tr data-account="([^"]+)""#, in: body) }

            let first = try await admin.get("/accounts?sort=views_range&dir=desc")
            #expect(first.status == 200)
            #expect(usernames(first.body) == Array(expected.prefix(50)))
            #expect(first.body.contains("600"))  // the top account's amount is shown
            let next = try #require(DashboardClient.firstMatch(#"href="([^"]+)" rel="next""#, in: first.body))
            let second = try await admin.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(usernames(second.body) == Array(expected.suffix(10)))
            let previous = try #require(DashboardClient.firstMatch(#"href="([^"]+)" rel="prev""#, in: second.body))
            #expect(usernames(try await admin.get(previous.replacingOccurrences(of: "&amp;", with: "&")).body) == Array(expected.prefix(50)))
            let ascending = try await admin.get("/accounts?sort=views_range&dir=asc&limit=200")
            #expect(usernames(ascending.body) == expected.reversed())
        }
    }

    @Test("accounts: add (listed first), sort, filter, keyset pages forward and back, pause and resume, bulk delete after a confirmation naming them",
          arguments: TestEngines.all)
    func accountsTable(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            try await Track.accounts(server, tenant, count: 62) { index, account in
                account.platform = index % 2 == 0 ? .instagram : .tiktok
                account.username = String(format: "user%02d", index)
                account.followerCount = Int64(1_000 + index * 10)
                account.addedAt = Timestamp(seconds: 1_700_000_000 + Int64(index))
            }
            let (admin, _) = try await MemberFixtures.signedIn(server, tenant.organization, role: .admin)
            defer { Task { try? await admin.shutdown() } }
            func usernames(_ body: String) -> [String] { DashboardClient.allMatches(#"<tr data-account="([^"]+)""#, in: body) }

            let first = try await admin.get("/accounts?sort=followers&dir=desc")
            #expect(usernames(first.body).count == 50)
            #expect(usernames(first.body).first == "user61")
            #expect(first.body.contains("62 accounts"))
            #expect(first.body.contains("id=\"next-page\""))
            let next = try #require(DashboardClient.firstMatch(#"href="([^"]+)" rel="next""#, in: first.body))
            let second = try await admin.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(usernames(second.body) == (0..<12).reversed().map { String(format: "user%02d", $0) })
            #expect(!second.body.contains("rel=\"next\""))
            let previous = try #require(DashboardClient.firstMatch(#"href="([^"]+)" rel="prev""#, in: second.body))
            let back = try await admin.get(previous.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(usernames(back.body) == usernames(first.body))
            // A cursor is bound to its sort: under another sort it is ignored (the list starts again).
            let cursor = try #require(DashboardClient.firstMatch(#"after=([^&"]+)"#, in: next))
            #expect(usernames(try await admin.get("/accounts?sort=account&dir=asc&after=\(cursor)").body).first == "user00")

            let filtered = try await admin.get("/accounts?platform=tiktok&q=user1&sort=account&dir=asc")
            #expect(usernames(filtered.body) == ["user11", "user13", "user15", "user17", "user19"])
            #expect(try await admin.get("/accounts?limit=200").body.contains("62 accounts · 62 on this page"))

            // Add one: it is listed first (newest first by default).
            let added = try await admin.post("/accounts/add", [("platform", "tiktok"), ("username", "@New.Face")])
            #expect(added.header("Location") == "/accounts?notice=added")
            #expect(usernames(try await admin.get("/accounts").body).first == "new.face")
            #expect(try await admin.post("/accounts/add", [("platform", "tiktok"), ("username", "new.face")]).status == 409)
            #expect(try await admin.post("/accounts/add", [("platform", "myspace"), ("username", "x y")]).status == 422)

            let store = server.database.tenant(tenant.id)
            let target = try #require(try await store.accounts.all(AccountFilters()).first { $0.username == "user05" })
            let paused = try await admin.post("/accounts/\(target.id)/pause", [("return_to", "/accounts?sort=account")])
            #expect(paused.header("Location") == "/accounts?sort=account&notice=paused")
            #expect(try await store.accounts.find(target.id)?.isActive == false)
            #expect(try await admin.post("/accounts/\(target.id)/resume", [("return_to", "https://evil.example/")])
                .header("Location") == "/accounts/\(target.id)?notice=resumed")
            #expect(try await store.accounts.find(target.id)?.isActive == true)

            let doomed = try await store.accounts.all(AccountFilters()).filter { ["user01", "user02"].contains($0.username) }
            let confirm = try await admin.post("/accounts/bulk", doomed.map { ("id", $0.id.description) } + [("action", "delete")])
            #expect(confirm.status == 200)
            #expect(confirm.body.contains("Delete 2 accounts?") && confirm.body.contains("@user01") && confirm.body.contains("@user02"))
            #expect(try await store.accounts.all(AccountFilters()).count == 63, "nothing deleted before the confirmation")
            #expect(try await admin.post("/accounts/delete", doomed.map { ("id", $0.id.description) })
                .header("Location") == "/accounts?notice=deleted")
            #expect(try await store.accounts.all(AccountFilters()).count == 61)
            #expect(try await admin.post("/accounts/bulk", [("action", "delete")]).header("Location") == "/accounts?notice=none")
        }
    }

    @Test("creators: create, link an account from its page, pause (its accounts pause), rename, unlink, bulk delete",
          arguments: TestEngines.all)
    func creatorsAndLinks(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (owner, _) = try await MemberFixtures.signedIn(server, data.organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            let store = server.database.tenant(data.tenant.id)
            try await owner.get("/creators")
            let created = try await owner.post("/creators/add", [("name", "  Cy Runs  ")])
            let location = try #require(created.header("Location"))
            let id = try #require(CreatorID(String(location.dropFirst("/creators/".count).prefix(36))))
            #expect(try await store.creators.find(id)?.name == "Cy Runs")
            let solo = data.accounts[2]
            let page = try await owner.get("/creators/\(id)")
            #expect(page.body.contains("@solo.runner"), "the unlinked account is offered")
            #expect(try await owner.post("/creators/\(id)/accounts", [("account_id", solo.id.description)]).status == 303)
            #expect(try await store.accounts.find(solo.id)?.creatorID == id)
            #expect(try await owner.get("/creators/\(id)").body.contains("data-account=\"solo.runner\""))

            #expect(try await owner.post("/creators/\(id)/pause").status == 303)
            #expect(try await store.accounts.find(solo.id)?.isActive == false)
            #expect(try await owner.post("/creators/\(id)/resume").status == 303)
            #expect(try await store.accounts.find(solo.id)?.isActive == true)
            #expect(try await owner.post("/creators/\(id)/rename", [("name", "Cy")]).status == 303)
            #expect(try await owner.get("/creators").body.contains("data-creator=\"Cy\""))

            // From the account's page: move it to another creator, then to none.
            let other = data.creators[1].id
            #expect(try await owner.post("/accounts/\(solo.id)/creator", [("creator_id", other.description)]).status == 303)
            #expect(try await store.accounts.find(solo.id)?.creatorID == other)
            #expect(try await owner.post("/accounts/\(solo.id)/creator", [("creator_id", "")]).status == 303)
            #expect(try await store.accounts.find(solo.id)?.creatorID == nil)

            let confirm = try await owner.post("/creators/bulk", [("id", id.description), ("id", other.description)])
            #expect(confirm.body.contains("Delete 2 creators?") && confirm.body.contains("Cy"))
            #expect(try await owner.post("/creators/delete", [("id", id.description), ("id", other.description)]).status == 303)
            #expect(try await store.creators.find(id) == nil)
            #expect(try await store.accounts.find(solo.id) != nil, "accounts stay tracked")
        }
    }

    @Test("settings: a changed default is what an account without its own value uses; the change is audited; the quota and rate limit are read-only",
          arguments: TestEngines.all)
    func settingsAndEffectiveValues(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let data = try await DashboardFixtures.populated(server)
            let (admin, person) = try await MemberFixtures.signedIn(server, data.organization, role: .admin)
            defer { Task { try? await admin.shutdown() } }
            let account = data.accounts[0]
            #expect(try await admin.get("/accounts/\(account.id)").body.contains("id=\"effective-lookback\">30 days<"))
            let settings = try await admin.get("/settings")
            #expect(settings.body.contains("id=\"rate-limit\">1,000,000 requests"))
            #expect(settings.body.contains("id=\"account-quota\">No quota"))
            let saved = try await admin.post("/settings", [("name", data.organization.name), ("max_recent_posts_per_account", "25"),
                                                           ("post_lookback_days", "180")])
            #expect(saved.header("Location") == "/settings?notice=saved")
            let detail = try await admin.get("/accounts/\(account.id)")
            #expect(detail.body.contains("id=\"effective-lookback\">6 months<"))
            #expect(detail.body.contains("id=\"effective-max-recent\">25<"))
            let api = try await server.request(.GET, "/v2/accounts/\(account.id)", key: data.tenant.readKey)
            #expect(api.data["effective_post_lookback_days"] as? Int == 180)
            let events = try await AuditRepository(database: server.database).list(organizationID: data.tenant.id)
            let event = try #require(events.first { $0.action == "organization.updated" })
            #expect(event.actor == person.email && event.details == "max_recent_posts_per_account, post_lookback_days")

            // The account's own value wins over the default; emptied, it follows the default again.
            #expect(try await admin.post("/accounts/\(account.id)/settings", [("max_recent_posts_per_account", "7"),
                                                                             ("post_lookback_days", "30"),
                                                                             ("scrape_interval_hours", "12")]).status == 303)
            let own = try #require(try await server.database.tenant(data.tenant.id).accounts.find(account.id))
            #expect(own.effectiveMaxRecentPosts == 7 && own.effectiveLookbackDays == 30 && own.scrapeIntervalHours == 12)
            #expect(try await admin.post("/accounts/\(account.id)/settings", [("max_recent_posts_per_account", ""),
                                                                             ("post_lookback_days", "")]).status == 303)
            #expect(try await server.database.tenant(data.tenant.id).accounts.find(account.id)?.effectiveLookbackDays == 180)
            #expect(try await admin.post("/accounts/\(account.id)/settings", [("max_recent_posts_per_account", "900")]).status == 422)
            #expect(try await admin.post("/settings", [("name", ""), ("max_recent_posts_per_account", "0")]).status == 422)
        }
    }

    @Test("an open invitation can be revoked: its link stops working and the revocation is audited", arguments: TestEngines.all)
    func revokeInvitation(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let (owner, person) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            try await owner.get("/members")
            #expect(try await owner.post("/members/invite", [("email", "later@example.com"), ("role", "member")]).status == 303)
            let link = try #require(DashboardClient.firstMatch(#"id="invitation-link" class="secret">([^<]+)<"#,
                                                               in: try await owner.get("/members/invited").body))
            let path = String(link.dropFirst("https://localhost:8443".count))
            let settings = try await owner.get("/settings")
            let id = try #require(DashboardClient.firstMatch(#"action="/settings/invitations/([0-9a-f-]{36})/revoke""#, in: settings.body))
            #expect(try await owner.get("/members").body.contains("/settings/invitations/\(id)/revoke"))
            // A member of another organization cannot revoke it.
            let other = try await Fixtures.organization(server.database)
            let (stranger, _) = try await MemberFixtures.signedIn(server, other, role: .owner)
            defer { Task { try? await stranger.shutdown() } }
            try await stranger.get("/settings")
            #expect(try await stranger.post("/settings/invitations/\(id)/revoke").status == 404)

            let revoked = try await owner.post("/settings/invitations/\(id)/revoke", [("return_to", "/members")])
            #expect(revoked.header("Location") == "/members?notice=revoked")
            let guest = try DashboardClient(server)
            defer { Task { try? await guest.shutdown() } }
            #expect(try await guest.get(path).status == 404)
            let events = try await AuditRepository(database: server.database).list(organizationID: organization.id)
            #expect(events.first?.action == "member.invitation_revoked" && events.first?.targetName == "later@example.com")
            #expect(events.first?.actor == person.email)
            #expect(try await owner.post("/settings/invitations/\(id)/revoke").status == 404, "already gone")
        }
    }

    @Test("individual videos: added by URL from the page, paused, resumed and deleted after a confirmation",
          arguments: TestEngines.all)
    func individualVideos(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let (admin, _) = try await MemberFixtures.signedIn(server, tenant.organization, role: .admin)
            defer { Task { try? await admin.shutdown() } }
            try await admin.get("/videos")
            let added = try await admin.post("/videos/add", [("platform", "instagram"),
                                                             ("identifier", "https://www.instagram.com/reel/Cxyz123AbC/")])
            #expect(added.header("Location") == "/videos?notice=added")
            #expect(try await admin.post("/videos/add", [("platform", "tiktok"), ("identifier", "not a video")]).status == 422)
            let list = try await admin.get("/videos")
            let href = try #require(DashboardClient.firstMatch(#"href="(/videos/[0-9a-f-]{36})""#, in: list.body))
            let page = try await admin.get(href)
            #expect(page.body.contains("Scraping…"), "no collector here: the video waits for its first refresh")
            #expect(try await admin.post(href + "/pause").header("Location") == href + "?notice=paused")
            #expect(try await admin.get(href).body.contains(">Resume<"))
            #expect(try await admin.post(href + "/resume").status == 303)
            #expect(try await admin.get(href + "/delete").body.contains("Delete this video?"))
            #expect(try await admin.post(href + "/delete").header("Location") == "/videos?notice=deleted")
            #expect(try await admin.get(href).status == 404)
        }
    }
}
