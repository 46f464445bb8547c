// The MCP endpoint (docs/mcp.md): MCP's Streamable HTTP transport at `POST /mcp` on the API's own listener and TLS.
// Every request is authenticated like an API request (same verifier, cache, failed-auth throttle); a tool call
// is then run as the API request it stands for, through the application's router (InProcessAPI), so scopes, rate
// limits, usage counting, idempotency, tenancy and logging are the API's own. Answers are single JSON objects
// (no server-initiated messages exist, so there is no SSE stream: GET /mcp is 405, as the transport allows), and
// session ids are signed rather than stored (MCPSessionID), so DELETE /mcp is 405 too.
//
// Which requests count against the key's rate limit and usage: each POST to /mcp counts once. A tool call that
// reaches an authenticated API route is counted by the API request it makes (not twice); everything else
// (initialize, tools/list, search_tools, get_help, notifications, refusals) is counted here.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import MCP

struct MCPController {
    static let apiKeyHeader = HTTPField.Name("x-creatoraudit-api-key")!
    static let serverName = "creatoraudit"
    static let instructions = """
        CreatorAudit's API v2 as tools, acting as the organization of your API key. Start with get_api_key_info. \
        Only a few tools are listed: search_tools finds the tool of any endpoint, and call_v2_endpoint calls any /v2 \
        path. Read get_help before interpreting metrics (windows, amounts, engagement rate). Results are the API's \
        JSON; a failed call returns the API's problem document.
        """

    /// Nil when the OpenAPI document is missing (a binary copied without its resources): /mcp then answers 503.
    let catalog: ToolCatalog?
    let keyAuth: APIKeyAuthMiddleware
    let api: InProcessAPI
    let sessions: MCPSessions
    /// `https://host[:port]` of --public-url: the only browser Origin accepted (MCP transport, "Security Warning").
    let origin: String

    init(catalog: ToolCatalog?, keyAuth: APIKeyAuthMiddleware, api: InProcessAPI, sessions: MCPSessions, origin: String)
    {
        self.catalog = catalog
        self.keyAuth = keyAuth
        self.api = api
        self.sessions = sessions
        self.origin = origin
    }

    init(services: AppServices, settings: ServerSettings, keyAuth: APIKeyAuthMiddleware, api: InProcessAPI) {
        self.init(
            catalog: ToolCatalog.bundled, keyAuth: keyAuth, api: api, sessions: MCPSessions(secrets: services.secrets),
            origin: SameOriginMiddleware.origin(of: settings.publicURL))
    }

    func addRoutes(to root: Routes<AppRequestContext>) {
        /// MCP messages (JSON-RPC 2.0, one per request) from an agent's MCP client.
        root.on(.post, "mcp") { request, context in try await post(request, context) }
    }

    func post(_ request: HummingbirdCore.Request, _ context: AppRequestContext) async throws -> HummingbirdCore.Response
    {
        // The body must be JSON, as on /v2 (415 before any credential is looked at). Accept is not checked: MCP
        // clients accept JSON by definition, and every answer here is JSON.
        guard Self.isJSON(request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, "The request body must be application/json.")
        }
        // DNS-rebinding defence the transport requires; agents' clients send no Origin at all.
        if let sent = request.headers[.origin], sent.lowercased() != origin.lowercased() {
            throw APIError(.forbidden, "Requests from this Origin are not accepted.")
        }
        guard let catalog else {
            throw APIError(
                .serviceUnavailable, "The API description is missing from this installation, so MCP has no tools.")
        }
        let authorization = Self.credential(request.headers)
        let key = try await keyAuth.authenticate(authorization: authorization, context: context)

