// Every dashboard form field is single-line text: a control character (U+0000 included) in any of them is a
// 422 page naming the field, before a session, a password check or a query sees it (HTTP/InputRules.swift).
// The body is read here and handed on unchanged.
import Hummingbird
import NIOCore

struct FormInputMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        let buffer = try await request.body.collect(upTo: CSRFTokenMiddleware.maximumFormBytes)
        var errors: [FieldError] = []
        for (name, value) in FormData(buffer: buffer).pairs
        where ControlCharacters.forbidden(in: name) || ControlCharacters.forbidden(in: value) {
            let field = ControlCharacters.forbidden(in: name) ? "form" : name
            if !errors.contains(where: { $0.field == field }) {
                errors.append(FieldError(field: field, message: ControlCharacters.message))
            }
        }
        if !errors.isEmpty { throw APIError.validation(errors) }
        request.body = .init(buffer: buffer)
        return try await next(request, context)
    }
}
