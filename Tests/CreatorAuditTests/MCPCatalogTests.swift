// The MCP tools generated from the OpenAPI document (docs/mcp.md, "Tools"): one tool per operation, input schemas
// that accept the document's own examples and refuse what the API refuses, and the meta tools' rules.
import Foundation
import MCP
import Testing

@testable import CreatorAudit

@Suite("MCP tools from the OpenAPI document")
struct MCPCatalogTests {
    static let document = OpenAPIDocument.bundled
    static let catalog = ToolCatalog.bundled
    static let someID = "0b8e8a52-2f5a-4a8e-9a40-3c1f6d2e7b11"

    func catalog() throws -> ToolCatalog { try #require(Self.catalog) }

    @Test("every operation of the document becomes exactly one tool, and nothing else does")
    func oneToolPerOperation() throws {
        let document = try #require(Self.document)
        let catalog = try catalog()
        #expect(catalog.problems == [])
        let operations = document.operations
        #expect(operations.count >= 39)
        #expect(catalog.operations.count == operations.count)
        for (method, path) in operations {
            let tools = catalog.operations.filter { $0.method.rawValue == method && $0.path == path }
            #expect(tools.count == 1, "\(method) \(path)")
        }
        let names = catalog.all.map(\.name)
        #expect(Set(names).count == names.count, "tool names are unique")
        for name in names {
            #expect(name.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) != nil, "\(name)")
        }
        #expect(names.count == operations.count + ToolCatalog.MetaTool.allCases.count)
    }

    @Test("a tool is named after its operationId and described by its operation")
    func namesAndDescriptions() throws {
        let catalog = try catalog()
        let list = try #require(catalog.operations.first { $0.operationID == "listAccounts" })
        #expect(list.name == "list_accounts")
        #expect(list.method == .get && list.path == "/v2/accounts")
        #expect(list.tool.description?.contains("GET /v2/accounts") == true)
        #expect(list.tool.description?.contains("`read` scope") == true)
        #expect(list.tool.annotations.readOnlyHint == true)
        let delete = try #require(catalog.operations.first { $0.operationID == "deleteAccount" })
        #expect(delete.tool.annotations.destructiveHint == true)
        #expect(delete.tool.description?.contains("`write` scope") == true)
        #expect(OperationTool.snakeCase("getOpenAPIDocument") == "get_open_api_document")
        #expect(OperationTool.snakeCase("getAccountsMetrics") == "get_accounts_metrics")
        #expect(OperationTool.snakeCase("whoami") == "whoami")
    }

    @Test("input schemas hold the path and query parameters, the body and the idempotency key, all inlined")
    func schemaShape() throws {
        let catalog = try catalog()
        let create = try #require(catalog.operations.first { $0.operationID == "createAccount" })
        let schema = try #require(create.tool.inputSchema.objectValue)
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(Set(properties.keys) == ["body", "idempotency_key"])
        #expect(schema["required"] == .array([.string("body")]))
        #expect(properties["body"]?.objectValue?["required"] == .array([.string("platform"), .string("username")]))
        let list = try #require(catalog.operations.first { $0.operationID == "listAccounts" })
        let listProperties = try #require(list.tool.inputSchema.objectValue?["properties"]?.objectValue)
        #expect(listProperties["limit"]?.objectValue?["maximum"] == .int(200))
        #expect(listProperties["If-None-Match"] == nil)
        // Every reference is resolved: no "$ref" anywhere in any tool's schema.
        for tool in catalog.all {
            let text = String(decoding: try JSONEncoder().encode(tool.inputSchema), as: UTF8.self)
            #expect(!text.contains("$ref"), "\(tool.name)")
        }
    }

    @Test("every request-body example of the document validates against its tool's input schema")
    func examplesValidate() throws {
        let document = try #require(Self.document)
        let catalog = try catalog()
        var checked = 0
        for operation in catalog.operations {
            let method = operation.method.rawValue.lowercased()
            let examples =
                document.root["paths"]?[operation.path]?[method]?["requestBody"]?["content"]?[
                    "application/json"]?["examples"]?.objectValue ?? [:]
            for (name, example) in examples {
                let body = try #require(example["value"], "\(operation.name) \(name)")
                var arguments = pathArguments(operation)
                arguments["body"] = SchemaInliner.value(body)
                let problems = SchemaValidator.problems(.object(arguments), operation.tool.inputSchema)
                #expect(problems == [], "\(operation.name) example \(name)")
                checked += 1
            }
        }
        #expect(checked >= 11)
    }

    @Test("path ids, documented defaults and an idempotency key validate for every operation")
    func parameterExamplesValidate() throws {
        let catalog = try catalog()
        for operation in catalog.operations where operation.body != .required {
            var arguments = pathArguments(operation)
            let properties = operation.tool.inputSchema.objectValue?["properties"]?.objectValue ?? [:]
            for name in operation.queryParameters {
                if let value = properties[name]?.objectValue?["default"] { arguments[name] = value }
            }
            if operation.takesIdempotencyKey { arguments["idempotency_key"] = .string("retry-2026-06-14 #1") }
            #expect(SchemaValidator.problems(.object(arguments), operation.tool.inputSchema) == [], "\(operation.name)")
        }
    }

    @Test("input schemas refuse a missing id, an unknown argument and values the API refuses")
    func schemasRefuse() throws {
        let catalog = try catalog()
        func problems(_ name: String, _ arguments: [String: Value]) throws -> [String] {
            let tool = try #require(catalog.operations.first { $0.name == name })
            return SchemaValidator.problems(.object(arguments), tool.tool.inputSchema)
        }
        #expect(try !problems("get_account", [:]).isEmpty)
        #expect(try !problems("get_account", ["id": .string(Self.someID), "account_id": .string(Self.someID)]).isEmpty)
        #expect(try !problems("list_accounts", ["limit": .int(0)]).isEmpty)
        #expect(try !problems("list_accounts", ["platform": .string("myspace")]).isEmpty)
        #expect(try !problems("get_accounts_metrics", ["body": .object(["account_ids": .string(Self.someID)])]).isEmpty)
        #expect(try !problems("get_accounts_metrics", ["body": .object(["account_ids": .array([])])]).isEmpty)
        #expect(try !problems("create_account", ["body": .object(["platform": .string("tiktok")])]).isEmpty)
        #expect(
            try problems("get_accounts_metrics", ["body": .object(["account_ids": .array([.string(Self.someID)])])])
                .isEmpty)
    }

