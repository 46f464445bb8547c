// The Prometheus metrics listener (README, "Operations"), scraped over real HTTP after real API traffic.
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import CreatorAudit

/// One scrape, parsed: `name{label="value",…} number` lines.
struct Scrape {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    let text: String
    let samples: [Sample]

    init(_ text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            let body = series[series.index(after: brace)..<series.index(before: series.endIndex)]
            for pair in body.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    /// The sum of the samples named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            .reduce(0) { $0 + $1.value }
    }

    func has(_ name: String) -> Bool { samples.contains { $0.name == name } }

    static func fetch(port: Int, client: HTTPClient) async throws -> (status: Int, contentType: String?, scrape: Scrape)
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        request.method = .GET
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type"), Scrape(String(buffer: body)))
    }
}

@Suite("Metrics listener")
struct MetricsEndpointTests {
    /// A server with its metrics listener on a free loopback port; `body` gets the server and that port.
    static func withMetrics<T: Sendable>(
        _ engine: DatabaseEngine, _ body: @Sendable (TestServer, Int) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        return try await TestServer.run(
            engine,
            configure: { settings in
                settings.metricsPort = 0
                settings.onMetricsRunning = { port in
                    continuation.yield(port)
                    continuation.finish()
                }
            }
        ) { server in
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return try await body(server, port)
        }
    }

