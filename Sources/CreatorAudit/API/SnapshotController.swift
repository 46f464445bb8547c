// `POST /v2/snapshots`: push ingestion for teams that run their own collectors (docs/collection.md, "Push
// ingestion"). The body is the `import` record format as NDJSON (`application/x-ndjson`): accounts, videos and
// snapshots, checked line by line with the importer's own rules while the body streams in, then stored in one
// transaction — all or nothing. At most 50,000 lines and 16 MiB (413 beyond); a bad line is a 422 naming it.
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

struct SnapshotController {
    static let maximumLines = 50_000
    static let maximumBytes = 16 << 20

    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// Store accounts, videos and snapshots pushed by your own collector, as NDJSON import records.
        routes.on(.post, "snapshots") { request, context in try await push(request, context) }
    }

    func push(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let now = Timestamp.now
        let body = try await Self.read(request, now: now)
        return try await Idempotency.run(request: request, context: context, bodyHash: body.hash) {
            if let error = body.error { throw Self.problem(error) }
            guard !body.records.isEmpty else {
                throw APIError(
                    .validationError, "The body holds no records.",
                    errors: [FieldError(field: "body", message: "must hold at least one NDJSON record")])
            }
            let counts: Importer.Counts
            do {
                counts = try await Importer(store: context.store).store(body.records, now: now)
            } catch let error as ImportError {
                throw Self.problem(error)
            }
            // New accounts and videos are due for their first refresh (docs/collection.md, "Refreshing").
            if counts.accounts + counts.videos > 0 { await context.store.database.dueWorkAdded() }
            let data = JSONOut.object([
                ("type", .string("snapshot_ingestion")),
                ("records", .int(counts.records)),
                ("accounts_created", .int(counts.accounts)),
                ("videos_created", .int(counts.videos)),
                ("snapshots_stored", .int(counts.snapshots)),
            ])
            return StoredReply(status: 200, body: JSONOut.object([("data", data)]).serialized(), location: nil)
        }
    }

    /// A bad line, as the 422 every client of `import` knows: its line number, its field, the reason.
    static func problem(_ error: ImportError) -> APIError {
        let field = "line[\(error.line)]" + (error.field.map { "." + $0 } ?? "")
        return APIError(
            .validationError, "Line \(error.line) is not a valid record; nothing was stored.",
            errors: [FieldError(field: field, message: error.reason)])
    }

    struct Body: Sendable {
        var hash: SHA256.Digest
        var records: [(record: ImportRecord, line: Int)]
        /// The first bad line; the rest of the body is still read (the idempotency key's hash covers all of it).
        var error: ImportError?
    }

    /// Reads the body as it arrives: hashes it, splits it into lines and checks each one. Throws 413 as soon as
    /// the body passes 16 MiB or 50,000 lines.
    static func read(_ request: Request, now: Timestamp) async throws -> Body {
        var hasher = SHA256()
        var records: [(record: ImportRecord, line: Int)] = []
        var firstError: ImportError?
        var pending: [UInt8] = []
        var lineNumber = 0
        var total = 0
        func take(_ line: ArraySlice<UInt8>) throws {
            lineNumber += 1
            guard lineNumber <= maximumLines else {
                throw APIError(.payloadTooLarge, "The body has more than 50,000 lines; send it in several requests.")
            }
            guard firstError == nil else { return }
            do {
                if let record = try Importer.record(ndjsonLine: Array(line), number: lineNumber, now: now) {
                    records.append((record, lineNumber))
                }
            } catch let error as ImportError {
                firstError = error
            }
        }
        for try await buffer in request.body {
            total += buffer.readableBytes
            guard total <= maximumBytes else {
                throw APIError(.payloadTooLarge, "The request body is larger than 16 MiB; send it in several requests.")
            }
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            pending.append(contentsOf: buffer.readableBytesView)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try take(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try take(pending[...]) }
        return Body(hash: hasher.finalize(), records: records, error: firstError)
    }
}
