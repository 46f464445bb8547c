// Free-form string metadata on accounts, videos and creators: at most 20 keys, values at most 255 chars.
import Foundation

enum Metadata {
    static let maximumKeys = 20
    static let maximumValueLength = 255
    static let maximumKeyLength = 64

    static func encode(_ map: [String: String]) -> String {
        String(decoding: JSONOut.stringMap(map).serialized(), as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]) ?? [:]
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
            guard !key.isEmpty, key.count <= Metadata.maximumKeyLength else {
                errors.append(FieldError(field: "\(field).\(key.prefix(64))", message: "keys must be 1 to \(Metadata.maximumKeyLength) characters"))
                valid = false
                continue
            }
            guard case .string(let text) = entry else {
                errors.append(FieldError(field: "\(field).\(key)", message: "must be a string"))
                valid = false
                continue
            }
            guard !ControlCharacters.forbidden(in: text, multiLine: true) else {
                errors.append(FieldError(field: "\(field).\(key)", message: ControlCharacters.message))
                valid = false
                continue
            }
            guard text.count <= Metadata.maximumValueLength else {
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
