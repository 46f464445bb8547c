// The MCP endpoint over real HTTPS (docs/mcp.md): the Streamable HTTP transport, authentication exactly like the
// API's, tool calls that are the API's own requests (scopes, tenancy, rate limits, idempotency, logging).
import Foundation
import Testing

@testable import CreatorAudit

@Suite("MCP endpoint")
struct MCPTransportTests {
    @Test(
        "a client initializes, gets a session, lists the pinned tools and learns its organization (get_api_key_info)",
        arguments: TestEngines.all)
    func initializeListWhoami(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.readKey)
            let initialized = try await client.initialize()
            #expect(initialized.status == 200)
            #expect(initialized.header("Content-Type") == "application/json")
            let result = try #require(initialized.json["result"] as? [String: Any])
            #expect(result["protocolVersion"] as? String == "2025-06-18")
            #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "creatoraudit")
            #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
            let session = try #require(client.sessionID)
            #expect(session.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E } && session.count >= 32)

            let listed = try await client.send("tools/list")
            let tools = try #require((listed.json["result"] as? [String: Any])?["tools"] as? [[String: Any]])
            #expect(tools.compactMap { $0["name"] as? String } == ToolCatalog.pinned)
            #expect(tools.allSatisfy { ($0["inputSchema"] as? [String: Any])?["type"] as? String == "object" })
            client.path = "/mcp?tools=all"
            let all = try await client.send("tools/list")
            let allTools = (all.json["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []
            let catalog = try #require(ToolCatalog.bundled)
            #expect(allTools.count == catalog.all.count)
            client.path = "/mcp"

            let whoami = try await client.result("get_api_key_info")
            #expect(!whoami.isError)
            #expect(whoami.data["organization_id"] as? String == tenant.id.description)
            #expect(whoami.data["api_key_name"] as? String == "read key")
            #expect(whoami.data["scopes"] as? [String] == ["read"])
            let ping = try await client.send("ping")
            #expect(ping.status == 200 && ping.json["result"] is [String: Any])
        }
    }

    @Test("a tool call answers exactly what the API answers the same request", arguments: TestEngines.all)
    func sameAnswerAsAPI(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try await Track.account(server, tenant, username: "natgeo")
            let accountID = try #require(account["id"] as? String)
            let client = MCPTestClient(server, key: tenant.readKey)
            try await client.initialize()

            let listed = try await client.result("list_accounts", ["limit": 10, "order_by": "username"])
            let direct = try await server.request(.GET, "/v2/accounts?limit=10&order_by=username", key: tenant.readKey)
            #expect(!listed.isError)
            #expect(listed.text == direct.body)
            #expect((listed.json["data"] as? [[String: Any]])?.first?["id"] as? String == accountID)

            let metrics = try await client.result(
                "get_accounts_metrics", ["body": ["account_ids": [accountID], "period": "7d"]])
            let directMetrics = try await server.request(
                .POST, "/v2/accounts/metrics", key: tenant.readKey,
                body: #"{"account_ids":["\#(accountID)"],"period":"7d"}"#)
            #expect(!metrics.isError)
            #expect(metrics.text == directMetrics.body)
            #expect((metrics.data[accountID] as? [String: Any])?["views"] != nil)

            let anyPath = try await client.result(
                "call_v2_endpoint",
                [
                    "method": "GET", "path": "/v2/accounts/\(accountID)", "query": ["unused": true],
                ])
            #expect(!anyPath.isError && anyPath.data["username"] as? String == "natgeo")
            let outside = try await client.result("call_v2_endpoint", ["method": "GET", "path": "/keys"])
            #expect(outside.isError && outside.code == "VALIDATION_ERROR")
        }
    }

    @Test(
        "a write tool with a read key is a tool error carrying the 403 INSUFFICIENT_SCOPE problem, naming write",
        arguments: TestEngines.all)
    func scopeError(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.readKey)
            try await client.initialize()
            let (http, result) = try await client.call(
                "create_account", ["body": ["platform": "tiktok", "username": "x"]])
            #expect(http.status == 200)
            let refused = try #require(result)
            #expect(refused.isError)
            #expect(refused.code == "INSUFFICIENT_SCOPE")
            #expect(refused.json["status"] as? Int == 403)
            #expect((refused.json["detail"] as? String)?.contains("write") == true)
            let accounts = try await server.request(.GET, "/v2/accounts", key: tenant.key)
            #expect(accounts.items.isEmpty, "nothing was created")

