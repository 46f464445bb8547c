// Leak reports from GitHub's secret-scanning partner programme (docs/secret-scanning.md). No API key: the report is
// signed with ECDSA P-256 / SHA-256 over the raw body, and the signature is checked before anything else is read.
// Every reported token that is one of our keys disables that key at once (KeyLifecycle.reportExposed); the answer
// labels each token as GitHub expects. A token is never logged, stored or echoed: only its SHA-256.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

struct SecretScanningController {
    /// Nil when the operator configured no signing keys: reports are then answered 404.
    let keyring: SecretScanningKeyring?
    let lifecycle: KeyLifecycle
    let metrics: ServerMetrics
    /// Entries per report, and the longest value of each field: together they fit the 1 MiB body limit, so a report
    /// the OpenAPI document allows is never refused for its size (GitHub sends small batches).
    static let maximumEntries = 300
    static let maximumLengths = ["token": 256, "type": 128, "url": 2_048, "source": 128]

    static let identifierHeader = HTTPField.Name("Github-Public-Key-Identifier")!
    static let signatureHeader = HTTPField.Name("Github-Public-Key-Signature")!

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// Accepts a signed leak report; disables every matching key; labels each token true or false positive.
        routes.on(.post, "secret-scanning/reports") { request, context in try await receive(request, context) }
    }

    struct Entry {
        let token: String
        let type: String
        let url: String?
        let source: String?
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.collect(request, context: context)
        guard let keyring else {
            metrics.secretScanningReport(outcome: "not_configured")
            // As if the route were not there: the operator has not enabled it (README, "Operations").
            throw APIError(.notFound, "Leak reports are not enabled on this server: no signing keys are configured.")
        }
        guard let identifier = request.headers[Self.identifierHeader],
            let signature = request.headers[Self.signatureHeader],
            await keyring.verify(body: body, identifier: identifier, signature: signature)
        else {
            metrics.secretScanningReport(outcome: "bad_signature")
            throw APIError(.unauthorized, "The report's signature is missing or does not verify.")
        }
        let entries: [Entry]
        do {
            entries = try Self.parse(body)
        } catch {
            metrics.secretScanningReport(outcome: "invalid")
            throw error
        }
        let exposures = entries.compactMap { entry -> KeyLifecycle.Exposure? in
            // Only something shaped like our keys (prefix and checksum) can match; the rest needs no lookup.
            guard let token = APIKeyToken(parsing: entry.token) else { return nil }
            return KeyLifecycle.Exposure(hash: token.hash, url: entry.url, source: entry.source)
        }
        let actor = Actor.secretScanning(clientIP: context.clientAddress)
        let matched = try await lifecycle.reportExposed(exposures, actor: actor)
        var answer: [JSONOut] = []
        var positives = 0
        for entry in entries {
            let hash = KeyHash(of: entry.token)
            let label = matched.contains(hash) ? "true_positive" : "false_positive"
            if matched.contains(hash) { positives += 1 }
            answer.append(
                .object([
                    ("token_hash", .string(hash.hex)), ("token_type", .string(entry.type)), ("label", .string(label)),
                ]))
        }
        metrics.secretScanningReport(
            outcome: "accepted", truePositives: positives, falsePositives: entries.count - positives)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        let bytes = JSONOut.array(answer).serialized()
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `[{token, type, url, source}, …]`: every entry needs a string `token`; the rest is optional.
    static func parse(_ bytes: [UInt8]) throws -> [Entry] {
        guard JSONBody.depth(of: bytes) <= JSONBody.maximumDepth,
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        else { throw APIError(.badRequest, "The report is not valid JSON.") }
        guard case .array(let items) = value else {
            throw APIError.validation([FieldError(field: "body", message: "must be a JSON array of matches")])
        }
        guard items.count <= maximumEntries else {
            throw APIError.validation([
                FieldError(field: "body", message: "must hold at most \(maximumEntries) matches")
            ])
        }
        var entries: [Entry] = []
        var errors: [FieldError] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item, case .string(let token)? = fields["token"] else {
                errors.append(FieldError(field: "[\(index)].token", message: "must be a string"))
                continue
            }
            func text(_ name: String) -> String? {
                guard case .string(let value)? = fields[name] else { return nil }
                if value.count > maximumLengths[name, default: 0] {
                    errors.append(FieldError(
                        field: "[\(index)].\(name)", message: "must be at most \(maximumLengths[name, default: 0]) characters"))
                }
                return value
            }
            _ = text("token")
            entries.append(Entry(token: token, type: text("type") ?? "", url: text("url"), source: text("source")))
        }
        guard errors.isEmpty else { throw APIError.validation(Array(errors.prefix(100))) }
        return entries
    }
}