    @Test(
        "requests by route, method, status and latency; auth; key cache; database; rate limits; no identifying label",
        arguments: TestEngines.all)
    func scrape(engine: DatabaseEngine) async throws {
        try await Self.withMetrics(engine) { server, port in
            let organization = try await Fixtures.organization(server.database, name: "Metrics Org Secretive")
            let key = try await Fixtures.key(server.services, organization, name: "metrics key named secretly")
            let reader = try await Fixtures.key(server.services, organization, name: "read only", scopes: [.read])
            let disabled = try await Fixtures.key(server.services, organization)
            _ = try await server.services.lifecycle.disable(
                organizationID: organization.id, id: disabled.record.id, actor: .cli)
            let limited = try await Fixtures.organization(server.database)
            try await Fixtures.setRateLimit(server.database, limited, 1)
            let limitedKey = try await Fixtures.key(server.services, limited)
            let missingID = UUID().uuidString.lowercased()

            // setup: traffic of every kind
            #expect(try await server.whoami(key.token.secret).status == 200)  // a cache miss, then
            #expect(try await server.whoami(key.token.secret).status == 200)  // a hit
            #expect(try await server.request(.GET, "/v2/accounts/\(missingID)", key: key.token.secret).status == 404)
            #expect(try await server.whoami(APIKeyToken.generate().secret).status == 401)
            #expect(try await server.request(.GET, "/v2/whoami").status == 401)
            #expect(try await server.whoami(disabled.token.secret).status == 403)
            #expect(
                try await server.request(.POST, "/v2/creators", key: reader.token.secret, body: #"{"name":"x"}"#).status
                    == 403)
            #expect(try await server.whoami(limitedKey.token.secret).status == 200)
            #expect(try await server.whoami(limitedKey.token.secret).status == 429)
            #expect(try await server.request(.GET, "/no/such/page").status == 404)

            // run
            let (status, contentType, scrape) = try await Scrape.fetch(port: port, client: server.client)

            // validate
            #expect(status == 200)
            #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let whoamiOK = ["route": "/v2/whoami", "method": "GET", "status": "200"]
            #expect(scrape.value("creatoraudit_http_requests_total", whoamiOK) >= 3)
            #expect(
                scrape.value("creatoraudit_http_requests_total", ["route": "/v2/accounts/{id}", "status": "404"]) == 1)
            #expect(scrape.value("creatoraudit_http_requests_total", ["route": "unmatched", "status": "404"]) >= 1)
            #expect(scrape.value("creatoraudit_http_requests_total", ["route": "/v2/whoami", "status": "429"]) == 1)
            #expect(
                scrape.value(
                    "creatoraudit_http_request_duration_seconds_count", ["route": "/v2/whoami", "method": "GET"]) >= 7)
            #expect(
                scrape.value(
                    "creatoraudit_http_request_duration_seconds_bucket", ["route": "/v2/whoami", "le": "+Inf"]) >= 7)

            #expect(scrape.value("creatoraudit_auth_attempts_total", ["outcome": "ok"]) >= 4)
            #expect(scrape.value("creatoraudit_auth_attempts_total", ["outcome": "invalid"]) == 1)
            #expect(scrape.value("creatoraudit_auth_attempts_total", ["outcome": "missing"]) == 1)
            #expect(scrape.value("creatoraudit_auth_attempts_total", ["outcome": "disabled"]) == 1)
            #expect(scrape.value("creatoraudit_auth_attempts_total", ["outcome": "insufficient_scope"]) == 1)
            #expect(scrape.value("creatoraudit_rate_limit_refusals_total", ["limit": "key"]) == 1)
            #expect(scrape.value("creatoraudit_key_cache_hits_total") >= 1)
            #expect(scrape.value("creatoraudit_key_cache_misses_total") >= 1)

            #expect(scrape.has("creatoraudit_db_pool_connections_in_use"))
            #expect(scrape.has("creatoraudit_db_pool_waiting"))
            #expect(scrape.value("creatoraudit_db_query_duration_seconds_count", ["kind": "read"]) >= 1)
            #expect(scrape.value("creatoraudit_db_query_duration_seconds_count", ["kind": "write"]) >= 1)
            #expect(scrape.text.contains("# HELP creatoraudit_http_requests_total "))

            // Labels are fixed words, route patterns, methods, statuses and bucket bounds; nothing identifying.
            let forbidden = [
                organization.id.description, key.record.id.description, key.token.secret,
                String(key.token.secret.prefix(12)),
                organization.name, key.record.name, missingID, "Secretive", "secretly",
            ]
            for sample in scrape.samples {
                for (label, value) in sample.labels {
                    #expect(forbidden.allSatisfy { !value.contains($0) }, "\(sample.name) \(label)=\(value)")
                    #expect(
                        value.range(of: #"[0-9a-f]{8}-[0-9a-f]{4}-"#, options: .regularExpression) == nil,
                        "\(sample.name) \(label)=\(value)")
                    #expect(
                        label == "le"
                            || value.range(
                                of: #"^(/[A-Za-z0-9/{}._-]*|[A-Za-z_]+|[0-9]{3})$"#,
                                options: .regularExpression) != nil,
                        "\(sample.name) \(label)=\(value)")
                }
            }
            for text in forbidden { #expect(!scrape.text.contains(text), "\(text) appears in the metrics") }

            // The API's port does not serve them; counters only grow between scrapes.
            #expect(try await server.request(.GET, "/metrics").status == 404)
            #expect(try await server.whoami(key.token.secret).status == 200)
            let (_, _, later) = try await Scrape.fetch(port: port, client: server.client)
            #expect(
                later.value("creatoraudit_http_requests_total", whoamiOK)
                    > scrape.value("creatoraudit_http_requests_total", whoamiOK))
            // Every verification is a hit or a miss (a key change elsewhere may have emptied the cache meanwhile).
            let verifications = { (scrape: Scrape) in
                scrape.value("creatoraudit_key_cache_hits_total") + scrape.value("creatoraudit_key_cache_misses_total")
            }
            #expect(verifications(later) == verifications(scrape) + 1)
        }
    }

    @Test("without --metrics-port there is no listener; the collector's families are ready to use")
    func optionalAndExtensible() async throws {
        try await TestServer.run(.sqlite) { server in
            let status = try await server.request(.GET, "/metrics").status
            #expect(status == 404)
            let metrics = server.services.metrics
            metrics.recordRefresh(source: "sandbox", outcome: "ok", duration: .milliseconds(12))
            metrics.setSchedulerLag(seconds: 3)
            let scrape = Scrape(String(decoding: metrics.emit(), as: UTF8.self))
            #expect(
                scrape.value("creatoraudit_collector_refreshes_total", ["source": "sandbox", "outcome": "ok"]) == 1)
            #expect(scrape.value("creatoraudit_collector_scheduler_lag_seconds") == 3)
        }
    }

    @Test("the collector reports each refresh by source and outcome, and how long due work has waited",
          arguments: TestEngines.all)
    func collectorFamilies(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            let database = test.database
            let clock = ManualClock()
            let organization = try await Fixtures.organization(database)
            try await CollectorFixtures.account(database, organization.id, .instagram, "maya.chen", now: clock.timestamp)
            try await CollectorFixtures.account(database, organization.id, .tiktok, "mayachen", now: clock.timestamp)
            clock.advance(42)  // due 42 s ago
            var settings = CollectorSettings()
            settings.owner = "metrics test"
            let sandbox = SandboxSource(clock: { clock.timestamp })
            let metrics = ServerMetrics()
            let collector = Collector(
                database: database, source: { _ in sandbox }, settings: settings, clock: clock, metrics: metrics,
                logger: TestDatabase.quietLogger)
            #expect(await collector.refreshDue().refreshed == 2)
            let scrape = Scrape(String(decoding: metrics.emit(), as: UTF8.self))
            #expect(
                scrape.value("creatoraudit_collector_refreshes_total", ["source": "sandbox", "outcome": "ok"]) == 2)
            #expect(
                scrape.value("creatoraudit_collector_refresh_duration_seconds_count", ["source": "sandbox"]) == 2)
            #expect(scrape.value("creatoraudit_collector_scheduler_lag_seconds") >= 42)
            #expect(!scrape.text.contains("maya"), "no username in a label")
        }
    }
}

