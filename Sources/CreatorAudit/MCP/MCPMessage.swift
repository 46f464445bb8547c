// JSON-RPC 2.0 messages of the MCP endpoint, with the SDK's types for what they carry. A posted message is parsed
// once (JSONRPCParser) into the envelope and, for the methods we serve, the SDK's parameter types
// (Initialize.Parameters, CallTool.Parameters); a tool result is written once, directly (toolResult).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import MCP
import NIOCore

struct IncomingMessage: Sendable {
    enum Kind: Sendable {
        case request(ID)
        case notification
        /// A client's answer to a server request; we send none, so these are acknowledged and dropped.
        case response
    }

    enum Parameters: Sendable {
        case none
        case initialize(Initialize.Parameters)
        case callTool(CallTool.Parameters)
        /// The method's parameters were not what the method takes (JSON-RPC "invalid params").
        case invalid(String)
    }

    let kind: Kind
    let method: String?
    let parameters: Parameters

    /// JSON, but not one JSON-RPC 2.0 message (a batch, a missing `jsonrpc`, an id that is neither string nor number).
    struct NotJSONRPC: Error {}

    /// Reads a posted body. Throws `JSONRPCParser.Failure` when it is not JSON, `NotJSONRPC` when it is JSON but
    /// not one JSON-RPC message.
    init(_ bytes: [UInt8]) throws {
        guard case .object(let message) = try JSONRPCParser.parse(bytes), message["jsonrpc"] == .string("2.0")
        else { throw NotJSONRPC() }
        var id: ID?
        switch message["id"] {
        case nil, .null?: id = nil
        case .string(let string)?: id = .string(string)
        case .int(let number)?: id = .number(number)
        default: throw NotJSONRPC()
        }
        switch message["method"] {
        case nil: method = nil
        case .string(let name)?: method = name
        default: throw NotJSONRPC()
        }
        switch (method, id) {
        case (nil, _):
            guard message["result"] != nil || message["error"] != nil else { throw NotJSONRPC() }
            kind = .response
        case (_?, let id?): kind = .request(id)
        case (_?, nil): kind = .notification
        }
        let params = message["params"]
        switch method {
        case Initialize.name?: parameters = Self.initialize(params)
        case CallTool.name?: parameters = Self.callTool(params)
        default: parameters = .none
        }
    }

    /// initialize is rare: the SDK's own Decodable reads its parameters.
    static func initialize(_ params: Value?) -> Parameters {
        guard let params, params != .null else {
            return .initialize(
                Initialize.Parameters(capabilities: .init(), clientInfo: .init(name: "unknown", version: "0")))
        }
        do {
            let data = try MCPReply.encoder.encode(params)
            return .initialize(try JSONDecoder().decode(Initialize.Parameters.self, from: data))
        } catch {
            return .invalid("initialize needs protocolVersion, capabilities and clientInfo.")
        }
    }

    static func callTool(_ params: Value?) -> Parameters {
        let invalid = Parameters.invalid("tools/call needs a tool name and an object of arguments.")
        guard case .object(let object)? = params, case .string(let name)? = object["name"] else { return invalid }
        switch object["arguments"] {
        case nil, .null?: return .callTool(CallTool.Parameters(name: name))
        case .object(let arguments)?: return .callTool(CallTool.Parameters(name: name, arguments: arguments))
        default: return invalid
        }
    }
}

/// What a tool call produced: the text of its one content item (an API answer, a problem document, help).
struct ToolOutput: Sendable {
    let text: [UInt8]
    let isError: Bool

    init(_ text: [UInt8], isError: Bool = false) {
        self.text = text
        self.isError = isError
    }

    /// The same, as the SDK's type.
    var result: CallTool.Result {
        CallTool.Result(
            content: [.text(text: String(decoding: text, as: UTF8.self), annotations: nil, _meta: nil)],
            isError: isError)
    }
}

/// Answers of the MCP endpoint.
enum MCPReply {
    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let protocolVersionHeader = HTTPField.Name("MCP-Protocol-Version")!

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON-RPC result for request `id` (HTTP 200, `application/json`).
    static func result<M: MCP.Method>(
        _ method: M.Type, id: ID, _ result: M.Result, sessionID: String? = nil
    ) throws
        -> HummingbirdCore.Response
    {
        json(Array(try encoder.encode(MCP.Response<M>(id: id, result: result))), status: .ok, sessionID: sessionID)
    }

