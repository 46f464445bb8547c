// README, "What is here": TLS 1.2+ with AEAD suites only; no plaintext listener; trusted-proxy mode.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing
@testable import CreatorAudit

@Suite("Transport security")
struct TransportTests {
    func attempt(_ server: TestServer, configure: (inout TLSConfiguration) -> Void) async throws -> Result<Int, any Error> {
        // AsyncHTTPClient retries a failed connection until its connect timeout: keep that short.
        let client = try TestServer.makeClient(trusting: server.certificatePath, connectTimeout: .seconds(3), configure: configure)
        let result: Result<Int, any Error>
        do {
            result = .success(try await server.request(.GET, "/v2/meta", using: client).status)
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        return result
    }

    /// True when the attempt failed in the TLS handshake (not a timeout or anything else).
    func isHandshakeFailure(_ result: Result<Int, any Error>) -> Bool {
        guard case .failure(let error) = result else { return false }
        if case .handshakeFailed = error as? NIOSSLError { return true }
        return false
    }

    @Test("TLS 1.1 and a CBC-only TLS 1.2 client are refused; TLS 1.2 (AEAD) and TLS 1.3 are accepted")
    func versionsAndCiphers() async throws {
        try await TestServer.run(.sqlite) { server in
            let tls11 = try await attempt(server) {
                $0.minimumTLSVersion = .tlsv1
                $0.maximumTLSVersion = .tlsv11
            }
            #expect(isHandshakeFailure(tls11))
            let cbc = try await attempt(server) {
                $0.maximumTLSVersion = .tlsv12
                $0.cipherSuiteValues = [.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, .TLS_RSA_WITH_AES_128_CBC_SHA]
            }
            #expect(isHandshakeFailure(cbc))
            let tls12 = try await attempt(server) {
                $0.minimumTLSVersion = .tlsv12
                $0.maximumTLSVersion = .tlsv12
            }
            #expect((try? tls12.get()) == 200)
            let tls13 = try await attempt(server) { $0.minimumTLSVersion = .tlsv13 }
            #expect((try? tls13.get()) == 200)
        }
    }

    @Test("plaintext HTTP to the TLS port gets no HTTP answer")
    func noPlaintext() async throws {
        try await TestServer.run(.sqlite) { server in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            var request = HTTPClientRequest(url: "http://localhost:\(server.port)/v2/meta")
            request.method = .GET
            await #expect(throws: (any Error).self) {
                _ = try await client.execute(request, timeout: .seconds(5))
            }
            try await client.shutdown()
        }
    }

    @Test("the development certificate is ECDSA P-256 with SANs localhost, 127.0.0.1 and ::1; its key file is 0600")
    func developmentCertificate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-cert-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try SelfSignedCertificate.ensure(in: directory)
        #expect(files.created)
        let attributes = try FileManager.default.attributesOfItem(atPath: files.keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directoryAttributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((directoryAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let certificate = try #require(try NIOSSLCertificate.fromPEMFile(files.certificatePath).first)
        let names = certificate._subjectAlternativeNames().map { name -> String in
            switch name.nameType {
            case .dnsName: return String(decoding: name.contents, as: UTF8.self)
            case .ipAddress: return Array(name.contents).map(String.init).joined(separator: ".")
            default: return "?"
            }
        }
        #expect(names.contains("localhost"))
        #expect(names.contains("127.0.0.1"))
        #expect(names.contains("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1"))
        // Reused afterwards, not replaced.
        let again = try SelfSignedCertificate.ensure(in: directory)
        #expect(!again.created)
        #expect(try TLSSettings.fingerprint(ofPEMFile: again.certificatePath) == TLSSettings.fingerprint(ofPEMFile: files.certificatePath))
        #expect(try TLSSettings.fingerprint(ofPEMFile: files.certificatePath).count == 95)
    }

    @Test("every response carries HSTS and nosniff, errors included; /v2 sends no CORS headers")
    func securityHeaders() async throws {
        try await TestServer.run(.sqlite) { server in
            for (path, expected) in [("/v2/meta", 200), ("/v2/whoami", 401), ("/v2/nowhere", 404), ("/nowhere", 404)] {
                let response = try await server.request(.GET, path, headers: [("Origin", "https://evil.example")])
                #expect(response.status == expected)
                #expect(response.header("Strict-Transport-Security") == "max-age=63072000")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                #expect(response.header("Access-Control-Allow-Origin") == nil)
            }
        }
    }

    static func proxied(_ trusted: String, _ body: @escaping @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.run(.sqlite, configure: {
            $0.transport = .behindProxy(trustedProxies: [CIDR(trusted)!])
        }, body)
    }

    @Test("behind a proxy: served only from a trusted address with X-Forwarded-Proto: https; otherwise 403 without examining credentials")
    func trustedProxy() async throws {
        try await Self.proxied("127.0.0.0/8") { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            let good = try await server.request(.GET, "/v2/whoami", key: key, headers: [("X-Forwarded-Proto", "https")])
            #expect(good.status == 200)
            for headers in [[], [("X-Forwarded-Proto", "http")]] {
                let refused = try await server.request(.GET, "/v2/whoami", key: APIKeyToken.generate().secret, headers: headers)
                #expect(refused.status == 403)
                #expect(refused.code == "FORBIDDEN")
                #expect((refused.json["detail"] as? String)?.contains("HTTPS") == true)
            }
        }
        try await Self.proxied("10.0.0.0/8") { server in
            let refused = try await server.request(.GET, "/v2/meta", headers: [("X-Forwarded-Proto", "https")])
            #expect(refused.status == 403)
            #expect(refused.code == "FORBIDDEN")
        }
    }

    @Test("behind a proxy the client is the rightmost untrusted X-Forwarded-For entry (throttling is per client)")
    func forwardedClient() async throws {
        try await Self.proxied("127.0.0.0/8") { server in
            let attacker = [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 127.0.0.1")]
            for _ in 0..<31 { _ = try await server.request(.GET, "/v2/whoami", key: APIKeyToken.generate().secret, headers: attacker) }
            let blocked = try await server.request(.GET, "/v2/whoami", key: APIKeyToken.generate().secret, headers: attacker)
            #expect(blocked.status == 429)
            // A spoofed leftmost entry does not move the attacker to another bucket…
            let spoofed = [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "9.9.9.9, 198.51.100.7")]
            #expect(try await server.request(.GET, "/v2/whoami", key: APIKeyToken.generate().secret, headers: spoofed).status == 429)
            // …and another client is unaffected.
            let other = [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "198.51.100.8")]
            #expect(try await server.request(.GET, "/v2/whoami", key: APIKeyToken.generate().secret, headers: other).status == 401)
        }
    }

    @Test("CIDR lists parse IPv4 and IPv6 and match addresses", arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false), ("127.0.0.1", "127.0.0.1", true),
        ("192.168.1.0/24", "192.168.1.77", true), ("::1/128", "::1", true), ("fd00::/8", "fd12::1", true),
        ("fd00::/8", "fe80::1", false), ("0.0.0.0/0", "203.0.113.5", true), ("127.0.0.0/8", "::ffff:127.0.0.1", true),
    ])
    func cidr(network: String, address: String, expected: Bool) throws {
        let cidr = try #require(CIDR(network))
        #expect(cidr.contains(address) == expected)
    }
}
