// Shared list conventions (README, "API conventions"): limit, opaque signed cursors bound to the organization, the
// filters and the sort, include_total, the `filters` echo, order_by / order_direction / legacy sort, and RFC 8288
// Link. The keyset SQL behind a page lives in the Store (Store/Keyset.swift).
import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import SQLKit

/// Query-string parsing that collects every problem (422) instead of stopping at the first.
struct QueryReader {
    let items: [String: String]
    var errors: [FieldError] = []
    /// Normalised filters to echo back, in a stable order.
    var echoed: [(String, JSONOut)] = []

    init(_ request: Request) {
        self.items = Self.decode(request.uri.query ?? "")
    }

    /// `application/x-www-form-urlencoded`, as browsers and HTTP libraries send a query: `+` is a space, `%XX` a
    /// byte of UTF-8 (kept as sent when it does not decode); the last of repeated names wins.
    static func decode(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func text(_ raw: Substring) -> String {
                let spaced = raw.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            items[text(parts[0])] = parts.count > 1 ? text(parts[1]) : ""
        }
        return items
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

    /// Free text as sent at most `maxLength` Unicode scalars (JSON Schema's count) and without NUL; surrounding
    /// whitespace is ignored, and a blank value filters nothing.
    mutating func text(_ name: String, maxLength: Int) -> String? {
        guard let raw = items[name] else { return nil }
        guard Self.isText(raw, maxLength: maxLength) else {
            errors.append(FieldError(field: name, message: "must be at most \(maxLength) characters, without NUL"))
            return nil
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
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

    static func isText(_ raw: String, maxLength: Int) -> Bool {
        raw.unicodeScalars.count <= maxLength && !raw.unicodeScalars.contains("\u{0}")
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

    /// Binds a cursor to the organization, the list and its normalised filters and sort: reused anywhere else it is
    /// refused like garbage.
    func fingerprint(organizationID: OrganizationID, path: String, echoed: [(String, JSONOut)]) -> String {
        let canonical = organizationID.description + path + "?" + echoed.map { "\($0.0)=\(String(decoding: $0.1.serialized(), as: UTF8.self))" }.joined(separator: "&")
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
        guard ConstantTime.equal(Array(expected), signature) else { return nil }
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
}

/// A list request after validation: what to ask the Store for, and what its cursors are bound to.
struct PageRequest: Sendable {
    let query: PageQuery
    let fingerprint: String
    let echoed: [(String, JSONOut)]

    /// Reads `limit`, `include_total`, the sort and — last, since it is bound to everything else — `cursor`.
    static func read(
        _ reader: inout QueryReader, organizationID: OrganizationID, path: String, codec: CursorCodec,
        sortOptions: [SortOption], defaultSort: String, defaultDirection: @escaping (String) -> SortDirection = { _ in .desc },
        limitRange: ClosedRange<Int> = 1...200, defaultLimit: Int = 50
    ) throws -> PageRequest {
        let limit = reader.limit(range: limitRange, default: defaultLimit)
        let includeTotal = reader.includeTotal()
        let (sort, direction) = reader.sort(sortOptions, default: defaultSort, defaultDirection: defaultDirection)
        let fingerprint = codec.fingerprint(organizationID: organizationID, path: path, echoed: reader.echoed)
        var after: CursorPosition?
        if let raw = reader.items["cursor"], !raw.isEmpty {
            after = codec.decode(raw, fingerprint: fingerprint, kind: sort.kind)
            if after == nil {
                reader.errors.append(FieldError(field: "cursor", message: "is not a cursor issued for these filters and this sort"))
            }
        }
        try reader.validate()
        return PageRequest(
            query: PageQuery(limit: limit, includeTotal: includeTotal, sort: sort, direction: direction, after: after),
            fingerprint: fingerprint, echoed: reader.echoed)
    }

    /// The answer for a page the Store returned: items as JSON, the next cursor, the echo and the Link header.
    func response<Model: Sendable>(
        _ result: PageResult<Model>, codec: CursorCodec, request: Request, publicURL: String, json: (Model) -> JSONOut
    ) -> Response {
        Page(items: result.items.map(json), nextCursor: result.next.map { codec.encode($0, fingerprint: fingerprint) },
             limit: query.limit, totalCount: result.total, echoed: echoed)
            .response(request: request, publicURL: publicURL)
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
