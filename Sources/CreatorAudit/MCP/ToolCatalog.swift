// Every tool the MCP endpoint offers (docs/mcp.md, "Tools"): one per operation of the OpenAPI document, plus four of
// its own — get_api_key_info (whoami), search_tools, get_help and call_v2_endpoint. `tools/list` shows a small
// pinned core so an agent's context is not filled with forty schemas; search_tools finds the rest, and
// `/mcp?tools=all` lists everything for clients that want it.
import Foundation
import HTTPTypes
import MCP

struct ToolCatalog: Sendable {
    enum MetaTool: String, CaseIterable, Sendable {
        case getAPIKeyInfo = "get_api_key_info"
        case searchTools = "search_tools"
        case getHelp = "get_help"
        case callV2Endpoint = "call_v2_endpoint"
    }

    enum Entry: Sendable {
        case operation(OperationTool)
        case meta(MetaTool)

        var name: String {
            switch self {
            case .operation(let operation): return operation.name
            case .meta(let meta): return meta.rawValue
            }
        }
    }

    /// What `tools/list` shows by default, in this order.
    static let pinned = [
        "get_api_key_info", "search", "get_overview", "list_accounts", "get_accounts_metrics", "search_tools",
        "call_v2_endpoint", "get_help",
    ]

    /// The catalog of the document installed with this program (nil without one; see OpenAPIDocument.bundled).
    static let bundled: ToolCatalog? = OpenAPIDocument.bundled.map(ToolCatalog.init)

    let operations: [OperationTool]
    let metaTools: [MetaTool: MCP.Tool]
    /// The document's `info.version`, reported as the MCP server's version.
    let apiVersion: String
    /// What the document did not allow to build (nothing, for the committed document; the tests check).
    let problems: [String]
    private let operationsByName: [String: OperationTool]
    /// `GET /v2/health` and the other routes without a key (none has a path parameter).
    private let keylessRoutes: Set<String>

    init(document: OpenAPIDocument) {
        let (operations, builderProblems) = OperationToolBuilder(document: document.root).build()
        self.operations = operations
        var byName: [String: OperationTool] = [:]
        var problems = builderProblems
        for operation in operations {
            if byName[operation.name] != nil || MetaTool(rawValue: operation.name) != nil {
                problems.append("two tools are named \(operation.name)")
            }
            byName[operation.name] = operation
        }
        operationsByName = byName
        keylessRoutes = Set(operations.filter { !$0.needsKey }.map { $0.method.rawValue + " " + $0.path })
        metaTools = Dictionary(uniqueKeysWithValues: MetaTool.allCases.map { ($0, Self.definition(of: $0)) })
        apiVersion = document.root["info"]?["version"]?.stringValue ?? "2"
        for operation in operations where !operation.needsKey && !operation.pathParameters.isEmpty {
            problems.append("\(operation.name) needs no key but has path parameters (see authenticates)")
        }
        for name in Self.pinned where byName[name] == nil && MetaTool(rawValue: name) == nil {
            problems.append("the pinned tool \(name) does not exist")
        }
        self.problems = problems
    }

    func entry(named name: String) -> Entry? {
        if let meta = MetaTool(rawValue: name) { return .meta(meta) }
        return operationsByName[name].map(Entry.operation)
    }

    func tool(_ entry: Entry) -> MCP.Tool {
        switch entry {
        case .operation(let operation): return operation.tool
        case .meta(let meta): return metaTools[meta] ?? Self.definition(of: meta)
        }
    }

    /// Every tool: the meta tools first, then the operations.
    var all: [MCP.Tool] { MetaTool.allCases.map { tool(.meta($0)) } + operations.map(\.tool) }

    /// What `tools/list` answers: the pinned core, or everything.
    func listed(all listAll: Bool) -> [MCP.Tool] {
        listAll ? all : Self.pinned.compactMap { entry(named: $0).map(tool) }
    }

    // MARK: search_tools

