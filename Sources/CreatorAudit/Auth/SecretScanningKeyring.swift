// The public keys that sign leak reports (docs/secret-scanning.md). The operator names a file or a URL
// (`serve --secret-scanning-keys`) holding the JSON that GitHub publishes at
// https://api.github.com/meta/public_keys/secret_scanning: {"public_keys": [{"key_identifier", "key" (PEM)}, …]}.
// Keys are read once, and read again when a report names an identifier we do not know (GitHub rotates keys) — at
// most once a minute, so unsigned noise cannot make us fetch in a loop.
import AsyncHTTPClient
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Where the signing keys come from.
public enum SecretScanningKeySource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case url(String)

    /// `https://…` or `http://…` is a URL; anything else a file path.
    public init(_ text: String) {
        let lowered = text.lowercased()
        self = lowered.hasPrefix("https://") || lowered.hasPrefix("http://") ? .url(text) : .file(text)
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .url(let url): return url
        }
    }
}

public struct SecretScanningKeyError: Error, CustomStringConvertible {
    public let description: String
}

public final class SecretScanningKeyring: Sendable {
    static let maximumDocumentBytes = 1 << 20

    private struct State {
        var keys: [String: P256.Signing.PublicKey] = [:]
        var lastLoad: ContinuousClock.Instant?
    }

    public let source: SecretScanningKeySource
    /// The least time between two reads of the source on behalf of an unknown identifier.
    let refreshInterval: Duration
    private let state = NIOLockedValueBox(State())

    public init(source: SecretScanningKeySource, refreshInterval: Duration = .seconds(60)) {
        self.source = source
        self.refreshInterval = refreshInterval
    }

    /// Reads the keys now; throws when the source cannot be read or holds no usable key (`serve` checks at start).
    @discardableResult
    public func load() async throws -> Int {
        let now = ContinuousClock.now
        state.withLockedValue { $0.lastLoad = now }
        let keys = try Self.parse(try await document())
        state.withLockedValue { $0.keys = keys }
        return keys.count
    }

    /// The key with this identifier, reading the source again if it is unknown and the last read is old enough.
    func publicKey(identifier: String) async -> P256.Signing.PublicKey? {
        let (known, due) = state.withLockedValue { state -> (P256.Signing.PublicKey?, Bool) in
            let due = state.lastLoad.map { ContinuousClock.now - $0 >= refreshInterval } ?? true
            return (state.keys[identifier], due)
        }
        if let known { return known }
        guard due else { return nil }
        _ = try? await load()
        return state.withLockedValue { $0.keys[identifier] }
    }

    /// Does `signature` (base64 of a DER ECDSA signature) sign `body` with the key named `identifier`?
    func verify(body: [UInt8], identifier: String, signature: String) async -> Bool {
        guard let der = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der),
            let key = await publicKey(identifier: identifier)
        else { return false }
        return key.isValidSignature(parsed, for: body)
    }

    private func document() async throws -> [UInt8] {
        switch source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecretScanningKeyError(description: "cannot read the secret-scanning keys file \(path)")
            }
            return Array(data)
        case .url(let url):
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "creatoraudit")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                throw SecretScanningKeyError(description: "\(url) answered \(response.status.code)")
            }
            return Array(buffer: try await response.body.collect(upTo: Self.maximumDocumentBytes))
        }
    }

    /// `{"public_keys": [{"key_identifier": "…", "key": "-----BEGIN PUBLIC KEY-----…"}]}` → identifier → key.
    static func parse(_ bytes: [UInt8]) throws -> [String: P256.Signing.PublicKey] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let entries = root["public_keys"] as? [[String: Any]]
        else { throw SecretScanningKeyError(description: "the secret-scanning keys are not {\"public_keys\": [...]}") }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for entry in entries {
            guard let identifier = entry["key_identifier"] as? String, let pem = entry["key"] as? String,
                let key = try? P256.Signing.PublicKey(pemRepresentation: pem)
            else { continue }
            keys[identifier] = key
        }
        guard !keys.isEmpty else {
            throw SecretScanningKeyError(description: "the secret-scanning keys hold no ECDSA P-256 public key")
        }
        return keys
    }
}
