// Turns the OpenAPI document's schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12) into self-contained tool input
// schemas: every local `$ref` is replaced by what it names, and keywords beside a `$ref` (a `default`, a
// `description`) are kept on top of it. Agents' clients then never need to resolve references.
import Foundation
import MCP
import NIOConcurrencyHelpers

final class SchemaInliner: Sendable {
    /// Deeper than this, a schema is cut off as "anything": the document's schemas are at most a few levels deep.
    static let maximumDepth = 24

    let document: JSONValue
    private let unresolvedReferences = NIOLockedValueBox(Set<String>())

    init(document: JSONValue) { self.document = document }

    /// References that named nothing in the document (a broken document; the tests require none).
    var unresolved: [String] { unresolvedReferences.withLockedValue { $0.sorted() } }

    /// A parameter or request body given by reference, looked up (one level; they do not chain in our document).
    func resolve(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue else { return value }
        guard let target = lookUp(reference) else {
            unresolvedReferences.withLockedValue { _ = $0.insert(reference) }
            return .object([:])
        }
        return target
    }

    /// `schema` as an MCP `Value` with every `$ref` replaced by its target.
    func inline(_ schema: JSONValue) -> Value { inline(schema, depth: 0, visiting: []) }

    private func inline(_ schema: JSONValue, depth: Int, visiting: Set<String>) -> Value {
        guard depth < Self.maximumDepth else { return .object([:]) }
        switch schema {
        case .object(let object):
            var result: [String: Value] = [:]
            if let reference = object["$ref"]?.stringValue {
                // A cycle would recurse for ever: the inner occurrence accepts anything instead.
                guard !visiting.contains(reference) else { return .object([:]) }
                guard let target = lookUp(reference) else {
                    unresolvedReferences.withLockedValue { _ = $0.insert(reference) }
                    return .object([:])
                }
                guard
                    case .object(let resolved) = inline(target, depth: depth + 1, visiting: visiting.union([reference]))
                else { return .object([:]) }
                result = resolved
            }
            for (key, value) in object where key != "$ref" {
                result[key] = inline(value, depth: depth + 1, visiting: visiting)
            }
            return .object(result)
        case .array(let values):
            return .array(values.map { inline($0, depth: depth + 1, visiting: visiting) })
        default:
            return Self.value(schema)
        }
    }

    /// `#/components/schemas/Name` (or any other local JSON pointer) in the document.
    func lookUp(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    /// Our parsed JSON as the SDK's JSON value.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let bool): return .bool(bool)
        case .integer(let integer): return .int(Int(integer))
        case .number(let number): return .double(number)
        case .string(let string): return .string(string)
        case .array(let values): return .array(values.map(value))
        case .object(let object): return .object(object.mapValues(value))
        }
    }
}
