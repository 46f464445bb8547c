// Shared list conventions (SPEC §4): limit, opaque signed cursors bound to filters and sort, include_total,
// the `filters` echo, order_by / order_direction / legacy sort, RFC 8288 Link, and keyset SQL with a
// total order (ties broken by id, nulls last in both directions).
import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import SQLKit

enum SortDirection: String, Sendable {
    case asc, desc
}

/// One `order_by` value of an endpoint.
struct SortOption: Sendable {
    enum Kind: Sendable { case text, integer }
    let name: String
    let column: String
    let kind: Kind
    let nullable: Bool
}

/// A position in a keyset: the sort value and id of the last row of the previous page.
struct CursorPosition: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case text(String)
    }
    let value: Value
    let id: String
}

/// Query-string parsing that collects every problem (422) instead of stopping at the first.
struct QueryReader {
    let items: [String: String]
    var errors: [FieldError] = []
    /// Normalised filters to echo back, in a stable order.
    var echoed: [(String, JSONOut)] = []

    init(_ request: Request) {
        var items: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { items[String(name)] = String(value) }
        self.items = items
    }

    mutating func limit(range: ClosedRange<Int>, default defaultValue: Int) -> Int {
        guard let raw = items["limit"] else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            errors.append(FieldError(field: "limit", message: "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            return defaultValue
        }
        return value
    }

    mutating func bool(_ name: String, echo: Bool = true) -> Bool? {
        guard let raw = items[name] else { return nil }
        switch raw {
        case "true": if echo { echoed.append((name, .bool(true))) }; return true
        case "false": if echo { echoed.append((name, .bool(false))) }; return false
        default:
            errors.append(FieldError(field: name, message: "must be true or false"))
            return nil
        }
    }

    mutating func choice(_ name: String, _ allowed: [String]) -> String? {
        guard let raw = items[name] else { return nil }
        guard allowed.contains(raw) else {
            errors.append(FieldError(field: name, message: "must be one of \(allowed.joined(separator: ", "))"))
            return nil
        }
        echoed.append((name, .string(raw)))
        return raw
    }

    mutating func uuid(_ name: String) -> String? {
        guard let raw = items[name] else { return nil }
        guard let uuid = UUID(uuidString: raw) else {
            errors.append(FieldError(field: name, message: "must be a UUID"))
            return nil
        }
        let normalized = uuid.uuidString.lowercased()
        echoed.append((name, .string(normalized)))
        return normalized
    }

    mutating func text(_ name: String, maxLength: Int) -> String? {
        guard let raw = items[name] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maxLength else {
            errors.append(FieldError(field: name, message: "must be at most \(maxLength) characters"))
            return nil
        }
        guard !trimmed.isEmpty else { return nil }
        echoed.append((name, .string(trimmed)))
        return trimmed
    }

    /// `order_by` + `order_direction`, or the legacy `sort` (`-field` = descending); `order_by` wins.
    mutating func sort(
        _ options: [SortOption], default defaultName: String, defaultDirection: (String) -> SortDirection
    ) -> (SortOption, SortDirection) {
        let names = options.map(\.name)
        var chosen = options.first { $0.name == defaultName } ?? options[0]
        var direction = defaultDirection(chosen.name)
        var explicitDirection: SortDirection?
        if let raw = items["order_direction"] {
            if let parsed = SortDirection(rawValue: raw) { explicitDirection = parsed } else {
                errors.append(FieldError(field: "order_direction", message: "must be asc or desc"))
            }
        }
        if let raw = items["order_by"] {
            if let option = options.first(where: { $0.name == raw }) {
                chosen = option
                direction = explicitDirection ?? defaultDirection(option.name)
            } else {
                errors.append(FieldError(field: "order_by", message: "must be one of \(names.joined(separator: ", "))"))
            }
        } else if let raw = items["sort"] {
            let descending = raw.hasPrefix("-")
            let name = descending ? String(raw.dropFirst()) : raw
            if let option = options.first(where: { $0.name == name }) {
                chosen = option
                direction = descending ? .desc : .asc
            } else {
                errors.append(FieldError(field: "sort", message: "must be one of \(names.joined(separator: ", ")), optionally prefixed with -"))
            }
        } else if let explicitDirection {
            direction = explicitDirection
        }
        echoed.append(("order_by", .string(chosen.name)))
        echoed.append(("order_direction", .string(direction.rawValue)))
        return (chosen, direction)
    }

    mutating func includeTotal() -> Bool { bool("include_total", echo: false) ?? false }

    func validate() throws {
        if !errors.isEmpty { throw APIError.validation(errors) }
    }
}

/// Signs cursors with a per-installation secret so a tampered or forged cursor is refused, and binds each to
/// the fingerprint of the filters and sort it was issued for.
struct CursorCodec: Sendable {
    let key: SymmetricKey

