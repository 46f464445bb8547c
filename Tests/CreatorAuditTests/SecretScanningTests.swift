// Leak reports in GitHub's secret-scanning partner format (docs/secret-scanning.md), end to end over live TLS: signed
// with a P-256 key pair made for the test, the matching key disabled at once, flagged on the dashboard, audited.
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Testing
@testable import CreatorAudit

/// A signing key pair standing in for GitHub's, and the keys document the server reads.
struct TestSigner: Sendable {
    let identifier: String
    let privateKey = P256.Signing.PrivateKey()

    init(identifier: String = "test-key-\(UUID().uuidString.prefix(8))") { self.identifier = identifier }

    static func document(_ signers: [TestSigner]) -> String {
        let keys = signers.map {
            ["key_identifier": $0.identifier, "key": $0.privateKey.publicKey.pemRepresentation, "is_current": true]
                as [String: Any]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: ["public_keys": keys]), as: UTF8.self)
    }

    func headers(for body: String) throws -> [(String, String)] {
        let signature = try privateKey.signature(for: Data(body.utf8)).derRepresentation.base64EncodedString()
        return [("Github-Public-Key-Identifier", identifier), ("Github-Public-Key-Signature", signature)]
    }
}

@Suite("Secret scanning: leak reports")
struct SecretScanningTests {
    static let path = "/v2/secret-scanning/reports"

    /// A server that trusts `signers` (through a keys file, as `--secret-scanning-keys FILE` does).
    static func withServer<T: Sendable>(
        _ engine: DatabaseEngine, signers: [TestSigner], logger: Logger = TestDatabase.quietLogger,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ss-keys-\(UUID().uuidString).json")
            .path
        try TestSigner.document(signers).write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let keyring = SecretScanningKeyring(source: SecretScanningKeySource(file))
        try await keyring.load()
        return try await TestServer.run(engine, logger: logger, configure: { $0.secretScanningKeys = keyring }, body)
    }

