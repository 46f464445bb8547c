// One operation of the OpenAPI document as an MCP tool (docs/mcp.md, "Tools"). The tools are generated from the
// document the server serves at /v2/openapi.json when the server starts, so a tool cannot drift from its endpoint:
// its name is the operationId in snake_case, its description the operation's, its input schema the operation's
// path and query parameters, `idempotency_key` (the Idempotency-Key header) and `body` (the request body).
import Foundation
import HTTPTypes
import MCP

struct OperationTool: Sendable {
    enum BodyRule: Sendable { case none, optional, required }

    let name: String
    let operationID: String
    let method: HTTPTypes.HTTPRequest.Method
    /// The path template, e.g. `/v2/accounts/{id}`.
    let path: String
    let tags: [String]
    let summary: String
    /// Whether the operation needs an API key (the document's `security`); `/v2/health` and friends do not.
    let needsKey: Bool
    let pathParameters: [String]
    let queryParameters: [String]
    let takesIdempotencyKey: Bool
    let body: BodyRule
    /// The body's media type: `application/json`, or `application/x-ndjson` (`POST /v2/snapshots`, whose `body`
    /// argument is the NDJSON text itself).
    var bodyMediaType = OperationTool.json
    /// The scope the API checks for this operation (same policy as APIKeyAuthMiddleware).
    var scope: Scope { ScopePolicy.requiredScope(method: method, route: path) }
    let tool: MCP.Tool

    /// Argument names a call may carry.
    var argumentNames: Set<String> {
        var names = Set(pathParameters).union(queryParameters)
        if takesIdempotencyKey { names.insert(Self.idempotencyArgument) }
        if body != .none { names.insert(Self.bodyArgument) }
        return names
    }

    static let bodyArgument = "body"
    static let json = "application/json"
    static let ndjson = "application/x-ndjson"
    static let idempotencyArgument = "idempotency_key"

    /// `getOpenAPIDocument` → `get_open_api_document`, `listAccounts` → `list_accounts`.
    static func snakeCase(_ identifier: String) -> String {
        let characters = Array(identifier)
        var out = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    out.append("_")
                }
            }
            out.append(contentsOf: character.lowercased())
        }
        return out.replacingOccurrences(of: "-", with: "_")
    }
}

/// Builds the operation tools from the OpenAPI document.
struct OperationToolBuilder {
    let document: JSONValue
    let inliner: SchemaInliner

    init(document: JSONValue) {
        self.document = document
        self.inliner = SchemaInliner(document: document)
    }

    /// Every operation of the document, in the document's path order; `problems` names what could not be read.
    func build() -> (tools: [OperationTool], problems: [String]) {
        var tools: [OperationTool] = []
        var problems: [String] = []
        let globalSecurity = document["security"]?.arrayValue ?? []
        for (path, item) in orderedPaths() {
            let shared = item["parameters"]?.arrayValue ?? []
            for method in OpenAPIDocument.methods {
                guard let operation = item[method] else { continue }
                do {
                    tools.append(
                        try tool(
                            path: path, method: method, operation: operation, shared: shared,
                            globalSecurity: globalSecurity))
                } catch let error as BuildError {
                    problems.append("\(method.uppercased()) \(path): \(error.reason)")
                } catch {
                    problems.append("\(method.uppercased()) \(path): \(error)")
                }
            }
        }
        problems.append(contentsOf: inliner.unresolved.map { "unresolved reference \($0)" })
        return (tools, problems)
    }

    struct BuildError: Error { let reason: String }

    /// `paths` in alphabetical order (the parsed document keeps no key order), so the tools come in a stable order.
    func orderedPaths() -> [(String, JSONValue)] {
        document["paths"]?.objectValue.sorted { $0.key < $1.key } ?? []
    }

