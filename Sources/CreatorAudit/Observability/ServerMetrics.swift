// The server's Prometheus metrics (README, "Operations"): one registry per running server, scraped on the separate
// metrics listener (`serve --metrics-port`, MetricsListener.swift). Every family is named and explained here, so the
// set of labels is fixed and small: route patterns, methods, statuses and outcome names — never an id, a key, a
// name, an email or a username (MetricsTests scrape and check that).
//
// Adding metrics from elsewhere (the collector, a worker): call `counter`, `gauge` or `histogram` below with a name
// that starts with `creatoraudit_` and fixed label names, or use the swift-metrics API with `factory` (what `serve`
// bootstraps as the process's MetricsSystem). The collector's families are reserved in `recordRefresh` and
// `setSchedulerLag` so their names and labels are decided once (docs/architecture.md, "Background services").
import Foundation
import NIOConcurrencyHelpers
import Prometheus

public final class ServerMetrics: Sendable {
    /// How an API request's authentication ended (`creatoraudit_auth_attempts_total{outcome}`).
    public enum AuthOutcome: String, Sendable, CaseIterable {
        /// A valid key (scope and rate limit are checked after).
        case ok
        /// No `Authorization` header.
        case missing
        /// Not Bearer, malformed, bad checksum, unknown or deleted.
        case invalid
        case disabled
        case expired
        /// The key lacks the route's scope.
        case insufficientScope = "insufficient_scope"
        /// The client address failed too often and was refused before its key was looked at.
        case throttled
    }

    /// Which limit refused a request (`creatoraudit_rate_limit_refusals_total{limit}`).
    public enum RateLimit: String, Sendable, CaseIterable {
        /// The key's requests per minute (`org set --rate-limit`).
        case key
        /// Requests per minute per address on routes without a key (`serve --public-rate-limit`).
        case address
        /// Failed authentications per minute per address.
        case failedAuthentication = "failed_authentication"
    }

    /// The registry every family lives in; `emit()` renders it.
    public let registry: PrometheusCollectorRegistry

    /// Request durations: 1 ms to 10 s.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    /// Database units of work are often well under a millisecond.
    static let databaseBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    private let authOutcomes: [AuthOutcome: Counter]
    private let refusals: [RateLimit: Counter]
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let poolInUse: Gauge
    private let poolWaiting: Gauge
    /// Sources read when the registry is scraped (counts kept where they happen, without a lock of ours per request).
    private let sources = NIOLockedValueBox(Sources())

    private struct Sources {
        var verifier: KeyVerifier?
        var database: Database?
        var lastCache = KeyVerifier.CacheStatistics(hits: 0, misses: 0)
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        authOutcomes = Dictionary(
            uniqueKeysWithValues: AuthOutcome.allCases.map { outcome in
                (
                    outcome,
                    registry.makeCounter(descriptor: Self.authDescriptor, labels: [("outcome", outcome.rawValue)])
                )
            })
        refusals = Dictionary(
            uniqueKeysWithValues: RateLimit.allCases.map { limit in
                (limit, registry.makeCounter(descriptor: Self.refusalDescriptor, labels: [("limit", limit.rawValue)]))
            })
        cacheHits = registry.makeCounter(
            descriptor: .init(
                namespace: "creatoraudit", metricName: "key_cache_hits", unitName: "total",
                helpText: "API key verifications answered from this node's cache."))
        cacheMisses = registry.makeCounter(
            descriptor: .init(
                namespace: "creatoraudit", metricName: "key_cache_misses", unitName: "total",
                helpText: "API key verifications that read the database (not cached, expired entry, or cache dropped).")
        )
        poolInUse = registry.makeGauge(
            descriptor: .init(
                namespace: "creatoraudit", metricName: "db_pool_connections_in_use", unitName: "",
                helpText: "Database connections running a unit of work now (PostgreSQL pool; SQLite reader or writer).")
        )
        poolWaiting = registry.makeGauge(
            descriptor: .init(
                namespace: "creatoraudit", metricName: "db_pool_waiting", unitName: "",
                helpText: "Units of work waiting for a database connection (PostgreSQL) or the writer (SQLite)."))
    }

