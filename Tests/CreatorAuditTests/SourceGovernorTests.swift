// The governor on its own: concurrency, pauses shared through the database, the daily budget across
// restarts on both engines, and the status a `creatoraudit sources` would show.
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CreatorAudit

@Suite("Source governor")
struct SourceGovernorTests {
    @Test("no more requests in flight than the concurrency limit", arguments: TestEngines.all)
    func concurrency(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let governor = SourceGovernor(
                source: "test", policy: SourceGovernor.Policy(maxConcurrentRequests: 3),
                database: testDatabase.database, logger: TestDatabase.quietLogger)
            let inFlight = NIOLockedValueBox((now: 0, most: 0))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await governor.perform { _ in
                            inFlight.withLockedValue {
                                $0.now += 1
                                $0.most = max($0.most, $0.now)
                            }
                            try await Task.sleep(for: .milliseconds(20))
                            inFlight.withLockedValue { $0.now -= 1 }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(inFlight.withLockedValue { $0.most } == 3)
        }
    }

    @Test(
        "a pause recorded by one process holds for the next one started on the same database",
        arguments: TestEngines.all)
    func pauseSurvivesRestart(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let clock = ManualClock()
            let first = SourceGovernor(
                source: "instagram", policy: SourceGovernor.Policy(), database: testDatabase.database,
                clock: clock, logger: TestDatabase.quietLogger)
            await #expect(throws: PlatformSourceError.self) {
                try await first.perform { _ in
                    throw PlatformSourceError.rateLimited(retryAfter: 600, reason: "test pause")
                }
            }
            clock.advance(100)
            let second = SourceGovernor(
                source: "instagram", policy: SourceGovernor.Policy(), database: testDatabase.database,
                clock: clock, logger: TestDatabase.quietLogger)
            let ran = NIOLockedValueBox(false)
            let error = await PlatformSourceError.caught {
                try await second.perform { _ in ran.withLockedValue { $0 = true } }
            }
            #expect(error?.isRateLimited == true && error?.retryAfter == 500 && error?.reason == "test pause")
            #expect(!ran.withLockedValue { $0 }, "the request was not sent")
            clock.advance(501)
            try await second.perform { _ in ran.withLockedValue { $0 = true } }
            #expect(ran.withLockedValue { $0 })
        }
    }

    @Test(
        "the daily budget is counted in the database: a new governor continues where the last stopped",
        arguments: TestEngines.all)
    func budgetAcrossRestarts(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let clock = ManualClock()
            let policy = SourceGovernor.Policy(dailyBudget: DailyBudgetLimits(requests: 3, records: 100))
            func governor() -> SourceGovernor {
                SourceGovernor(
                    source: "tiktok", policy: policy, database: testDatabase.database, clock: clock,
                    logger: TestDatabase.quietLogger)
            }
            let first = governor()
            for _ in 0..<2 {
                try await first.perform(metered: true) { grant in await first.addRecords(7, grant: grant) }
            }
            // Unmetered requests (the token endpoint) do not count.
            try await first.perform { _ in }
            let second = governor()
            #expect(try await second.budgetUsage() == BudgetUsage(requests: 2, records: 14))
            try await second.perform(metered: true) { grant in #expect(grant.recordsLeft == 86) }
            let error = await PlatformSourceError.caught { try await second.perform(metered: true) { _ in } }
            #expect(error?.isRateLimited == true)
            // Another process meanwhile sees the budget spent too, without a request.
            let third = governor()
            let refused = await PlatformSourceError.caught { try await third.perform(metered: true) { _ in } }
            #expect(refused?.isRateLimited == true)
            #expect(try await third.budgetUsage() == BudgetUsage(requests: 3, records: 14))
            clock.advance(86_400)
            try await governor().perform(metered: true) { _ in }
            #expect(try await governor().budgetUsage() == BudgetUsage(requests: 1, records: 0))
        }
    }

    @Test("concurrent governors on one database never spend more than the budget", arguments: TestEngines.all)
    func budgetRace(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let policy = SourceGovernor.Policy(
                maxConcurrentRequests: 8, maxWaitSeconds: 0,
                dailyBudget: DailyBudgetLimits(requests: 25, records: 1_000))
            let governors = (0..<3).map { _ in
                SourceGovernor(
                    source: "tiktok", policy: policy, database: testDatabase.database, logger: TestDatabase.quietLogger)
            }
            let sent = NIOLockedValueBox(0)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<60 {
                    let governor = governors[index % 3]
                    group.addTask {
                        try? await governor.perform(metered: true) { _ in sent.withLockedValue { $0 += 1 } }
                    }
                }
            }
            #expect(sent.withLockedValue { $0 } == 25)
            let usage = try await governors[0].budgetUsage()
            #expect(usage?.requests == 25)
        }
    }

    @Test(
        "the report shows each platform's source, configuration and state, without a secret", arguments: TestEngines.all
    )
    func report(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { testDatabase in
            let token = "EAAG" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let secret = UUID().uuidString
            let configuration = try SourceConfiguration.resolve(environment: [
                "CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN": token, "CREATORAUDIT_INSTAGRAM_USER_ID": "17841400000000009",
                "CREATORAUDIT_TIKTOK_CLIENT_KEY": "awxyz123456789", "CREATORAUDIT_TIKTOK_CLIENT_SECRET": secret,
            ])
            let clock = ManualClock()
            let sources = PlatformSources(
                configuration: configuration, database: testDatabase.database, clock: clock,
                logger: TestDatabase.quietLogger)
            // A collector elsewhere recorded a failure; this process has sent nothing yet.
            try await SourceStatusRepository(database: testDatabase.database).save(
                SourceStatusRecord(
                    source: "instagram", state: .failing, reason: "Instagram rejected the access token (code 190)",
                    since: clock.timestamp, nextAttemptAt: clock.timestamp.adding(seconds: 60),
                    updatedAt: clock.timestamp))
            let reports = await sources.report()
            await sources.shutdown()
            #expect(reports.map(\.source) == ["instagram", "tiktok"])
            #expect(reports[0].stateLine.contains("FAILING") && reports[0].stateLine.contains("code 190"))
            #expect(reports[1].stateLine.contains("ready") && reports[1].stateLine.contains("0/1000 requests"))
            let text = reports.map { $0.configuration + " " + $0.stateLine }.joined(separator: "\n")
            #expect(text.contains("access token set") && text.contains("client secret set"))
            #expect(!text.contains(token) && !text.contains(secret) && !text.contains("awxyz123456789"))
        }
    }
}