            let writer = MCPTestClient(server, key: tenant.key)
            try await writer.initialize()
            let created = try await writer.result("create_account", ["body": ["platform": "tiktok", "username": "x"]])
            #expect(!created.isError && created.data["username"] as? String == "x")
        }
    }

    @Test(
        "another organization's id answers NOT_FOUND, exactly like an id that does not exist",
        arguments: TestEngines.all)
    func tenancy(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let mine = try await Tenant.make(server)
            let theirs = try await Tenant.make(server)
            let foreign = try #require(try await Track.account(server, theirs, username: "theirs")["id"] as? String)
            let client = MCPTestClient(server, key: mine.key)
            try await client.initialize()
            let foreignAnswer = try await client.result("get_account", ["id": foreign])
            let missingAnswer = try await client.result("get_account", ["id": UUID().uuidString.lowercased()])
            #expect(foreignAnswer.isError && missingAnswer.isError)
            for field in ["type", "title", "status", "detail", "code"] {
                #expect("\(foreignAnswer.json[field] ?? "-")" == "\(missingAnswer.json[field] ?? "-")", "\(field)")
            }
            #expect(foreignAnswer.code == "NOT_FOUND")
            let deleted = try await client.result("delete_account", ["id": foreign])
            #expect(deleted.isError && deleted.code == "NOT_FOUND")
            let still = try await server.request(.GET, "/v2/accounts/\(foreign)", key: theirs.key)
            #expect(still.status == 200)
        }
    }

    @Test(
        "authentication is the API's: no key 401, a key in the query 400, x-creatoraudit-api-key accepted",
        arguments: TestEngines.all)
    func authentication(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let anonymous = MCPTestClient(server, key: nil)
            let refused = try await anonymous.initialize()
            #expect(refused.status == 401 && refused.code == "UNAUTHORIZED")
            #expect(refused.header("WWW-Authenticate") == "Bearer realm=\"creatoraudit\"")
            #expect(refused.header("Content-Type") == "application/problem+json")
            #expect(refused.json["instance"] as? String == "/mcp")

            let invalid = MCPTestClient(server, key: APIKeyToken.generate().secret)
            let unknown = try await invalid.initialize()
            #expect(unknown.status == 401 && unknown.header("WWW-Authenticate")?.contains("invalid_token") == true)

            let inQuery = MCPTestClient(server, key: nil)
            inQuery.path = "/mcp?api_key=\(tenant.key)"
            let query = try await inQuery.initialize()
            let apiQuery = try await server.request(.GET, "/v2/whoami?api_key=\(tenant.key)")
            #expect(query.status == 400 && query.code == "BAD_REQUEST")
            #expect(query.json["detail"] as? String == apiQuery.json["detail"] as? String)

            let custom = MCPTestClient(server, key: tenant.key, header: "x-creatoraudit-api-key")
            #expect(try await custom.initialize().status == 200)
            #expect(try await custom.result("get_api_key_info").data["api_key_name"] as? String == "write key")
        }
    }

    @Test(
        "a disabled key stops working in an open session within 1 s; re-enabled, it works again",
        arguments: TestEngines.all)
    func disabledInSession(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let organization = try await Fixtures.organization(server.database)
            let created = try await Fixtures.key(server.services, organization)
            let client = MCPTestClient(server, key: created.token.secret)
            try await client.initialize()
            #expect(try await !client.result("get_api_key_info").isError)

            _ = try await server.services.lifecycle.disable(
                organizationID: organization.id, id: created.record.id, actor: .cli)
            let start = ContinuousClock.now
            var refused: TestResponse?
            while ContinuousClock.now - start < .seconds(3) {
                let (http, _) = try await client.call("get_api_key_info")
                if http.status != 200 {
                    refused = http
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let response = try #require(refused)
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(response.status == 403 && response.code == "FORBIDDEN")
            #expect(try await client.send("tools/list").status == 403)

            _ = try await server.services.lifecycle.enable(
                organizationID: organization.id, id: created.record.id, actor: .cli)
            #expect(try await !client.result("get_api_key_info").isError)
        }
    }

    @Test("sessions: required after initialize, bound to the key that opened them; GET and DELETE answer 405")
    func sessions() async throws {
        try await TestServer.run(.sqlite) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.key)
            try await client.initialize()
            let session = try #require(client.sessionID)

            let other = MCPTestClient(server, key: tenant.readKey)
            other.sessionID = session
            let stolen = try await other.send("tools/list")
            #expect(stolen.status == 404)
            #expect((stolen.json["error"] as? [String: Any])?["code"] as? Int == -32600)
            other.sessionID = String(session.reversed())
            #expect(try await other.send("tools/list").status == 404)
            other.sessionID = nil
            #expect(try await other.send("tools/list").status == 400)

            let unsupported = try await client.send("tools/list", headers: [("MCP-Protocol-Version", "1999-01-01")])
            #expect(unsupported.status == 400)
            let unknownMethod = try await client.send("resources/list")
            #expect((unknownMethod.json["error"] as? [String: Any])?["code"] as? Int == -32601)
            let unknownTool = try await client.send(
                "tools/call", ["name": "drop_tables", "arguments": [String: Any]()])
            #expect((unknownTool.json["error"] as? [String: Any])?["code"] as? Int == -32602)
            #expect(try await client.post("not json").status == 400)
            #expect(try await client.post(#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#).status == 400)

            let get = try await server.request(
                .GET, "/mcp", key: tenant.key, headers: [("Accept", "text/event-stream")])
            #expect(get.status == 405 && get.header("Allow") == "POST")
            let delete = try await server.request(
                .DELETE, "/mcp", key: tenant.key, headers: [("Mcp-Session-Id", session)])
            #expect(delete.status == 405)
            let foreignOrigin = try await client.send("ping", headers: [("Origin", "https://evil.example")])
            #expect(foreignOrigin.status == 403)
        }
    }

    @Test("each MCP request counts once against the key's rate limit: a tool call as the API request it makes")
    func rateLimitCounting() async throws {
        try await TestServer.run(.sqlite) { server in
            let organization = try await Fixtures.organization(server.database)
            try await Fixtures.setRateLimit(server.database, organization, 8)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let client = MCPTestClient(server, key: key)
            let initialized = try await client.initialize()  // initialize + notifications/initialized: 2
            #expect(initialized.header("X-RateLimit-Remaining") == "7")
            let listed = try await client.send("tools/list")  // 3
            #expect(listed.header("X-RateLimit-Remaining") == "5")
            let (call, _) = try await client.call("get_api_key_info")  // 4, counted by GET /v2/whoami
            #expect(call.header("X-RateLimit-Remaining") == "4")
            let (help, _) = try await client.call("get_help", ["topic": "windows"])  // 5
            #expect(help.header("X-RateLimit-Remaining") == "3")
            let (health, _) = try await client.call("get_health")  // 6: /v2/health is per address, so counted here
            #expect(health.header("X-RateLimit-Remaining") == "2")
            let (invalid, _) = try await client.call("get_account", ["id": 1, "nonsense": true])  // 7, never sent
            #expect(invalid.header("X-RateLimit-Remaining") == "1")
            _ = try await client.call("list_accounts")  // 8
            let (limited, result) = try await client.call("list_accounts")  // 9: over the limit
            let refused = try #require(result)
            #expect(limited.status == 200 && refused.isError && refused.code == "RATE_LIMITED")
            let direct = try await server.whoami(key)
            #expect(direct.status == 429)
            let protocolMessage = try await client.send("tools/list")
            #expect(protocolMessage.status == 429 && protocolMessage.header("Retry-After") != nil)
        }
    }

    @Test("behind a trusted proxy, a tool call is served like the MCP request carrying it, for the same client")
    func behindProxy() async throws {
        let capture = LogCapture()
        try await TestServer.run(.sqlite, logger: capture.logger(level: .info), configure: {
            $0.transport = .behindProxy(trustedProxies: [CIDR("127.0.0.0/8")!])
        }) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.readKey)
            client.extraHeaders = [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.7")]
            #expect(try await client.initialize().status == 200)
            let whoami = try await client.result("get_api_key_info")
            #expect(!whoami.isError && whoami.data["api_key_name"] as? String == "read key")
            client.extraHeaders = []
            #expect(try await client.send("tools/list").status == 403, "not HTTPS: refused before the key is read")
        }
        let inner = try #require(capture.text.split(separator: "\n").first { $0.contains("route=/v2/whoami") })
        #expect(inner.contains("client=203.0.113.7") && inner.contains("status=200"))
    }

    @Test("write tools honour idempotency keys like the API")
    func idempotency() async throws {
        try await TestServer.run(.sqlite) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.key)
            try await client.initialize()
            let arguments: [String: Any] = ["body": ["name": "Jane Doe"], "idempotency_key": "mcp-retry-1"]
            let first = try await client.result("create_creator", arguments)
            let again = try await client.result("create_creator", arguments)
            #expect(!first.isError && first.text == again.text)
            let different = try await client.result(
                "create_creator", ["body": ["name": "Someone else"], "idempotency_key": "mcp-retry-1"])
            #expect(different.isError && different.code == "CONFLICT")
            let creators = try await server.request(.GET, "/v2/creators", key: tenant.key)
            #expect(creators.items.count == 1)
        }
    }

    @Test("push_snapshots sends its body as NDJSON: the records are stored as POST /v2/snapshots stores them",
          arguments: TestEngines.all)
    func pushSnapshots(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.key)
            try await client.initialize()
            let lines = [
                #"{"kind":"account","platform":"tiktok","username":"mcp.pusher"}"#,
                #"{"kind":"snapshot","platform":"tiktok","account":"mcp.pusher","observed_at":"2026-01-10T09:00:00Z","#
                    + #""follower_count":1234}"#,
            ]
            let stored = try await client.result("push_snapshots", ["body": lines.joined(separator: "\n") + "\n"])
            #expect(!stored.isError, "\(stored.text)")
            #expect(stored.data["accounts_created"] as? Int == 1)
            #expect(stored.data["snapshots_stored"] as? Int == 1)
            let accounts = try await server.request(.GET, "/v2/accounts", key: tenant.key)
            #expect(accounts.items.first?["username"] as? String == "mcp.pusher")
            #expect(accounts.items.first?["follower_count"] as? Int == 1234)
            // A bad line is the API's 422, naming the line, as a tool error.
            let bad = try await client.result("push_snapshots", ["body": #"{"kind":"nonsense"}"# + "\n"])
            #expect(bad.isError && bad.code == "VALIDATION_ERROR", "\(bad.text)")
            let notText = try await client.result("push_snapshots", ["body": ["kind": "account"]])
            #expect(notText.isError && notText.code == "VALIDATION_ERROR")
        }
    }

    @Test("a tool call is logged like an API request — route, status, key id, the MCP request's id — never the key")
    func logging() async throws {
        let capture = LogCapture()
        let key = try await TestServer.run(.sqlite, logger: capture.logger(level: .info)) { server -> String in
            let tenant = try await Tenant.make(server)
            let client = MCPTestClient(server, key: tenant.readKey)
            try await client.initialize()
            _ = try await client.call("list_accounts", ["limit": 5])
            _ = try await client.call("create_account", ["body": ["platform": "tiktok", "username": "x"]])
            return tenant.readKey
        }
        let lines = capture.text.split(separator: "\n")
        let inner = try #require(lines.first { $0.contains("route=/v2/accounts") && $0.contains("method=GET") })
        #expect(inner.contains("status=200") && inner.contains("key_id=") && !inner.contains("key_id=-"))
        let refused = try #require(lines.first { $0.contains("route=/v2/accounts") && $0.contains("method=POST") })
        #expect(refused.contains("status=403"))
        let requestID = try #require(inner.split(separator: " ").first { $0.hasPrefix("request_id=") })
        #expect(lines.contains { $0.contains("route=/mcp") && $0.contains(requestID) }, "one id for both lines")
        #expect(!capture.text.contains(key))
        #expect(!capture.text.contains(String(key.dropFirst(8).prefix(12))))
    }
}
