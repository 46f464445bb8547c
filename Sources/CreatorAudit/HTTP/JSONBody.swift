// Reading request bodies: at most 1 MiB, nesting at most 32 deep, parsed into a JSON value tree so that
// validation can report every bad field at once (with its name) instead of failing on the first.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

public indirect enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

/// A parsed JSON object body with typed, error-collecting accessors.
struct JSONBody {
    static let maximumDepth = 32
    let fields: [String: JSONValue]
    var errors: [FieldError] = []

    static func read(_ request: Request, context: AppRequestContext) async throws -> JSONBody {
        try parse(try await collect(request, context: context))
    }

    /// The raw body (needed as is for idempotency hashing).
    static func collect(_ request: Request, context: AppRequestContext) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        } catch {
            throw APIError(.payloadTooLarge, "The request body is larger than 1 MiB.")
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONBody {
        guard !bytes.isEmpty else { throw APIError(.badRequest, "A JSON object body is required.") }
        guard depth(of: bytes) <= maximumDepth else {
            throw APIError(.badRequest, "The JSON body is nested deeper than \(maximumDepth) levels.")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw APIError(.badRequest, "The request body is not valid JSON.")
        }
        guard case .object(let fields) = value else { throw APIError(.badRequest, "The request body must be a JSON object.") }
        // A NUL is never valid text, in any field (InputRules.swift).
        let nul = nulErrors(in: fields)
        if !nul.isEmpty { throw APIError.validation(nul) }
        return JSONBody(fields: fields)
    }

    /// Maximum nesting of arrays and objects, ignoring brackets inside strings. Checked before parsing,
    /// so a hostile body cannot make the parser recurse deeply.
    static func depth(of bytes: [UInt8]) -> Int {
        var depth = 0, maximum = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                maximum = max(maximum, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return maximum
    }

    func has(_ field: String) -> Bool { fields[field] != nil }

    /// A single-line string field; nil when absent. A present field of another type, or with a control
    /// character, is an error.
    mutating func string(_ field: String, length: ClosedRange<Int>, trim: Bool = true) -> String? {
        guard let value = fields[field] else { return nil }
        guard case .string(let raw) = value else {
            errors.append(FieldError(field: field, message: "must be a string"))
            return nil
        }
        guard !ControlCharacters.forbidden(in: raw) else {
            errors.append(FieldError(field: field, message: ControlCharacters.message))
            return nil
        }
        let text = trim ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        guard length.contains(text.count) else {
            errors.append(FieldError(field: field, message: "must be \(length.lowerBound) to \(length.upperBound) characters"))
            return nil
        }
        return text
    }

    mutating func integer(_ field: String, range: ClosedRange<Int>) -> Int? {
        guard let value = fields[field] else { return nil }
        guard case .integer(let number) = value else {
            errors.append(FieldError(field: field, message: "must be an integer"))
            return nil
        }
        guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
            errors.append(FieldError(field: field, message: "must be between \(range.lowerBound) and \(range.upperBound)"))
            return nil
        }
        return Int(number)
    }

    /// Throws 422 listing every problem found so far.
    func validate() throws {
        if !errors.isEmpty { throw APIError.validation(errors) }
    }
}