    /// Tools whose name, title, description, method, path or tags contain the query's words, best first.
    func search(_ query: String, limit: Int) -> [Entry] {
        let words = query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            .filter { $0.count >= 3 }
        let entries = MetaTool.allCases.map(Entry.meta) + operations.map(Entry.operation)
        guard !words.isEmpty else { return Array(entries.prefix(limit)) }
        var scored: [(score: Int, length: Int, index: Int, entry: Entry)] = []
        for (index, entry) in entries.enumerated() {
            let fields = searchFields(entry)
            var score = 0
            var matched = 0
            for word in words {
                let wordScore =
                    (fields.name.contains(word) ? 4 : 0) + (fields.title.contains(word) ? 2 : 0)
                    + (fields.route.contains(word) ? 2 : 0) + (fields.text.contains(word) ? 1 : 0)
                if wordScore > 0 { matched += 1 }
                score += wordScore
            }
            // Every word counts; tools matching more of the words come first.
            if score > 0 { scored.append((matched * 100 + score, fields.name.count, index, entry)) }
        }
        // Ties go to the shorter name: "video timeseries" means get_video_timeseries before
        // get_account_video_timeseries.
        return scored.sorted {
            ($0.score, -$0.length, -$0.index) > ($1.score, -$1.length, -$1.index)
        }.prefix(limit).map(\.entry)
    }

    private func searchFields(_ entry: Entry) -> (name: String, title: String, route: String, text: String) {
        let tool = self.tool(entry)
        let name = tool.name.replacingOccurrences(of: "_", with: " ")
        switch entry {
        case .operation(let operation):
            return (
                name, operation.summary.lowercased(), (operation.method.rawValue + " " + operation.path).lowercased(),
                ((tool.description ?? "") + " " + operation.tags.joined(separator: " ")).lowercased()
            )
        case .meta:
            return (name, (tool.title ?? "").lowercased(), "", (tool.description ?? "").lowercased())
        }
    }

    /// One search hit as the JSON search_tools answers.
    func summary(of entry: Entry) -> JSONOut {
        let tool = self.tool(entry)
        var fields: [(String, JSONOut)] = [
            ("name", .string(tool.name)), ("title", .optional(tool.title)),
            ("description", .optional(tool.description)),
        ]
        if case .operation(let operation) = entry {
            fields.append(("method", .string(operation.method.rawValue)))
            fields.append(("path", .string(operation.path)))
            fields.append(("scope", operation.needsKey ? .string(operation.scope.rawValue) : .null))
        }
        fields.append(("input_schema", JSONOut.from(tool.inputSchema)))
        return .object(fields)
    }

    // MARK: call_v2_endpoint