    static var authDescriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "creatoraudit", metricName: "auth_attempts", unitName: "total",
        helpText: "API requests by how their authentication ended.") }
    static var refusalDescriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "creatoraudit", metricName: "rate_limit_refusals", unitName: "total",
        helpText: "Requests refused with 429 by each rate limit.") }
    static var requestsDescriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "creatoraudit", metricName: "http_requests", unitName: "total",
        helpText: "HTTP requests by route pattern, method and status.") }
    static var durationDescriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "creatoraudit", metricName: "http_request_duration", unitName: "seconds",
        helpText: "Time from a request's arrival to its response, by route pattern and method.") }
    static var queryDescriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "creatoraudit", metricName: "db_query_duration", unitName: "seconds",
        helpText: "Time a database unit of work held its connection: one read, or one transaction.") }

    // MARK: What the server records

    /// One HTTP request. `route` is the router's pattern (`/v2/accounts/{id}`), or `unmatched`.
    /// The registry's `make…` looks a metric up by building its name and labels: ≈ 3 % of a small request's CPU
    /// (perf, BENCHMARKS.md "MCP"). Each series is therefore made once and kept here, up to `requestSeriesCap`.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let known = requestSeries.withLockedValue { $0[key] }
        let series = known ?? {
            let made = (
                registry.makeCounter(
                    descriptor: Self.requestsDescriptor,
                    labels: [("route", route), ("method", method), ("status", String(status))]),
                registry.makeDurationHistogram(
                    descriptor: Self.durationDescriptor, labels: [("route", route), ("method", method)],
                    buckets: Self.latencyBuckets))
            requestSeries.withLockedValue { cache in
                if cache.count < Self.requestSeriesCap { cache[key] = made }
            }
            return made
        }()
        series.0.increment()
        series.1.record(duration)
    }

    private struct RequestSeries: Hashable, Sendable {
        let route: String
        let method: String
        let status: Int
    }

    static let requestSeriesCap = 2_000
    private let requestSeries = NIOLockedValueBox([RequestSeries: (Counter, DurationHistogram)]())

    func authentication(_ outcome: AuthOutcome) { authOutcomes[outcome]?.increment() }

    func refused(by limit: RateLimit) { refusals[limit]?.increment() }

    /// Counts a secret-scanning report (docs/secret-scanning.md) by outcome, and its tokens by label.
    func secretScanningReport(outcome: String, truePositives: Int = 0, falsePositives: Int = 0) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "creatoraudit", metricName: "secret_scanning_reports", unitName: "total",
                helpText: "Leak reports received, by outcome (accepted, bad_signature, invalid, not_configured)."),
            labels: [("outcome", outcome)]
        ).increment()
        for (label, count) in [("true_positive", truePositives), ("false_positive", falsePositives)] where count > 0 {
            registry.makeCounter(
                descriptor: .init(
                    namespace: "creatoraudit", metricName: "secret_scanning_tokens", unitName: "total",
                    helpText: "Tokens in accepted leak reports, by label."),
                labels: [("label", label)]
            ).increment(by: Int64(count))
        }
    }

    // MARK: The collector's families (Collector/Scheduler/Collector.swift reports them)

    /// One refresh of an account or video. `source` is a platform source name (`sandbox`, `instagram`, `tiktok`),
    /// `outcome` a fixed word (`ok`, `failed`, `unavailable`, `deferred`, `released`, `lost`) — never a subject's id or
    /// username.
    public func recordRefresh(source: String, outcome: String, duration: Duration) {
        counter(
            "creatoraudit_collector_refreshes_total", help: "Refreshes by platform source and outcome.",
            labels: [("source", source), ("outcome", outcome)]
        ).increment()
        histogram(
            "creatoraudit_collector_refresh_duration_seconds", help: "Time one refresh took, by platform source.",
            labels: [("source", source)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// How late the oldest due refresh is, in seconds (0 when nothing is overdue).
    public func setSchedulerLag(seconds: Double) {
        gauge(
            "creatoraudit_collector_scheduler_lag_seconds",
            help: "How long the oldest due refresh has been waiting, in seconds."
        ).set(max(0, seconds))
    }

    // MARK: Extension points

    /// A counter in this registry. `name` must end in `_total`; labels must be fixed words, never ids or names.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
    }

    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    public func histogram(
        _ name: String, help: String, labels: [(String, String)] = [],
        buckets: [Duration] = ServerMetrics.latencyBuckets
    ) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
    }

    /// The swift-metrics factory over this registry (metrics made through it carry no HELP text).
    public var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    // MARK: Scraping

    /// Reads the key cache and database figures at each scrape, and times the database's units of work.
    func observe(verifier: KeyVerifier, database: Database) {
        sources.withLockedValue {
            $0.verifier = verifier
            $0.database = database
        }
        let histograms = (
            read: registry.makeDurationHistogram(
                descriptor: Self.queryDescriptor, labels: [("kind", "read")], buckets: Self.databaseBuckets),
            write: registry.makeDurationHistogram(
                descriptor: Self.queryDescriptor, labels: [("kind", "write")], buckets: Self.databaseBuckets)
        )
        database.instruments.observe { kind, duration in
            (kind == .write ? histograms.write : histograms.read).record(duration)
        }
    }

    /// The text exposition format (`text/plain; version=0.0.4`).
    public func emit() -> [UInt8] {
        sources.withLockedValue { sources in
            if let verifier = sources.verifier {
                let now = verifier.cacheStatistics
                cacheHits.increment(by: max(0, now.hits - sources.lastCache.hits))
                cacheMisses.increment(by: max(0, now.misses - sources.lastCache.misses))
                sources.lastCache = now
            }
            if let database = sources.database {
                let pool = database.instruments.current
                poolInUse.set(Int64(pool.inUse))
                poolWaiting.set(Int64(pool.waiting))
            }
        }
        return registry.emitToBuffer()
    }
}

extension KeyVerificationFailure {
    /// The metrics' name for this refusal.
    var outcome: ServerMetrics.AuthOutcome {
        switch self {
        case .invalid: return .invalid
        case .disabled: return .disabled
        case .expired: return .expired
        }
    }
}
