// A small JSON Schema (2020-12) validator for the keywords our tool input schemas use, so the tests can check that
// the schemas accept the OpenAPI document's examples and refuse what the API refuses. Annotations (description,
// title, default, examples) are ignored, as a validator must.
import Foundation
import MCP

enum SchemaValidator {
    /// What is wrong with `instance` under `schema`, one line per problem ("$.body.account_ids: …"); empty: valid.
    static func problems(_ instance: Value, _ schema: Value, at path: String = "$") -> [String] {
        guard case .object(let rules) = schema else {
            if case .bool(false) = schema { return ["\(path): nothing is allowed here"] }
            return []
        }
        var found: [String] = []
        func fail(_ reason: String) { found.append("\(path): \(reason)") }

        if let types = rules["type"] {
            let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
            if !names.contains(where: { matches(instance, type: $0) }) {
                fail("is not \(names.joined(separator: " or "))")
            }
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(where: { same($0, instance) }) {
            fail("is not in enum")
        }
        if let constant = rules["const"], !same(constant, instance) { fail("is not the constant") }

        if let number = numeric(instance) {
            if let minimum = rules["minimum"].flatMap(numeric), number < minimum { fail("is below \(minimum)") }
            if let maximum = rules["maximum"].flatMap(numeric), number > maximum { fail("is above \(maximum)") }
            if let bound = rules["exclusiveMinimum"].flatMap(numeric), number <= bound { fail("is not above \(bound)") }
            if let bound = rules["exclusiveMaximum"].flatMap(numeric), number >= bound { fail("is not below \(bound)") }
        }
        if case .string(let string) = instance {
            let length = string.unicodeScalars.count
            if let minimum = rules["minLength"]?.intValue, length < minimum { fail("is shorter than \(minimum)") }
            if let maximum = rules["maxLength"]?.intValue, length > maximum { fail("is longer than \(maximum)") }
            if let pattern = rules["pattern"]?.stringValue {
                guard let regex = try? NSRegularExpression(pattern: pattern) else {
                    fail("has an unreadable pattern")
                    return found
                }
                let range = NSRange(string.startIndex..., in: string)
                if regex.firstMatch(in: string, range: range) == nil { fail("does not match \(pattern)") }
            }
            if let format = rules["format"]?.stringValue, !matches(string, format: format) {
                fail("is not a \(format)")
            }
        }
        if case .array(let items) = instance {
            if let minimum = rules["minItems"]?.intValue, items.count < minimum {
                fail("has fewer than \(minimum) items")
            }
            if let maximum = rules["maxItems"]?.intValue, items.count > maximum {
                fail("has more than \(maximum) items")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    found += problems(item, itemSchema, at: "\(path)[\(index)]")
                }
            }
        }
        if case .object(let object) = instance {
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                fail("lacks \(name)")
            }
            if let maximum = rules["maxProperties"]?.intValue, object.count > maximum {
                fail("has more than \(maximum) keys")
            }
            if let minimum = rules["minProperties"]?.intValue, object.count < minimum {
                fail("has fewer than \(minimum) keys")
            }
            for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                if let nameSchema = rules["propertyNames"] {
                    found += problems(.string(name), nameSchema, at: "\(path).\(name) (name)")
                }
                if let propertySchema = properties[name] {
                    found += problems(value, propertySchema, at: "\(path).\(name)")
                } else if let additional = rules["additionalProperties"] {
                    if case .bool(false) = additional {
                        fail("has unknown key \(name)")
                    } else {
                        found += problems(value, additional, at: "\(path).\(name)")
                    }
                }
            }
        }
        for sub in rules["allOf"]?.arrayValue ?? [] { found += problems(instance, sub, at: path) }
        if let options = rules["anyOf"]?.arrayValue,
            !options.contains(where: { problems(instance, $0, at: path).isEmpty })
        {
            fail("matches none of anyOf")
        }
        if let options = rules["oneOf"]?.arrayValue,
            options.filter({ problems(instance, $0, at: path).isEmpty }).count != 1
        {
            fail("does not match exactly one of oneOf")
        }
        if let negated = rules["not"], problems(instance, negated, at: path).isEmpty { fail("matches not") }
        return found
    }

    static func matches(_ value: Value, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("integer", .int): return true
        case ("integer", .double(let double)): return double.rounded() == double
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }

    static func numeric(_ value: Value) -> Double? {
        switch value {
        case .int(let int): return Double(int)
        case .double(let double): return double
        default: return nil
        }
    }

    static func same(_ a: Value, _ b: Value) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        return a == b
    }

    static func matches(_ string: String, format: String) -> Bool {
        switch format {
        case "uuid": return UUID(uuidString: string) != nil && string.count == 36
        case "date":
            return string.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
        case "date-time":
            return string.range(
                of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#,
                options: .regularExpression) != nil
        default: return true  // Formats are annotations unless known.
        }
    }
}
