// The OpenAPI 3.1 description of `/v2`, kept in the repository as API/Resources/openapi.json and shipped as a
// package resource. It is looked up without `Bundle.module`, whose accessor stops the process when the resource
// bundle is missing (a binary copied without it): a server without its description still serves the API, and only
// `/v2/openapi.json` and `/v2/docs` answer 503.
import Foundation

public struct OpenAPIDocument: Sendable {
    /// The document exactly as committed.
    public let bytes: [UInt8]
    /// Its parsed form, for the reference page and the tests.
    public let root: JSONValue
    /// Strong validator of `bytes`.
    let etag: String

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        self.root = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        self.etag = ETag.strong(for: bytes)
    }

    /// The copy installed with this program, or nil when none can be found.
    public static let bundled: OpenAPIDocument? = {
        for url in candidateLocations() {
            if let data = FileManager.default.contents(atPath: url.path), let document = try? OpenAPIDocument(bytes: Array(data)) {
                return document
            }
        }
        return nil
    }()

    /// Where SwiftPM puts the resource bundle (next to the executable: `swift run`, `.build/release/creatoraudit`,
    /// the test runner), then the source tree this binary was built from.
    static func candidateLocations() -> [URL] {
        var directories: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL {
            directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let argument = CommandLine.arguments.first, argument.contains("/") {
            directories.append(URL(fileURLWithPath: argument).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        var candidates: [URL] = []
        for directory in directories {
            candidates.append(directory.appendingPathComponent("creatoraudit_CreatorAudit.resources/Resources/openapi.json"))
            candidates.append(directory.appendingPathComponent(
                "creatoraudit_CreatorAudit.bundle/Contents/Resources/Resources/openapi.json"))
            candidates.append(directory.appendingPathComponent("creatoraudit_CreatorAudit.bundle/Resources/openapi.json"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/openapi.json"))
        return candidates
    }

    /// Every operation as (uppercase method, path template), e.g. `("GET", "/v2/accounts/{id}")`.
    public var operations: [(method: String, path: String)] {
        guard case .object(let root) = root, case .object(let paths)? = root["paths"] else { return [] }
        var result: [(method: String, path: String)] = []
        for (path, item) in paths {
            guard case .object(let item) = item else { continue }
            for method in item.keys where Self.methods.contains(method) {
                result.append((method.uppercased(), path))
            }
        }
        return result
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    var arrayValue: [JSONValue] {
        if case .array(let array) = self { return array }
        return []
    }

    var objectValue: [String: JSONValue] {
        if case .object(let object) = self { return object }
        return [:]
    }

    var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }
}
