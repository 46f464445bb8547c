// The sources of one process, one per platform, built from a `SourceConfiguration`: what a scheduler asks
// (`source(for:)`), what `creatoraudit sources` shows (`report`), and the HTTP client they share (`shutdown`).
// Build it once per process: each platform source owns the governor every refresh of that platform shares.
import Foundation
import Logging

public final class PlatformSources: Sendable {
    public let configuration: SourceConfiguration
    private let instagram: any PlatformSource
    private let tiktok: any PlatformSource
    private let http: PlatformHTTPClient?
    private let statuses: SourceStatusRepository
    private let clock: any CollectorClock

    public init(
        configuration: SourceConfiguration, database: Database, clock: any CollectorClock = SystemCollectorClock(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.statuses = SourceStatusRepository(database: database)
        self.clock = clock
        let sandbox = SandboxSource(clock: { clock.timestamp })
        var http: PlatformHTTPClient?
        func client() -> PlatformHTTPClient {
            if let http { return http }
            let made = PlatformHTTPClient(settings: configuration.http)
            http = made
            return made
        }
        switch configuration.instagram {
        case .sandbox: instagram = sandbox
        case .graphAPI(let settings):
            instagram = InstagramSource(
                settings: settings, http: client(), database: database, clock: clock, logger: logger)
        }
        switch configuration.tiktok {
        case .sandbox: tiktok = sandbox
        case .researchAPI(let settings):
            tiktok = TikTokSource(settings: settings, http: client(), database: database, clock: clock, logger: logger)
        }
        self.http = http
    }

    /// The source that collects `platform`.
    public func source(for platform: Platform) -> any PlatformSource {
        switch platform {
        case .instagram: return instagram
        case .tiktok: return tiktok
        }
    }

    /// The governor of `platform`'s source; nil for the sandbox, which needs none.
    public func governor(for platform: Platform) -> SourceGovernor? {
        switch source(for: platform) {
        case let source as InstagramSource: return source.governor
        case let source as TikTokSource: return source.governor
        default: return nil
        }
    }

    /// Closes the platform connections; call once at shutdown, after the last refresh.
    public func shutdown() async {
        await http?.shutdown()
    }

    /// Each platform's configuration and state (no secret). The state is this process's when it has met a pause
    /// or a failure, otherwise the last one any collector recorded in the database (so `creatoraudit sources`, a
    /// process of its own, shows what the collectors saw).
    public func report() async -> [SourceReport] {
        var reports: [SourceReport] = []
        let recorded = (try? await statuses.all()) ?? []
        let now = Timestamp(seconds: Int64(clock.now().rounded(.down)))
        for (platform, line) in zip(Platform.allCases, configuration.summary) {
            let source = source(for: platform)
            let governor = governor(for: platform)
            var availability = source.availability()
            if availability == .ready, let record = recorded.first(where: { $0.source == source.name }) {
                switch record.state {
                case .failing:
                    availability = .failing(
                        reason: record.reason ?? "failing", nextAttemptAt: record.nextAttemptAt ?? now)
                case .paused:
                    if let until = record.pausedUntil, until > now {
                        availability = .paused(until: until, reason: record.reason ?? "paused")
                    }
                case .ok: break
                }
            }
            reports.append(
                SourceReport(
                    platform: platform, source: source.name, configuration: line, availability: availability,
                    budget: try? await governor?.budgetUsage(), budgetLimits: governor?.policy.dailyBudget,
                    usagePercent: governor?.usagePercent))
        }
        return reports
    }
}

/// A platform's source, configuration and state, for the operator.
public struct SourceReport: Sendable {
    public var platform: Platform
    public var source: String
    /// `SourceConfiguration.summary`'s line for the platform.
    public var configuration: String
    public var availability: SourceAvailability
    /// Today's (UTC) spending of a daily budget, when the source has one.
    public var budget: BudgetUsage?
    public var budgetLimits: DailyBudgetLimits?
    /// The last usage of the platform's limit the platform reported, in percent.
    public var usagePercent: Double?

    /// One line: `tiktok (tiktok): ready; budget today 12/1000 requests, 340/100000 records`.
    public var stateLine: String {
        var text = "\(platform.rawValue) (\(source)): "
        switch availability {
        case .ready: text += "ready"
        case .paused(let until, let reason): text += "paused until \(until.iso8601) — \(reason)"
        case .failing(let reason, let next): text += "FAILING — \(reason); next attempt \(next.iso8601)"
        }
        if let budget, let budgetLimits {
            text +=
                "; budget today \(budget.requests)/\(budgetLimits.requests) requests, "
                + "\(budget.records)/\(budgetLimits.records) records"
        }
        if let usagePercent, usagePercent > 0 { text += "; platform usage \(Int(usagePercent)) %" }
        return text
    }
}