    func fingerprint(path: String, echoed: [(String, JSONOut)]) -> String {
        let canonical = path + "?" + echoed.map { "\($0.0)=\(String(decoding: $0.1.serialized(), as: UTF8.self))" }.joined(separator: "&")
        return Hex.encode(SHA256.hash(data: Data(canonical.utf8)).prefix(12))
    }

    func encode(_ position: CursorPosition, fingerprint: String) -> String {
        let value: JSONOut
        switch position.value {
        case .null: value = .null
        case .integer(let number): value = .int(number)
        case .text(let text): value = .string(text)
        }
        let payload = JSONOut.object([("f", .string(fingerprint)), ("v", value), ("i", .string(position.id))]).serialized()
        let body = Base64URL.encode(payload)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)
        return body + "." + Base64URL.encode(Array(signature).prefix(16))
    }

    /// Nil for garbage, a bad signature, or a cursor issued for other filters or another sort.
    func decode(_ cursor: String, fingerprint: String, kind: SortOption.Kind) -> CursorPosition? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, cursor.count <= 1024,
              let signature = Base64URL.decode(String(parts[1])), signature.count == 16,
              // Only the canonical spelling: base64 ignores the unused low bits of the last digit, so without
              // this a cursor with one character changed would still be accepted.
              Base64URL.encode(signature) == parts[1]
        else { return nil }
        let expected = Array(HMAC<SHA256>.authenticationCode(for: Data(parts[0].utf8), using: key)).prefix(16)
        guard Self.constantTimeEqual(Array(expected), signature) else { return nil }
        guard let payload = Base64URL.decode(String(parts[0])),
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              object["f"] as? String == fingerprint,
              let id = object["i"] as? String
        else { return nil }
        let raw = object["v"]
        let value: CursorPosition.Value
        if raw is NSNull || raw == nil {
            value = .null
        } else if kind == .integer, let number = raw as? NSNumber {
            value = .integer(number.int64Value)
        } else if kind == .text, let text = raw as? String {
            value = .text(text)
        } else {
            return nil
        }
        return CursorPosition(value: value, id: id)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

enum Base64URL {
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// A page request after validation.
struct PageRequest: Sendable {
    let limit: Int
    let includeTotal: Bool
    let sort: SortOption
    let direction: SortDirection
    let cursor: CursorPosition?
    let fingerprint: String
    let echoed: [(String, JSONOut)]

    /// Reads `cursor` last, since it is bound to everything else.
    static func read(
        _ reader: inout QueryReader, path: String, codec: CursorCodec, limit: Int, includeTotal: Bool,
        sort: (SortOption, SortDirection)
    ) throws -> PageRequest {
        let fingerprint = codec.fingerprint(path: path, echoed: reader.echoed)
        var cursor: CursorPosition?
        if let raw = reader.items["cursor"], !raw.isEmpty {
            cursor = codec.decode(raw, fingerprint: fingerprint, kind: sort.0.kind)
            if cursor == nil {
                reader.errors.append(FieldError(field: "cursor", message: "is not a cursor issued for these filters and this sort"))
            }
        }
        try reader.validate()
        return PageRequest(
            limit: limit, includeTotal: includeTotal, sort: sort.0, direction: sort.1, cursor: cursor,
            fingerprint: fingerprint, echoed: reader.echoed)
    }