    static func report(_ entries: [(token: String, url: String)]) -> String {
        let objects = entries.map {
            ["token": $0.token, "type": "creatoraudit_api_key", "url": $0.url, "source": "content"]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: objects), as: UTF8.self)
    }

    @Test(
        "a signed report disables the key at once, labels every token, audits the URL, flags the key; no token logged",
        arguments: TestEngines.all)
    func endToEnd(engine: DatabaseEngine) async throws {
        let signer = TestSigner()
        let capture = LogCapture()
        try await Self.withServer(engine, signers: [signer], logger: capture.logger(level: .trace)) { server in
            // setup
            let organization = try await Fixtures.organization(server.database)
            let leaked = try await Fixtures.key(server.services, organization, name: "leaked")
            let untouched = try await Fixtures.key(server.services, organization, name: "untouched")
            let deleted = try await Fixtures.key(server.services, organization, name: "deleted long ago")
            try await server.services.lifecycle.delete(
                organizationID: organization.id, id: deleted.record.id, actor: .cli)
            #expect(try await server.whoami(leaked.token.secret).status == 200)  // cached by this node
            let unknown = APIKeyToken.generate().secret
            let url = "https://github.com/octo/app/blob/0123abc/.env"
            let body = Self.report([
                (leaked.token.secret, url), (unknown, "https://example.com/u"), ("ghp_notoneofours", ""),
                (deleted.token.secret, "https://example.com/d"),
            ])

            // run
            let response = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: body), body: body)

            // validate: the answer
            #expect(response.status == 200)
            let answer = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: String]])
            #expect(
                answer.map { $0["label"] } == ["true_positive", "false_positive", "false_positive", "true_positive"])
            #expect(
                answer.map { $0["token_hash"] }
                    == [leaked.token.secret, unknown, "ghp_notoneofours", deleted.token.secret]
                    .map { KeyHash(of: $0).hex })
            #expect(answer.allSatisfy { $0["token_type"] == "creatoraudit_api_key" && $0.count == 3 })
            #expect(!response.body.contains(leaked.token.secret))
            // the key: refused at once, disabled, flagged; the others untouched
            let refused = try await server.whoami(leaked.token.secret)
            #expect(refused.status == 403)
            #expect(refused.code == "FORBIDDEN")
            #expect(try await server.whoami(untouched.token.secret).status == 200)
            let stored = try #require(
                try await APIKeyRepository(database: server.database)
                    .find(organizationID: organization.id, id: leaked.record.id))
            #expect(stored.status == .disabled)
            #expect(stored.exposedAt != nil)
            #expect(stored.exposedURL == url)
            // the audit trail
            let events = try await AuditRepository(database: server.database).list(organizationID: organization.id)
                .filter { $0.action == "api_key.exposed" }
            #expect(events.count == 2)
            let event = try #require(events.first { $0.targetID == leaked.record.id.description })
            #expect(event.actor == "secret-scanning")
            #expect(event.details?.contains(url) == true)
            #expect(event.details?.contains("disabled") == true)
            // the dashboard: a badge for everyone, the banner for owners and admins
            let (owner, _) = try await MemberFixtures.signedIn(server, organization, role: .owner)
            defer { Task { try? await owner.shutdown() } }
            let page = try await owner.get("/keys").body
            #expect(page.contains(#"id="exposed-banner""#))
            #expect(page.contains(url))
            #expect(page.contains(#"<span class="badge danger">exposed</span>"#))
            let (member, _) = try await MemberFixtures.signedIn(server, organization, role: .member)
            defer { Task { try? await member.shutdown() } }
            let memberPage = try await member.get("/keys").body
            #expect(!memberPage.contains(#"id="exposed-banner""#))
            #expect(memberPage.contains(#"<span class="badge danger">exposed</span>"#))
            // the same report again: still a true positive, nothing new to disable
            let again = try await server.request(.POST, Self.path, headers: try signer.headers(for: body), body: body)
            #expect(again.status == 200)
            // nothing secret in the logs
            let logs = capture.text
            #expect(capture.count > 0)
            for token in [leaked.token.secret, unknown, deleted.token.secret, untouched.token.secret] {
                #expect(!logs.contains(token))
                #expect(!logs.contains(String(token.dropFirst(8).prefix(16))))
            }
        }
    }

    @Test(
        "bad, missing or unknown signatures → 401 and nothing changes; a bad body → 400 / 422; over 1 MiB → 413",
        arguments: TestEngines.all)
    func refusals(engine: DatabaseEngine) async throws {
        let signer = TestSigner()
        let stranger = TestSigner()
        try await Self.withServer(engine, signers: [signer]) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization)
            let body = Self.report([(key.token.secret, "https://example.com")])
            let otherBody = Self.report([(APIKeyToken.generate().secret, "https://example.com")])

            let cases: [(String, [(String, String)])] = [
                ("no headers", []),
                ("a signature of another body", try signer.headers(for: otherBody)),
                ("a key we do not trust", try stranger.headers(for: body)),
                (
                    "garbage",
                    [
                        ("Github-Public-Key-Identifier", signer.identifier),
                        ("Github-Public-Key-Signature", "bm90IGEgc2ln"),
                    ]
                ),
                ("unknown identifier", [("Github-Public-Key-Identifier", "nope")] + [try signer.headers(for: body)[1]]),
            ]
            for (name, headers) in cases {
                let response = try await server.request(.POST, Self.path, headers: headers, body: body)
                #expect(response.status == 401, "\(name)")
                #expect(response.code == "UNAUTHORIZED", "\(name)")
                #expect(!response.body.contains(key.token.secret))
            }
            #expect(try await server.whoami(key.token.secret).status == 200)

            let notJSON = "this is not json"
            #expect(
                try await server.request(.POST, Self.path, headers: try signer.headers(for: notJSON), body: notJSON)
                    .status == 400)
            let notArray = #"{"token":"x"}"#
            let wrongShape = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: notArray), body: notArray)
            #expect(wrongShape.status == 422)
            let noToken = #"[{"type":"x"}]"#
            let missing = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: noToken), body: noToken)
            #expect(missing.status == 422)
            #expect((missing.json["errors"] as? [[String: String]])?.first?["field"] == "[0].token")
            let empty = "[]"
            let nothing = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: empty), body: empty)
            #expect(nothing.status == 200)
            #expect(nothing.body == "[]")

            // The document's limits are the server's: 301 matches, or a field longer than its maxLength → 422.
            let tooMany = "[" + Array(repeating: #"{"token":"x"}"#, count: 301).joined(separator: ",") + "]"
            let many = try await server.request(.POST, Self.path, headers: try signer.headers(for: tooMany), body: tooMany)
            #expect(many.status == 422)
            let longURL = #"[{"token":"x","url":""# + String(repeating: "u", count: 2_049) + #""}]"#
            let long = try await server.request(.POST, Self.path, headers: try signer.headers(for: longURL), body: longURL)
            #expect(long.status == 422)
            #expect((long.json["errors"] as? [[String: String]])?.first?["field"] == "[0].url")
            let largestAllowed = "[" + Array(
                repeating: #"{"token":""# + String(repeating: "t", count: 256) + #"","type":""#
                    + String(repeating: "y", count: 128) + #"","url":""# + String(repeating: "u", count: 2_048)
                    + #"","source":""# + String(repeating: "s", count: 128) + #""}"#,
                count: 300
            ).joined(separator: ",") + "]"
            let largest = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: largestAllowed), body: largestAllowed)
            #expect(largest.status == 200, "the largest report the document allows fits the body limit")

            let huge =
                "[" + String(repeating: #"{"token":"x","type":"t","url":"u","source":"s"},"#, count: 25_000) + "{}]"
            let tooLarge = try await server.request(
                .POST, Self.path, headers: try signer.headers(for: huge), body: huge)
            #expect(tooLarge.status == 413)
            #expect(try await server.whoami(key.token.secret).status == 200)
        }
    }

    @Test("without configured keys the route answers 404; keys can come from a URL, read again for a new identifier")
    func configuration() async throws {
        try await TestServer.run(.sqlite) { server in
            let body = "[]"
            let response = try await server.request(
                .POST, Self.path, headers: try TestSigner().headers(for: body), body: body)
            #expect(response.status == 404)
            #expect(response.code == "NOT_FOUND")
        }

        // A keys document served over HTTP, as https://api.github.com/meta/public_keys/secret_scanning is.
        let first = TestSigner(), rotated = TestSigner()
        let served = DocumentBox(TestSigner.document([first]))
        let router = Router()
        router.get("keys.json") { _, _ in served.value }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: {
                continuation.yield($0.localAddress?.port ?? 0); continuation.finish()
            },
            logger: TestDatabase.quietLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: TestDatabase.quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let keyring = SecretScanningKeyring(
                source: SecretScanningKeySource("http://127.0.0.1:\(port)/keys.json"),
                refreshInterval: .zero)
            let body = #"[{"token":"x"}]"#
            #expect(
                await keyring.verify(
                    body: Array(body.utf8), identifier: first.identifier,
                    signature: try first.headers(for: body)[1].1))
            // GitHub rotates its keys: an unknown identifier makes the keyring read the document again.
            served.value = TestSigner.document([first, rotated])
            #expect(
                await keyring.verify(
                    body: Array(body.utf8), identifier: rotated.identifier,
                    signature: try rotated.headers(for: body)[1].1))
            let tampered = await keyring.verify(
                body: Array((body + " ").utf8), identifier: rotated.identifier,
                signature: try rotated.headers(for: body)[1].1)
            #expect(!tampered)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await #expect(throws: SecretScanningKeyError.self) {
            try await SecretScanningKeyring(source: .file("/nonexistent/keys.json")).load()
        }
    }
}

/// The document the test's key server answers with (changed mid-test to rotate keys).
final class DocumentBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String
    init(_ text: String) { self.text = text }
    var value: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }
}