    /// A tools/call result whose content is one text: CallTool.Result's wire form
    /// (`{"content":[{"type":"text","text":…}],"isError":…}`; MCPCatalogTests decodes it with the SDK's types),
    /// written directly instead of through JSONEncoder, because the text is an API answer of up to hundreds of
    /// kilobytes and this is every tool call's path (BENCHMARKS.md, "MCP").
    static func toolResult(id: ID, _ output: ToolOutput, sessionID: String?) -> HummingbirdCore.Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let sessionID { headers[sessionHeader] = sessionID }
        return HummingbirdCore.Response(
            status: .ok, headers: headers, body: .init(byteBuffer: toolResultBody(id: id, output)))
    }

    static func toolResultBody(id: ID, _ output: ToolOutput) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(output.text.count + output.text.count / 8 + 128)
        buffer.writeString("{\"jsonrpc\":\"2.0\",\"id\":")
        switch id {
        case .string(let string): buffer.writeBytes(JSONOut.string(string).serialized())
        case .number(let number): buffer.writeString(String(number))
        }
        buffer.writeString(",\"result\":{\"content\":[{\"type\":\"text\",\"text\":")
        writeJSONString(output.text, into: &buffer)
        buffer.writeString(output.isError ? "}],\"isError\":true}}" : "}],\"isError\":false}}")
        return buffer
    }

    /// `bytes` (UTF-8) as a JSON string, in two passes over raw memory: measure, then copy the runs that need no
    /// escaping with one `memcpy` each. (Writing it byte by byte through ByteBuffer cost more than the API request
    /// itself for a 12-account list; BENCHMARKS.md, "MCP".)
    static func writeJSONString(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        bytes.withUnsafeBufferPointer { input in
            var length = input.count + 2
            for byte in input where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                length += (byte == 0x22 || byte == 0x5C || byte == 0x0A || byte == 0x0D || byte == 0x09) ? 1 : 5
            }
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
                guard let out = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), let source = input.baseAddress
                else { return 0 }
                var position = 0, start = 0
                out[position] = 0x22
                position += 1
                for index in 0..<input.count {
                    let byte = source[index]
                    guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                    (out + position).update(from: source + start, count: index - start)
                    position += index - start
                    start = index + 1
                    out[position] = 0x5C
                    switch byte {
                    case 0x22, 0x5C: out[position + 1] = byte
                    case 0x0A: out[position + 1] = UInt8(ascii: "n")
                    case 0x0D: out[position + 1] = UInt8(ascii: "r")
                    case 0x09: out[position + 1] = UInt8(ascii: "t")
                    default:
                        out[position + 1] = UInt8(ascii: "u")
                        out[position + 2] = UInt8(ascii: "0")
                        out[position + 3] = UInt8(ascii: "0")
                        out[position + 4] = JSONOut.hexDigits[Int(byte >> 4)]
                        out[position + 5] = JSONOut.hexDigits[Int(byte & 0x0F)]
                        position += 4
                    }
                    position += 2
                }
                (out + position).update(from: source + start, count: input.count - start)
                position += input.count - start
                out[position] = 0x22
                return position + 1
            }
        }
    }

    /// A JSON-RPC error. `status` is 200 for an error about a request the endpoint understood; the transport's own
    /// refusals (no session, unknown session, unreadable message) use 4xx as the MCP transport specification asks.
    static func error(
        _ code: Int, _ message: String, id: ID?, status: HTTPTypes.HTTPResponse.Status = .ok, sessionID: String? = nil
    ) -> HummingbirdCore.Response {
        let idValue: JSONOut
        switch id {
        case .string(let string)?: idValue = .string(string)
        case .number(let number)?: idValue = .int(Int64(number))
        case nil: idValue = .null
        }
        let body = JSONOut.object([
            ("jsonrpc", .string("2.0")), ("id", idValue),
            ("error", .object([("code", .int(Int64(code))), ("message", .string(message))])),
        ])
        return json(body.serialized(), status: status, sessionID: sessionID)
    }

    /// 202 Accepted, no body: a notification or a response was received.
    static func accepted(sessionID: String?) -> HummingbirdCore.Response {
        var response = HummingbirdCore.Response(status: .accepted)
        if let sessionID { response.headers[sessionHeader] = sessionID }
        return response
    }

    static func json(
        _ bytes: [UInt8], status: HTTPTypes.HTTPResponse.Status, sessionID: String?
    ) -> HummingbirdCore.Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let sessionID { headers[sessionHeader] = sessionID }
        return HummingbirdCore.Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // JSON-RPC error codes (MCPError's, as plain numbers for messages without a usable id).
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
}
