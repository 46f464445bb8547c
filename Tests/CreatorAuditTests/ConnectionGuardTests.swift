// Slow and abusive clients at the connection level (README, "Reliability"): a request head must be complete
// within its deadline, one address may hold only so many connections, and requests the HTTP parser refuses get a
// problem document. Normal clients keep being served throughout.
import Foundation
import NIOCore
import Testing
@testable import CreatorAudit

@Suite("Connection guards")
struct ConnectionGuardTests {
    @Test("a client sending its request head one byte at a time is cut off at the head deadline; others are served")
    func slowHead() async throws {
        try await TestServer.run(.sqlite, configure: { $0.connections.requestHeadTimeout = .seconds(1) }) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            // Five slow clients, each trickling a header byte every 200 ms (the idle timeout never fires for them).
            var slow: [RawConnection] = []
            for _ in 0..<5 { slow.append(try await RawConnection.open(port: server.port)) }
            let head = Array("GET /v2/health HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "a", count: 200))\r\n\r\n".utf8)
            let started = ContinuousClock.now
            let trickle = Task {
                for byte in head {
                    for connection in slow where connection.isOpen { try? await connection.send([byte]) }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            // Meanwhile a normal client is served, again and again.
            for _ in 0..<10 {
                #expect(try await server.whoami(key).status == 200)
                try await Task.sleep(for: .milliseconds(100))
            }
            for connection in slow {
                #expect(await connection.waitForClose(timeout: .seconds(3)), "a slow client was not cut off")
                #expect(!connection.text.contains("200 OK"))
            }
            #expect(started.duration(to: .now) < .seconds(5))
            trickle.cancel()
            // A keep-alive connection that sends its next request promptly is not affected by the deadline.
            let prompt = try await RawConnection.open(port: server.port)
            try await prompt.send("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\n\r\n")
            try await Task.sleep(for: .milliseconds(1500))
            try await prompt.send("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(await prompt.waitForClose(timeout: .seconds(3)))
            #expect(prompt.text.components(separatedBy: "HTTP/1.1 200").count == 3, "\(prompt.text.prefix(300))")
        }
    }

    @Test("one address may hold only the configured number of connections; other addresses are served")
    func perAddressCap() async throws {
        try await TestServer.run(.sqlite, configure: { $0.connections.maxConnectionsPerAddress = 4 }) { server in
            let organization = try await Fixtures.organization(server.database)
            let key = try await Fixtures.key(server.services, organization).token.secret
            // Four idle connections from 127.0.0.2 are allowed (each has finished its TLS handshake)…
            var held: [RawConnection] = []
            for _ in 0..<4 {
                let connection = try await RawConnection.open(port: server.port, from: "127.0.0.2")
                try await connection.send("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\n\r\n")
                held.append(connection)
            }
            try await Task.sleep(for: .milliseconds(300))
            for connection in held { #expect(connection.text.hasPrefix("HTTP/1.1 200")) }
            // …the fifth is closed at once.
            let fifth = try? await RawConnection.open(port: server.port, from: "127.0.0.2")
            if let fifth {
                try? await fifth.send("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(await fifth.waitForClose(timeout: .seconds(2)))
                #expect(fifth.text.isEmpty)
            }
            // Requests from another address are served meanwhile.
            for _ in 0..<5 { #expect(try await server.whoami(key).status == 200) }
            // Closing one frees a place.
            await held[0].close()
            try await Task.sleep(for: .milliseconds(200))
            let again = try await RawConnection.open(port: server.port, from: "127.0.0.2")
            try await again.send("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(await again.waitForClose(timeout: .seconds(3)))
            #expect(again.text.hasPrefix("HTTP/1.1 200"))
            for connection in held { await connection.close() }
        }
    }

    @Test("requests the HTTP parser refuses get problem documents: 414 for a 100 KB URL, 431 for a 100 KB header, 400 for a control byte")
    func parserRejections() async throws {
        try await TestServer.run(.sqlite) { server in
            let cases: [(String, Int, String)] = [
                ("GET /v2/" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "URI_TOO_LONG"),
                ("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n",
                 431, "HEADERS_TOO_LARGE"),
                ("GET /v2/meta HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\u{01}b\r\n\r\n", 400, "BAD_REQUEST"),
            ]
            for (request, status, code) in cases {
                let connection = try await RawConnection.open(port: server.port)
                try await connection.send(request)
                #expect(await connection.waitForClose(timeout: .seconds(3)))
                let response = try #require(RawHTTPResponse(connection.text), "no response to a \(status) case")
                #expect(response.status == status)
                #expect(response.headers["content-type"] == "application/problem+json")
                #expect(response.headers["connection"] == "close")
                #expect(response.json["code"] as? String == code)
                #expect(response.json["status"] as? Int == status)
                #expect((response.json["instance"] as? String)?.hasPrefix("urn:creatoraudit:request:") == true)
                #expect(response.json["request_id"] as? String == response.headers["x-request-id"])
            }
        }
    }
}
