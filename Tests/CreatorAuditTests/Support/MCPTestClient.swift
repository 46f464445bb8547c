// A minimal MCP client over the test server's HTTPS: JSON-RPC messages POSTed to /mcp with the headers the
// Streamable HTTP transport prescribes, the session id kept after initialize.
import Foundation
import Testing

final class MCPTestClient: @unchecked Sendable {
    // Used from one test task at a time.
    let server: TestServer
    var credential: [(String, String)]
    var sessionID: String?
    var path = "/mcp"
    /// Sent with every request (e.g. a proxy's X-Forwarded-* headers).
    var extraHeaders: [(String, String)] = []
    private var nextID = 1

    init(_ server: TestServer, key: String?, header: String = "Authorization") {
        self.server = server
        if let key {
            credential = [(header, header == "Authorization" ? "Bearer \(key)" : key)]
        } else {
            credential = []
        }
    }

    /// One JSON-RPC message (`id` nil: a notification).
    func send(
        _ method: String, _ params: [String: Any]? = nil, notification: Bool = false,
        headers extra: [(String, String)] = []
    ) async throws -> TestResponse {
        var message: [String: Any] = ["jsonrpc": "2.0", "method": method]
        if let params { message["params"] = params }
        if !notification {
            message["id"] = nextID
            nextID += 1
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
        return try await post(body, headers: extra)
    }

    func post(_ body: String, headers extra: [(String, String)] = []) async throws -> TestResponse {
        var headers = credential + [("Accept", "application/json, text/event-stream")] + extraHeaders + extra
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        return try await server.request(.POST, path, headers: headers, body: body)
    }

    /// initialize + notifications/initialized; returns the initialize response.
    @discardableResult
    func initialize(version: String = "2025-06-18") async throws -> TestResponse {
        let response = try await send(
            "initialize",
            [
                "protocolVersion": version, "capabilities": [String: Any](),
                "clientInfo": ["name": "creatoraudit-tests", "version": "1"],
            ])
        sessionID = response.header("Mcp-Session-Id")
        if response.status == 200 {
            let accepted = try await send(
                "notifications/initialized", notification: true,
                headers: [("MCP-Protocol-Version", version)])
            #expect(accepted.status == 202)
        }
        return response
    }

    /// tools/call; the HTTP response and, when it is a JSON-RPC result, the tool result.
    func call(
        _ tool: String, _ arguments: [String: Any] = [:]
    ) async throws -> (http: TestResponse, result: ToolResult?) {
        let response = try await send("tools/call", ["name": tool, "arguments": arguments])
        guard let result = response.json["result"] as? [String: Any] else { return (response, nil) }
        let text = ((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
        return (response, ToolResult(isError: result["isError"] as? Bool ?? false, text: text))
    }

    /// tools/call that must produce a tool result.
    func result(
        _ tool: String, _ arguments: [String: Any] = [:], sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> ToolResult
    {
        let (http, result) = try await call(tool, arguments)
        return try #require(result, "HTTP \(http.status): \(http.body)", sourceLocation: sourceLocation)
    }
}

struct ToolResult {
    let isError: Bool
    let text: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    var code: String? { json["code"] as? String }
}