    /// `AND (sort, id) > (v, id)`-style keyset condition for the page after the cursor (nulls last).
    func keysetCondition(alias: String) -> SQLQueryString {
        guard let cursor else { return "" }
        let column = "\(alias).\(sort.column)"
        let op = direction == .asc ? ">" : "<"
        func bound(_ value: CursorPosition.Value) -> SQLQueryString {
            switch value {
            case .integer(let number): return "\(bind: number)"
            case .text(let text): return "\(bind: text)"
            case .null: return "NULL"
            }
        }
        switch cursor.value {
        case .null:
            return " AND (\(unsafeRaw: column) IS NULL AND \(unsafeRaw: alias).id \(unsafeRaw: op) \(bind: cursor.id))"
        default:
            let condition: SQLQueryString =
                "(\(unsafeRaw: column), \(unsafeRaw: alias).id) \(unsafeRaw: op) (\(bound(cursor.value)), \(bind: cursor.id))"
            if sort.nullable {
                return " AND (\(condition) OR \(unsafeRaw: column) IS NULL)"
            }
            return " AND \(condition)"
        }
    }

    func orderClause(alias: String) -> SQLQueryString {
        let dir = direction == .asc ? "ASC" : "DESC"
        let nulls = sort.nullable ? " NULLS LAST" : ""
        return " ORDER BY \(unsafeRaw: alias).\(unsafeRaw: sort.column) \(unsafeRaw: dir)\(unsafeRaw: nulls), \(unsafeRaw: alias).id \(unsafeRaw: dir)"
    }

    /// The cursor for the page after `row`.
    func nextCursor(after row: any SQLRow, codec: CursorCodec) throws -> String {
        let id = try row.decode(column: "id", as: String.self)
        let value: CursorPosition.Value
        switch sort.kind {
        case .integer: value = try row.decodeOptional(column: sort.column, as: Int64.self).map { .integer($0) } ?? .null
        case .text: value = try row.decodeOptional(column: sort.column, as: String.self).map { .text($0) } ?? .null
        }
        return codec.encode(CursorPosition(value: value, id: id), fingerprint: fingerprint)
    }
}

/// A page of results, ready to send.
struct Page {
    let items: [JSONOut]
    let nextCursor: String?
    let limit: Int
    let totalCount: Int?
    let echoed: [(String, JSONOut)]

    func response(request: Request, publicURL: String) -> Response {
        var pagination: [(String, JSONOut)] = [
            ("next_cursor", JSONOut.optional(nextCursor)), ("has_next", .bool(nextCursor != nil)), ("limit", .int(limit)),
        ]
        if let totalCount { pagination.append(("total_count", .int(totalCount))) }
        let body = JSONOut.object([("data", .array(items)), ("pagination", .object(pagination)), ("filters", .object(echoed))])
        return JSONReply.conditional(body, request: request, headers: [(.link, linkHeader(request: request, publicURL: publicURL))])
    }

    /// RFC 8288: `rel="first"` always, `rel="next"` while there is a next page. Absolute, from --public-url.
    func linkHeader(request: Request, publicURL: String) -> String {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("cursor=") }.joined(separator: "&")
        let base = publicURL + request.uri.path + (kept.isEmpty ? "" : "?" + kept)
        var links = ["<\(base)>; rel=\"first\""]
        if let nextCursor {
            let separator = kept.isEmpty ? "?" : "&"
            links.append("<\(base)\(separator)cursor=\(nextCursor)>; rel=\"next\"")
        }
        return links.joined(separator: ", ")
    }
}