    @Test("tool arguments become the API request: ids in the path, query parameters, the body, the idempotency key")
    func argumentsToRequest() throws {
        let catalog = try catalog()
        let timeseries = try #require(catalog.operations.first { $0.operationID == "getAccountTimeseries" })
        let call = try ToolArguments.call(
            timeseries,
            [
                "id": .string(Self.someID), "period": .string("custom"),
                "start_date": .string("2026-01-01"), "end_date": .string("2026-01-31"),
            ])
        #expect(call.method == .get)
        #expect(
            call.target
                == "/v2/accounts/\(Self.someID)/timeseries?period=custom&start_date=2026-01-01&end_date=2026-01-31")
        #expect(call.body == nil)
        let create = try #require(catalog.operations.first { $0.operationID == "createCreator" })
        let post = try ToolArguments.call(
            create,
            [
                "body": .object(["name": .string("Jane")]),
                "idempotency_key": .string("k-1"),
            ])
        #expect(post.target == "/v2/creators" && post.idempotencyKey == "k-1")
        #expect(String(decoding: try #require(post.body), as: UTF8.self) == #"{"name":"Jane"}"#)
        let list = try #require(catalog.operations.first { $0.operationID == "listAccounts" })
        let page = try ToolArguments.call(list, ["q": .string("a b&c/é"), "is_active": .bool(true), "limit": .int(5)])
        #expect(page.target.hasPrefix("/v2/accounts?"))
        #expect(page.target.contains("q=a%20b%26c%2F%C3%A9") && page.target.contains("is_active=true"))
        let dots = try ToolArguments.call(
            try #require(catalog.operations.first { $0.operationID == "getAccount" }),
            ["id": .string("..")])
        #expect(dots.target == "/v2/accounts/%2E%2E")
        #expect(throws: APIError.self) { try ToolArguments.call(list, ["token": .string("x")]) }
        #expect(throws: APIError.self) { try ToolArguments.call(timeseries, [:]) }
    }

    @Test("call_v2_endpoint reaches only the document's /v2 paths")
    func endpointPaths() throws {
        let catalog = try catalog()
        #expect(catalog.isDocumentedPath("/v2/accounts"))
        #expect(catalog.isDocumentedPath("/v2/accounts/\(Self.someID)/timeseries"))
        #expect(catalog.isDocumentedPath("/v2/creators/\(Self.someID)/accounts/\(Self.someID)"))
        for path in [
            "/keys", "/v2", "/v2/", "/v2/../keys", "/v2/accounts/..", "/v2/accounts/%2e%2e", "/v2/accounts//",
            "/v2/nothing", "/v2/accounts/a/b/c", "/mcp", "v2/accounts", "/v2/accounts/a b",
        ] {
            #expect(!catalog.isDocumentedPath(path), "\(path)")
        }
        let arguments: [String: Value] = ["method": .string("GET"), "path": .string("/v2/accounts?api_key=x")]
        #expect(throws: APIError.self) { try ToolArguments.call(endpoint: arguments, catalog: catalog) }
        let ok = try ToolArguments.call(
            endpoint: [
                "method": .string("post"), "path": .string("/v2/videos/deltas"),
                "body": .object(["video_ids": .array([.string(Self.someID)])]),
                "query": .object(["x": .array([.int(1), .int(2)])]),
            ], catalog: catalog)
        #expect(ok.method == .post && ok.target == "/v2/videos/deltas?x=1&x=2")
    }

    @Test("tools/list shows the pinned core; search_tools finds the others by words")
    func pinnedAndSearch() throws {
        let catalog = try catalog()
        #expect(catalog.listed(all: false).map(\.name) == ToolCatalog.pinned)
        #expect(catalog.listed(all: true).count == catalog.all.count)
        func first(_ query: String) -> String? {
            catalog.search(query, limit: 3).first.map { catalog.tool($0).name }
        }
        #expect(first("video timeseries") == "get_video_timeseries")
        #expect(first("link an account to a creator") == "link_creator_account")
        #expect(first("top creators") == "get_top_creators")
        #expect(first("which organization is my key") == "get_api_key_info")
        #expect(catalog.search("", limit: 100).count == catalog.all.count)
        #expect(catalog.search("zzzz qqqq", limit: 10).isEmpty)
    }

    @Test("get_help's metrics section is the Definitions section of docs/metrics.md, word for word")
    func helpMatchesDocs() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/metrics.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "## Definitions (what the API promises)\n"))
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        func words(_ text: some StringProtocol) -> [Substring] { String(text).split(whereSeparator: \.isWhitespace) }
        #expect(words(rest[..<end]) == words(MCPHelp.metrics))
        let all = MCPHelp.text(nil, catalog: try catalog())
        #expect(all.contains("Engagement rate") && all.contains("get_video_timeseries"))
    }

    func pathArguments(_ operation: OperationTool) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: operation.pathParameters.map { ($0, Value.string(Self.someID)) })
    }
}
