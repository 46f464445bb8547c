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

    static func read(_ request: Request, context: some RequestContext) async throws -> JSONBody {
        try parse(try await collect(request, context: context))
    }

    /// The raw body (needed as is for idempotency hashing).
    static func collect(_ request: Request, context: some RequestContext) async throws -> [UInt8] {
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
        // Fields the endpoint does not take are ignored whatever they hold; each field it takes is checked by its
        // accessor below, NUL and the other control characters included (HTTP/InputRules.swift).
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

    /// A single-line string field; nil when absent. A present field of another type is an error. Surrounding blanks
    /// (space, tab, CR, LF) are dropped when `trim`; the text as sent is at most `length.upperBound` long and, trimmed,
    /// at least `length.lowerBound`. NUL anywhere, and any other C0 control in the text kept, is refused (README,
    /// "Input rules"; HTTP/InputRules.swift). Lengths count Unicode scalars, as JSON Schema's `maxLength` does, so
    /// the OpenAPI document states exactly what is accepted.
    mutating func string(_ field: String, length: ClosedRange<Int>, trim: Bool = true) -> String? {
        guard let value = fields[field] else { return nil }
        guard case .string(let raw) = value else {
            errors.append(FieldError(field: field, message: "must be a string"))
            return nil
        }
        let text = trim ? Self.trimmingBlanks(raw) : raw
        guard raw.unicodeScalars.count <= length.upperBound, text.unicodeScalars.count >= length.lowerBound else {
            let blanks = trim && length.lowerBound > 0 ? ", not only blanks" : ""
            let message = "must be \(length.lowerBound) to \(length.upperBound) characters\(blanks)"
            errors.append(FieldError(field: field, message: message))
            return nil
        }
        guard !ControlCharacters.hasNUL(raw), !ControlCharacters.forbidden(in: text) else {
            errors.append(FieldError(field: field, message: ControlCharacters.message))
            return nil
        }
        return text
    }

    /// The blanks a string field may carry around its text: space, tab, CR and LF (the document's pattern names
    /// the same four).
    static func trimmingBlanks(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(scalars[first...last])
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

extension JSONBody {
    /// `metadata`: an object of strings within the limits; nil when absent.
    mutating func metadata(_ field: String = "metadata") -> [String: String]? {
        guard let value = fields[field] else { return nil }
        guard case .object(let object) = value else {
            errors.append(FieldError(field: field, message: "must be an object of strings"))
            return nil
        }
        var result: [String: String] = [:]
        var valid = true
        if object.count > Metadata.maximumKeys {
            errors.append(FieldError(field: field, message: "must have at most \(Metadata.maximumKeys) keys"))
            valid = false
        }
        for (key, entry) in object.sorted(by: { $0.key < $1.key }) {
            // A key is single-line text; it is not echoed back in the error, it may hold anything.
            guard !ControlCharacters.forbidden(in: key) else {
                errors.append(FieldError(field: field, message: "must not have keys with control characters"))
                valid = false
                continue
            }
            guard !key.isEmpty, key.unicodeScalars.count <= Metadata.maximumKeyLength else {
                errors.append(FieldError(field: "\(field).\(key.prefix(64))", message: "keys must be 1 to \(Metadata.maximumKeyLength) characters"))
                valid = false
                continue
            }
            guard case .string(let text) = entry else {
                errors.append(FieldError(field: "\(field).\(key)", message: "must be a string"))
                valid = false
                continue
            }
            // Values may span lines: tab, CR and LF are kept; other controls are refused (HTTP/InputRules.swift).
            guard !ControlCharacters.forbidden(in: text, multiLine: true) else {
                errors.append(FieldError(field: "\(field).\(key)", message: ControlCharacters.message))
                valid = false
                continue
            }
            guard text.unicodeScalars.count <= Metadata.maximumValueLength else {
                errors.append(FieldError(field: "\(field).\(key)", message: "must be at most \(Metadata.maximumValueLength) characters"))
                valid = false
                continue
            }
            result[key] = text
        }
        return valid ? result : nil
    }

    mutating func bool(_ field: String) -> Bool? {
        guard let value = fields[field] else { return nil }
        guard case .bool(let flag) = value else {
            errors.append(FieldError(field: field, message: "must be true or false"))
            return nil
        }
        return flag
    }

    /// Present-and-null is distinct from absent: `.some(nil)` clears a nullable field.
    mutating func nullableInteger(_ field: String, range: ClosedRange<Int>) -> Int?? {
        guard let value = fields[field] else { return nil }
        if case .null = value { return .some(nil) }
        guard let number = integer(field, range: range) else { return nil }
        return .some(number)
    }

    mutating func nullableString(_ field: String, length: ClosedRange<Int>) -> String?? {
        guard let value = fields[field] else { return nil }
        if case .null = value { return .some(nil) }
        guard let text = string(field, length: length) else { return nil }
        return .some(text)
    }

    mutating func platform() -> Platform? {
        guard let value = fields["platform"] else {
            errors.append(FieldError(field: "platform", message: "is required"))
            return nil
        }
        guard case .string(let raw) = value, let platform = Platform(rawValue: raw) else {
            errors.append(FieldError(field: "platform", message: "must be instagram or tiktok"))
            return nil
        }
        return platform
    }

    mutating func uuid(_ field: String) -> String?? {
        guard let value = fields[field] else { return nil }
        if case .null = value { return .some(nil) }
        guard case .string(let raw) = value, let uuid = UUID(uuidString: raw) else {
            errors.append(FieldError(field: field, message: "must be a UUID"))
            return nil
        }
        return .some(uuid.uuidString.lowercased())
    }

    mutating func required(_ field: String) {
        if fields[field] == nil || fields[field] == .null {
            errors.append(FieldError(field: field, message: "is required"))
        }
    }
}