        let bytes = try await JSONBody.collect(request, context: context)
        let message: IncomingMessage
        do {
            message = try IncomingMessage(bytes)
        } catch {
            try keyAuth.admit(key, context: context)
            return Self.unreadable(bytes, notJSON: error is JSONRPCParser.Failure)
        }
        let (response, countedByAPI) = try await respond(
            to: message, catalog: catalog, key: key, request: request, context: context)
        // Counted once the answer is known, so each request counts exactly once (and is refused with 429 when over
        // the limit). Nothing answered here has side effects: whatever writes went through the API, which counted.
        if !countedByAPI { try keyAuth.admit(key, context: context) }
        return response
    }

    /// The answer to one message, and whether an API request made for it was already counted.
    func respond(
        to message: IncomingMessage, catalog: ToolCatalog, key: AuthenticatedKey,
        request: HummingbirdCore.Request, context: AppRequestContext
    ) async throws -> (HummingbirdCore.Response, countedByAPI: Bool) {
        let signer = try await sessions.current()
        if message.method == Initialize.name, case .request(let id) = message.kind {
            return (try initialize(message, id: id, sessionID: signer.issue(for: key.keyID), catalog: catalog), false)
        }
        guard let sessionID = request.headers[MCPReply.sessionHeader] else {
            let detail = "Mcp-Session-Id is required: send initialize first."
            return (MCPReply.error(MCPReply.invalidRequest, detail, id: message.id, status: .badRequest), false)
        }
        // Another key's session, another installation's or a made-up id: all unknown, as the specification says.
        guard sessions.verify(sessionID, for: key.keyID, with: signer) else {
            let detail = "No such session: send initialize again."
            return (MCPReply.error(MCPReply.invalidRequest, detail, id: message.id, status: .notFound), false)
        }
        if let version = request.headers[MCPReply.protocolVersionHeader], !Version.supported.contains(version) {
            let detail = "MCP-Protocol-Version \(Self.printable(version)) is not supported."
            return (MCPReply.error(MCPReply.invalidRequest, detail, id: message.id, status: .badRequest), false)
        }
        guard case .request(let id) = message.kind else { return (MCPReply.accepted(sessionID: sessionID), false) }

        switch message.method {
        case Ping.name?:
            return (try MCPReply.result(Ping.self, id: id, Empty(), sessionID: sessionID), false)
        case ListTools.name?:
            let all = request.uri.queryParameters["tools"].map { $0 == "all" } ?? false
            let tools = ListTools.Result(tools: catalog.listed(all: all))
            return (try MCPReply.result(ListTools.self, id: id, tools, sessionID: sessionID), false)
        case CallTool.name?:
            guard case .callTool(let parameters) = message.parameters else { break }
            guard let entry = catalog.entry(named: parameters.name) else {
                // The MCP specification's answer to an unknown tool: a JSON-RPC error, not a tool error.
                let detail = "Unknown tool \(Self.printable(parameters.name)): search_tools finds the tools."
                return (MCPReply.error(MCPReply.invalidParams, detail, id: id, sessionID: sessionID), false)
            }
            let (result, countedByAPI) = try await callTool(
                entry, arguments: parameters.arguments ?? [:], catalog: catalog, key: key,
                request: request, context: context)
            return (MCPReply.toolResult(id: id, result, sessionID: sessionID), countedByAPI)
        default:
            let detail = "\(Self.printable(message.method ?? "")) is not supported."
            return (MCPReply.error(MCPReply.methodNotFound, detail, id: id, sessionID: sessionID), false)
        }
        let reason = Self.invalidReason(message)
        return (MCPReply.error(MCPReply.invalidParams, reason, id: id, sessionID: sessionID), false)
    }

    func initialize(
        _ message: IncomingMessage, id: ID, sessionID: String, catalog: ToolCatalog
    ) throws
        -> HummingbirdCore.Response
    {
        guard case .initialize(let parameters) = message.parameters else {
            return MCPReply.error(MCPReply.invalidParams, Self.invalidReason(message), id: id)
        }
        let requested = parameters.protocolVersion
        let result = Initialize.Result(
            protocolVersion: Version.supported.contains(requested) ? requested : Version.latest,
            capabilities: .init(tools: .init(listChanged: false)),
            serverInfo: .init(name: Self.serverName, version: catalog.apiVersion, title: "CreatorAudit"),
            instructions: Self.instructions)
        return try MCPReply.result(Initialize.self, id: id, result, sessionID: sessionID)
    }

    /// One tool call. Argument problems found before the API is reached, and the API's own refusals, are tool
    /// errors carrying a problem document. `countedByAPI`: the API request it made counted against the key.
    func callTool(
        _ entry: ToolCatalog.Entry, arguments: [String: Value], catalog: ToolCatalog,
        key: AuthenticatedKey, request: HummingbirdCore.Request, context: AppRequestContext
    ) async throws -> (ToolOutput, countedByAPI: Bool) {
        let call: APICall
        do {
            switch entry {
            case .meta(.searchTools):
                return (ToolOutput(try searchTools(arguments, catalog: catalog).serialized()), false)
            case .meta(.getHelp):
                return (ToolOutput(Array(try help(arguments, catalog: catalog).utf8)), false)
            case .meta(.getAPIKeyInfo):
                let unknown = ToolArguments.unknown(arguments, allowed: [], tool: entry.name)
                guard unknown.isEmpty else { throw APIError.validation(unknown) }
                call = APICall(method: .get, target: "/v2/whoami")
            case .meta(.callV2Endpoint):
                call = try ToolArguments.call(endpoint: arguments, catalog: catalog)
            case .operation(let operation):
                call = try ToolArguments.call(operation, arguments)
            }
        } catch let error as APIError {
            let problem = ProblemMiddleware.problemBody(error, instance: request.uri.path, requestID: context.requestID)
            return (ToolOutput(problem, isError: true), false)
        }
        let answer = try await api.send(call, key: key, outer: request, context: context)
        let body = answer.body.isEmpty ? Array("{\"status\":\(answer.status)}".utf8) : answer.body
        // /v2/health, /v2/meta and the like are limited per address, not per key: then this request counts here.
        return (ToolOutput(body, isError: answer.status >= 400), catalog.authenticates(call))
    }

    func searchTools(_ arguments: [String: Value], catalog: ToolCatalog) throws -> JSONOut {
        var errors = ToolArguments.unknown(arguments, allowed: ["query", "limit"], tool: "search_tools")
        let query: String
        switch arguments["query"] {
        case .string(let text)? where text.count <= 200: query = text
        case nil, .null?: query = ""
        default:
            errors.append(FieldError(field: "query", message: "must be a string of at most 200 characters"))
            query = ""
        }
        var limit = 10
        switch arguments["limit"] {
        case nil, .null?: break
        case .int(let value)? where (1...50).contains(value): limit = value
        default: errors.append(FieldError(field: "limit", message: "must be an integer from 1 to 50"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        let hits = catalog.search(query, limit: limit)
        return .object([
            ("query", .string(query)), ("tools", .array(hits.map(catalog.summary))),
            ("note", .string("Call a tool by its name, or use call_v2_endpoint with its method and path.")),
        ])
    }

    func help(_ arguments: [String: Value], catalog: ToolCatalog) throws -> String {
        var errors = ToolArguments.unknown(arguments, allowed: ["topic"], tool: "get_help")
        var topic: MCPHelp.Topic?
        switch arguments["topic"] {
        case nil, .null?: break
        case .string(let name)? where MCPHelp.Topic(rawValue: name) != nil: topic = MCPHelp.Topic(rawValue: name)
        default:
            let names = MCPHelp.Topic.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(FieldError(field: "topic", message: "must be one of \(names)"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return MCPHelp.text(topic, catalog: catalog)
    }

    // MARK: Helpers

    /// `application/json` as every client spells it, byte for byte; any other spelling goes through the API's parser.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        if contentType.utf8.elementsEqual("application/json".utf8) { return true }
        return JSONOnlyMiddleware.isJSON(contentType)
    }

    /// `x-creatoraudit-api-key: <key>` (for clients that keep `Authorization` for themselves), else `Authorization`.
    static func credential(_ headers: HTTPFields) -> String? {
        if let key = headers[apiKeyHeader] { return "Bearer " + key.trimmingCharacters(in: .whitespaces) }
        return headers[.authorization]
    }

    /// A body that is not one JSON-RPC message: not JSON (or nested deeper than 32), a batch, or JSON that is
    /// not JSON-RPC 2.0.
    static func unreadable(_ bytes: [UInt8], notJSON: Bool) -> HummingbirdCore.Response {
        if notJSON {
            return MCPReply.error(
                MCPReply.parseError, "The body is not JSON (or is nested deeper than 32 levels).", id: nil,
                status: .badRequest)
        }
        let first = bytes.first { ![9, 10, 13, 32].contains($0) }
        let detail =
            first == UInt8(ascii: "[")
            ? "Batches are not supported: send one message per request." : "The body is not a JSON-RPC 2.0 message."
        return MCPReply.error(MCPReply.invalidRequest, detail, id: nil, status: .badRequest)
    }

    static func invalidReason(_ message: IncomingMessage) -> String {
        if case .invalid(let reason) = message.parameters { return reason }
        return "Invalid parameters."
    }

    /// A client-supplied string echoed in an error: printable ASCII only, at most 64 characters.
    static func printable(_ text: String) -> String {
        String(String(text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }).prefix(64))
    }
}

extension IncomingMessage {
    var id: ID? {
        if case .request(let id) = kind { return id }
        return nil
    }
}