    func tool(
        path: String, method: String, operation: JSONValue, shared: [JSONValue],
        globalSecurity: [JSONValue]
    ) throws -> OperationTool {
        guard let operationID = operation["operationId"]?.stringValue, !operationID.isEmpty else {
            throw BuildError(reason: "no operationId")
        }
        guard let httpMethod = HTTPTypes.HTTPRequest.Method(method.uppercased()) else {
            throw BuildError(reason: "unknown method")
        }
        var properties: [String: Value] = [:]
        var required: [String] = []
        var pathParameters: [String] = []
        var queryParameters: [String] = []
        var takesIdempotencyKey = false
        for reference in shared + (operation["parameters"]?.arrayValue ?? []) {
            let parameter = inliner.resolve(reference)
            guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue else {
                throw BuildError(reason: "a parameter without name or location")
            }
            var schema = inliner.inline(parameter["schema"] ?? .object([:]))
            if let description = parameter["description"]?.stringValue { schema = Self.describe(schema, description) }
            switch location {
            case "path":
                pathParameters.append(name)
                required.append(name)
                properties[name] = schema
            case "query":
                queryParameters.append(name)
                if parameter["required"]?.boolValue == true { required.append(name) }
                properties[name] = schema
            case "header" where name.lowercased() == "idempotency-key":
                takesIdempotencyKey = true
                properties[OperationTool.idempotencyArgument] = schema
            default:
                // Other headers (If-None-Match) make no sense for an agent: a 304 has no body to show.
                continue
            }
        }
        var body = OperationTool.BodyRule.none
        var bodyMediaType = OperationTool.json
        if let requestBody = operation["requestBody"].map(inliner.resolve) {
            let content = requestBody["content"]
            let schema: JSONValue
            if let json = content?[OperationTool.json]?["schema"] {
                schema = json
            } else if let ndjson = content?[OperationTool.ndjson]?["schema"] {
                schema = ndjson
                bodyMediaType = OperationTool.ndjson
            } else {
                throw BuildError(reason: "a request body that is neither application/json nor application/x-ndjson")
            }
            body = requestBody["required"]?.boolValue == true ? .required : .optional
            var inlined = inliner.inline(schema)
            if let description = requestBody["description"]?.stringValue {
                inlined = Self.describe(inlined, description)
            }
            properties[OperationTool.bodyArgument] = inlined
            if body == .required { required.append(OperationTool.bodyArgument) }
        }
        let names = pathParameters + queryParameters
        if Set(names).count != names.count || names.contains(OperationTool.bodyArgument)
            || names.contains(OperationTool.idempotencyArgument)
        {
            throw BuildError(reason: "two inputs share a name")
        }

        var schema: [String: Value] = [
            "type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        let security = operation["security"]?.arrayValue ?? globalSecurity
        let needsKey = !security.isEmpty
        let summary = operation["summary"]?.stringValue ?? operationID
        let name = OperationTool.snakeCase(operationID)
        let scope = ScopePolicy.requiredScope(method: httpMethod, route: path)
        let readOnly = scope == .read
        let annotations = MCP.Tool.Annotations(
            title: summary, readOnlyHint: readOnly, destructiveHint: readOnly ? nil : httpMethod == .delete,
            idempotentHint: readOnly ? nil : httpMethod != .post, openWorldHint: false)
        let tool = MCP.Tool(
            name: name, title: summary,
            description: Self.description(operation, method: httpMethod, path: path, needsKey: needsKey, scope: scope),
            inputSchema: .object(schema), annotations: annotations)
        return OperationTool(
            name: name, operationID: operationID, method: httpMethod, path: path,
            tags: operation["tags"]?.arrayValue.compactMap(\.stringValue) ?? [], summary: summary, needsKey: needsKey,
            pathParameters: pathParameters, queryParameters: queryParameters, takesIdempotencyKey: takesIdempotencyKey,
            body: body, bodyMediaType: bodyMediaType, tool: tool)
    }

    static func description(
        _ operation: JSONValue, method: HTTPTypes.HTTPRequest.Method, path: String, needsKey: Bool,
        scope: Scope
    ) -> String {
        var text = operation["summary"]?.stringValue ?? ""
        if let detail = operation["description"]?.stringValue, !detail.isEmpty {
            text += text.isEmpty ? detail : ". " + detail
        }
        let access = needsKey ? "needs a key with the `\(scope.rawValue)` scope" : "needs no key"
        return text + "\n\nCalls `\(method.rawValue) \(path)`; \(access). The result is the API's JSON answer."
    }

    static func describe(_ schema: Value, _ description: String) -> Value {
        guard case .object(var object) = schema else { return schema }
        if let existing = object["description"]?.stringValue, !existing.isEmpty, existing != description {
            object["description"] = .string(description + " " + existing)
        } else {
            object["description"] = .string(description)
        }
        return .object(object)
    }
}
