// Turns a tool call's arguments into the API request it stands for: path parameters into the path
// (percent-encoded), query parameters into the query string, `body` into the JSON body, `idempotency_key` into the
// Idempotency-Key header. Only the shape is checked here (which arguments exist, what is required); what the values
// mean is the API's business, which answers as it answers any client (422 naming the field, 404 for a bad id).
import Foundation
import HTTPTypes
import MCP

enum ToolArguments {
    static let methods: [String: HTTPTypes.HTTPRequest.Method] = [
        "GET": .get, "POST": .post, "PUT": .put, "PATCH": .patch, "DELETE": .delete,
    ]

    /// The request for an operation tool.
    static func call(_ operation: OperationTool, _ arguments: [String: Value]) throws -> APICall {
        var errors = unknown(arguments, allowed: operation.argumentNames, tool: operation.name)
        var path = ""
        for segment in operation.path.split(separator: "/") {
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else {
                path += "/" + segment
                continue
            }
            let name = String(segment.dropFirst().dropLast())
            guard let value = arguments[name].flatMap(scalar), !value.isEmpty else {
                errors.append(FieldError(field: name, message: "is required"))
                continue
            }
            // "." and ".." would be dot segments, not values: spelled out, they stay one segment (an id to the API).
            let isDotSegment = value == "." || value == ".."
            path += "/" + (isDotSegment ? value.replacingOccurrences(of: ".", with: "%2E") : percentEncode(value))
        }
        var query: [(String, String)] = []
        for name in operation.queryParameters {
            guard let value = arguments[name] else { continue }
            query += pairs(name, value, errors: &errors)
        }
        let body: [UInt8]?
        if operation.bodyMediaType == OperationTool.ndjson {
            body = encodeText(arguments[OperationTool.bodyArgument], required: operation.body == .required, errors: &errors)
        } else {
            body = try encodeBody(
                arguments[OperationTool.bodyArgument], required: operation.body == .required, errors: &errors)
        }
        let idempotencyKey = idempotency(arguments, errors: &errors)
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return APICall(
            method: operation.method, target: path + queryString(query), body: body,
            contentType: operation.bodyMediaType, idempotencyKey: idempotencyKey)
    }

    /// The request for call_v2_endpoint: any method on a path of the document.
    static func call(endpoint arguments: [String: Value], catalog: ToolCatalog) throws -> APICall {
        var errors = unknown(
            arguments, allowed: ["method", "path", "query", "body", OperationTool.idempotencyArgument],
            tool: ToolCatalog.MetaTool.callV2Endpoint.rawValue)
        let method = arguments["method"]?.stringValue.flatMap { methods[$0.uppercased()] }
        if method == nil {
            errors.append(FieldError(field: "method", message: "must be GET, POST, PUT, PATCH or DELETE"))
        }
        let path = arguments["path"]?.stringValue ?? ""
        if path.contains("?") {
            errors.append(FieldError(field: "path", message: "must not carry a query string; use query"))
        } else if !catalog.isDocumentedPath(path) {
            errors.append(
                FieldError(field: "path", message: "must be one of the API's /v2/ paths with its ids filled in"))
        }
        var query: [(String, String)] = []
        switch arguments["query"] {
        case nil, .null?: break
        case .object(let object)?:
            for name in object.keys.sorted() { query += pairs(name, object[name] ?? .null, errors: &errors) }
        default: errors.append(FieldError(field: "query", message: "must be an object"))
        }
        let body = try encodeBody(arguments["body"], required: false, errors: &errors)
        let idempotencyKey = idempotency(arguments, errors: &errors)
        guard errors.isEmpty, let method else { throw APIError.validation(errors) }
        return APICall(method: method, target: path + queryString(query), body: body, idempotencyKey: idempotencyKey)
    }

    static func unknown(_ arguments: [String: Value], allowed: Set<String>, tool: String) -> [FieldError] {
        arguments.keys.sorted().filter { !allowed.contains($0) }
            .map { FieldError(field: $0, message: "is not an argument of \(tool)") }
    }

    static func idempotency(_ arguments: [String: Value], errors: inout [FieldError]) -> String? {
        switch arguments[OperationTool.idempotencyArgument] {
        case nil, .null?: return nil
        case .string(let key)?: return key
        default:
            errors.append(FieldError(field: OperationTool.idempotencyArgument, message: "must be a string"))
            return nil
        }
    }

    /// A text body sent as it is (NDJSON records, one per line).
    static func encodeText(_ value: Value?, required: Bool, errors: inout [FieldError]) -> [UInt8]? {
        switch value {
        case nil, .null?:
            if required { errors.append(FieldError(field: OperationTool.bodyArgument, message: "is required")) }
            return nil
        case .string(let text)?:
            return Array(text.utf8)
        default:
            errors.append(FieldError(field: OperationTool.bodyArgument, message: "must be a string of NDJSON lines"))
            return nil
        }
    }

    static func encodeBody(_ value: Value?, required: Bool, errors: inout [FieldError]) throws -> [UInt8]? {
        switch value {
        case nil, .null?:
            if required { errors.append(FieldError(field: OperationTool.bodyArgument, message: "is required")) }
            return nil
        case .object?, .array?:
            return Array(try MCPReply.encoder.encode(value))
        default:
            errors.append(FieldError(field: OperationTool.bodyArgument, message: "must be a JSON object"))
            return nil
        }
    }

    /// `name=value` pairs of one query argument: a list repeats the parameter, null sends nothing.
    static func pairs(_ name: String, _ value: Value, errors: inout [FieldError]) -> [(String, String)] {
        switch value {
        case .null: return []
        case .array(let values):
            let strings = values.compactMap(scalar)
            guard strings.count == values.count else {
                errors.append(FieldError(field: name, message: "must be a string, number, boolean or a list of them"))
                return []
            }
            return strings.map { (name, $0) }
        default:
            guard let string = scalar(value) else {
                errors.append(FieldError(field: name, message: "must be a string, number, boolean or a list of them"))
                return []
            }
            return [(name, string)]
        }
    }

    /// A scalar argument as the API reads it in a path or query (`true`/`false`, integers without a fraction).
    static func scalar(_ value: Value) -> String? {
        switch value {
        case .string(let string): return string
        case .int(let int): return String(int)
        case .double(let double):
            if double.rounded() == double, abs(double) < 9e15 { return String(Int64(double)) }
            return String(double)
        case .bool(let bool): return bool ? "true" : "false"
        default: return nil
        }
    }

    static func queryString(_ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "?" + pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Everything but RFC 3986's unreserved characters percent-encoded.
    static func percentEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if ToolCatalog.isUnreserved(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