    /// Whether `path` (no query string) is a path of the document: each segment equals the template's or fills
    /// one of its `{parameters}` with URL-safe characters only. Nothing else reaches the router.
    func isDocumentedPath(_ path: String) -> Bool {
        guard path.hasPrefix("/v2/") else { return false }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.utf8.allSatisfy(Self.isUnreserved) })
        else { return false }
        return operations.contains { Self.matches($0.path, segments) }
    }

    /// Whether the API checks the key on `call`'s route (not on /v2/health, /v2/meta, /v2/openapi.json, /v2/docs).
    func authenticates(_ call: APICall) -> Bool {
        let path = call.target.firstIndex(of: "?").map { String(call.target[..<$0]) } ?? call.target
        return !keylessRoutes.contains(call.method.rawValue + " " + path)
    }

    static func matches(_ template: String, _ segments: [Substring]) -> Bool {
        let parts = template.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    /// RFC 3986 unreserved characters: letters, digits, `-._~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    // MARK: The meta tools' definitions

    static func definition(of meta: MetaTool) -> MCP.Tool {
        let readOnly = MCP.Tool.Annotations(readOnlyHint: true, openWorldHint: false)
        switch meta {
        case .getAPIKeyInfo:
            return MCP.Tool(
                name: meta.rawValue, title: "Which organization is this key for?",
                description: "The organization and API key this connection acts as: organization id and name, the "
                    + "key's id, name, scopes and expiry (`GET /v2/whoami`). Run it first to check the connection.",
                inputSchema: objectSchema([:]), annotations: readOnly)
        case .searchTools:
            return MCP.Tool(
                name: meta.rawValue, title: "Find tools",
                description: "Finds the tools for any CreatorAudit API v2 endpoint by words (\"video timeseries\", "
                    + "\"link creator account\", \"delete\"). Only a few tools are listed up front; every "
                    + "endpoint is a tool. Each hit gives the tool's name, its HTTP method and path, the scope it "
                    + "needs and its input schema: call it by name, or through call_v2_endpoint with that method "
                    + "and path.",
                inputSchema: objectSchema(
                    [
                        "query": .object([
                            "type": .string("string"), "maxLength": .int(200),
                            "description": .string("Words to look for; empty lists every tool."),
                        ]),
                        "limit": .object([
                            "type": .string("integer"), "minimum": .int(1), "maximum": .int(50),
                            "default": .int(10), "description": .string("At most this many tools."),
                        ]),
                    ], required: ["query"]),
                annotations: readOnly)
        case .getHelp:
            return MCP.Tool(
                name: meta.rawValue, title: "How CreatorAudit works",
                description: "Explains how tracking, windows (`period`, `start_date`, `end_date`), amounts and "
                    + "engagement rate are computed, how lists page, what errors mean, and lists every tool by group. "
                    + "Read it before interpreting metrics.",
                inputSchema: objectSchema([
                    "topic": .object([
                        "type": .string("string"), "enum": .array(MCPHelp.Topic.allCases.map { .string($0.rawValue) }),
                        "description": .string("One section; all of them when absent."),
                    ])
                ]),
                annotations: readOnly)
        case .callV2Endpoint:
            return MCP.Tool(
                name: meta.rawValue, title: "Call any v2 endpoint",
                description: "Calls any endpoint of the CreatorAudit API v2 by method and path, e.g. GET "
                    + "/v2/creators/{id}/analytics with query {\"period\": \"90d\"}. The path must be one of the "
                    + "API's paths (see search_tools) with the ids filled in. The key's scopes apply as for any "
                    + "request: reads need `read`, writes `write`. The result is the API's JSON answer; an error is "
                    + "its problem document.",
                inputSchema: objectSchema(
                    [
                        "method": .object([
                            "type": .string("string"),
                            "enum": .array(["GET", "POST", "PUT", "PATCH", "DELETE"].map(Value.string)),
                        ]),
                        "path": .object([
                            "type": .string("string"), "pattern": .string("^/v2/"),
                            "description": .string("The path with ids filled in, without the query string."),
                        ]),
                        "query": .object([
                            "type": .string("object"),
                            "description": .string("Query parameters; a list repeats the parameter."),
                            "additionalProperties": .object([
                                "type": .array(["string", "number", "integer", "boolean", "array"].map(Value.string))
                            ]),
                        ]),
                        "body": .object([
                            "type": .array(["object", "array"].map(Value.string)),
                            "description": .string("The JSON request body of a POST, PUT or PATCH."),
                        ]),
                        OperationTool.idempotencyArgument: .object([
                            "type": .string("string"), "minLength": .int(1), "maxLength": .int(255),
                            "description": .string(
                                "Sent as Idempotency-Key: a retry with the same key and body gets the "
                                    + "first answer again."),
                        ]),
                    ], required: ["method", "path"]),
                annotations: MCP.Tool.Annotations(openWorldHint: false))
        }
    }

    static func objectSchema(_ properties: [String: Value], required: [String] = []) -> Value {
        var schema: [String: Value] = [
            "type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        return .object(schema)
    }
}

extension JSONOut {
    /// The SDK's JSON value in our serialiser (object keys sorted, so the output is stable).
    static func from(_ value: Value) -> JSONOut {
        switch value {
        case .null: return .null
        case .bool(let bool): return .bool(bool)
        case .int(let int): return .int(Int64(int))
        case .double(let double): return .double(double)
        case .string(let string): return .string(string)
        case .data: return .string(value.description)
        case .array(let values): return .array(values.map(from))
        case .object(let object): return .object(object.sorted { $0.key < $1.key }.map { ($0.key, from($0.value)) })
        }
    }
}
