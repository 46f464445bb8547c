// Control characters in text input (README, "Input rules"). PostgreSQL refuses U+0000 in text (a 500 if it got
// that far) and SQLite cuts the string at it, so a NUL is refused at the edge, in every field, on both engines:
// 422 naming the field (API) or a 422 page (dashboard). Single-line fields — names, usernames, categories,
// identifiers, form fields — refuse the other C0 controls (U+0001–U+001F) too. Text that may span lines (metadata
// values, imported descriptions) keeps tab, line feed and carriage return, and so do query parameters, where they
// are blank space (a search for a tab is a blank search).
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

enum ControlCharacters {
    static let message = "must not contain control characters"

    /// Whether `text` has U+0000, or (single-line) any C0 control; multi-line text may hold \t \n \r.
    static func forbidden(in text: some StringProtocol, multiLine: Bool = false) -> Bool {
        text.utf8.contains { byte in
            guard byte < 0x20 else { return false }
            if multiLine { return !(byte == 0x09 || byte == 0x0A || byte == 0x0D) }
            return true
        }
    }

    static func hasNUL(_ text: some StringProtocol) -> Bool { text.utf8.contains(0) }
}

/// Query parameters: a NUL or another control character other than tab and line breaks in any of them (name or
/// value, after percent-decoding) is a 422 naming the parameter, before any handler or query sees it.
struct QueryControlCharacterMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let query = request.uri.query,
           query.contains("%") || ControlCharacters.forbidden(in: query, multiLine: true) {
            let errors = Self.errors(inQuery: String(query))
            if !errors.isEmpty { throw APIError.validation(errors) }
        }
        return try await next(request, context)
    }

    static func errors(inQuery query: String) -> [FieldError] {
        var errors: [FieldError] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts.first ?? "")
            let value = parts.count > 1 ? decode(parts[1]) : ""
            let badName = ControlCharacters.forbidden(in: name, multiLine: true)
            guard badName || ControlCharacters.forbidden(in: value, multiLine: true) else { continue }
            let field = badName ? "query" : name
            if !errors.contains(where: { $0.field == field }) {
                errors.append(FieldError(field: field, message: ControlCharacters.message))
            }
        }
        return errors
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
