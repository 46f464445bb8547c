// `application/x-www-form-urlencoded` bodies as ordered (name, value) pairs; repeated names are kept
// (the scopes checkboxes).
import Foundation
import Hummingbird
import NIOCore

struct FormData: Sendable {
    let pairs: [(String, String)]

    init(buffer: ByteBuffer) {
        self.init(String(buffer: buffer))
    }

    init(_ body: String) {
        pairs = body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.map(Self.decode), !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Reads a form body (at most 64 KiB).
    static func read(_ request: Request) async throws -> FormData {
        FormData(buffer: try await request.body.collect(upTo: CSRFTokenMiddleware.maximumFormBytes))
    }
}
