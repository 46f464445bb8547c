// The analytics of one organization (docs/metrics.md): reads rollups through the tenant store and applies the pure
// arithmetic of Analytics/. Answers in domain values; the API and the dashboard render them.

/// One day of a series: the day's amounts and followers at the day's end.
struct SeriesPoint: Sendable, Equatable {
    let day: Int
    let followers: Int64?
    let amounts: Counters
}

/// What a timeseries is about.
enum SeriesSubject: Sendable, Equatable {
    case account(AccountID), video(VideoID, VideoSource), creator(CreatorID), organization
}

struct AnalyticsService: Sendable {
    let store: TenantStore
    var rollups: RollupRepository { store.rollups }

    /// Window amounts of each of the organization's videos among `ids` (of `source`); others are left out.
    func videoAmounts(ids: [String], source: VideoSource?, window: Window) async throws -> [String: Counters] {
        let refs = try await rollups.videos(ids: ids, source: source)
        let histories = try await rollups.endpointHistories(videos: refs, days: [window.startDay - 1, window.endDay])
        var result: [String: Counters] = [:]
        for history in histories { result[history.videoID] = WindowTotals.amounts(history, window: window) }
        return result
    }

    /// Views gained over each trailing window of `days` ending today, per video of `source`; others left out.
    func viewDeltas(ids: [String], source: VideoSource?, windows: [Int], today: Int = UTCDay.today) async throws -> [String: [Int: Int64?]] {
        let refs = try await rollups.videos(ids: ids, source: source)
        let histories = try await rollups.endpointHistories(videos: refs, days: [today] + windows.map { today - $0 })
        var result: [String: [Int: Int64?]] = [:]
        for history in histories {
            let end = history.level(at: today)
            var deltas: [Int: Int64?] = [:]
            for days in windows { deltas[days] = (end - history.level(at: today - days)).effectiveViews }
            result[history.videoID] = deltas
        }
        return result
    }

    /// Per-account totals (amounts over their videos, followers) for the organization's accounts among `ids`: two
    /// level rows per account, whatever the number of its videos.
    func accountTotals(ids: [String], window: Window) async throws -> [String: WindowTotals] {
        try await accountFigures(ids: ids, window: window).mapValues(\.totals)
    }

    /// Per-account totals, and how many videos each account had by the window's end (discovered by then: the
    /// dashboard's views per video), for the organization's accounts among `ids`. Read from the account levels.
    func accountFigures(ids: [String], window: Window) async throws -> [String: AccountFigures] {
        let accountIDs = Array(try await store.accounts.existing(ids))
        guard !accountIDs.isEmpty else { return [:] }
        let latest = max(window.endDay, UTCDay.today)
        let levels = try await store.levels.accountLevels(accountIDs, at: [window.startDay - 1, window.endDay, latest])
        var result: [String: AccountFigures] = [:]
        for id in accountIDs {
            let accountLevels = levels[id] ?? Levels(rows: [])
            var totals = accountLevels.totals(window)
            // An account without any video has amounts of 0 (nothing happened), not unknown.
            if accountLevels.at(latest)[12] == 0 { totals.amounts = WindowTotals.zeroIfEmpty(nil) }
            result[id] = AccountFigures(totals: totals, videos: Int(accountLevels.at(window.endDay)[12]))
        }
        return result
    }

    /// Totals of a group of accounts as one (a creator): amounts and followers summed over the accounts' totals.
    func groupTotals(accountIDs: [String], window: Window) async throws -> WindowTotals {
        let totals = try await accountTotals(ids: accountIDs, window: window).values
        var sum = Counters()
        for total in totals { sum = sum + total.amounts }
        return WindowTotals(amounts: sum, followerCount: WindowTotals.sum(totals.map(\.followerCount)),
                            followerChange: WindowTotals.sum(totals.map(\.followerChange)))
    }

    /// Not found unless the organization has the subject.
    func requireSubject(_ subject: SeriesSubject) async throws {
        switch subject {
        case .account(let id):
            guard try await store.accounts.find(id) != nil else { throw DomainError.notFound("account") }
        case .video(let id, let source):
            guard try await !rollups.videos(ids: [id.description], source: source).isEmpty else { throw DomainError.notFound("video") }
        case .creator(let id):
            guard try await store.creators.find(id) != nil else { throw DomainError.notFound("creator") }
        case .organization:
            break
        }
    }

    /// One point per day of the window. Not found for a subject the organization does not have. The organization and
    /// an account read their levels (O(days)); a creator, its accounts' (O(accounts × days)); a video, its rollups.
    func series(_ subject: SeriesSubject, window: Window) async throws -> [SeriesPoint] {
        switch subject {
        case .account(let id):
            guard try await store.accounts.find(id) != nil else { throw DomainError.notFound("account") }
            return try await store.levels.levels(.account(id.description), from: window.startDay - 1, through: window.endDay)
                .series(window)
        case .organization:
            return try await store.levels.levels(.organization, from: window.startDay - 1, through: window.endDay).series(window)
        case .creator(let id):
            guard try await store.creators.find(id) != nil else { throw DomainError.notFound("creator") }
            var points: [SeriesPoint]?
            for accountID in try await store.accounts.ids(linkedTo: id) {
                let series = try await store.levels.levels(.account(accountID), from: window.startDay - 1, through: window.endDay)
                    .series(window)
                points = points.map { zip($0, series).map(Self.sum) } ?? series
            }
            return points ?? Levels(rows: []).series(window)
        case .video(let id, let source):
            let videos = try await rollups.videos(ids: [id.description], source: source)
            guard !videos.isEmpty else { throw DomainError.notFound("video") }
            var daily = [Counters](repeating: Counters(), count: window.days)
            let histories = try await rollups.histories(videos: videos, firstDay: window.startDay - 1, lastDay: window.endDay)
            for history in histories {
                let levels = history.levels(from: window.startDay - 1, through: window.endDay)
                for index in 0..<window.days { daily[index] = daily[index] + (levels[index + 1] - levels[index]) }
            }
            return (0..<window.days).map { SeriesPoint(day: window.startDay + $0, followers: nil, amounts: daily[$0]) }
        }
    }

    /// Two points of the same day added: amounts and followers, unknowns skipped.
    private static func sum(_ a: SeriesPoint, _ b: SeriesPoint) -> SeriesPoint {
        SeriesPoint(day: a.day, followers: WindowTotals.sum([a.followers, b.followers]), amounts: a.amounts + b.amounts)
    }

    /// The overview's figures for the window and the one before it: the organization's levels at three days.
    func overview(window: Window) async throws -> (current: OverviewFigures, previous: OverviewFigures) {
        let previousWindow = window.previous
        let levels = try await store.levels.levels(.organization, from: previousWindow.startDay - 1, through: window.endDay)
        func figures(_ w: Window) async throws -> OverviewFigures {
            let before = levels.at(w.startDay - 1), end = levels.at(w.endDay)
            let accounts = try await store.accounts.activeCount(addedBefore: UTCDay.start(w.endDay + 1))
            return OverviewFigures(amounts: Levels.amounts(from: before, to: end), activeAccounts: accounts,
                                   accountVideos: end[12], trackedVideos: end[13])
        }
        return (try await figures(window), try await figures(previousWindow))
    }

    /// A creator's totals over its linked accounts for the window and the one before it.
    func creatorAnalytics(_ id: CreatorID, window: Window) async throws
        -> (creator: Creator, accountCount: Int, current: WindowTotals, previous: WindowTotals) {
        guard let creator = try await store.creators.find(id) else { throw DomainError.notFound("creator") }
        let accounts = try await store.accounts.ids(linkedTo: id)
        return (creator, accounts.count, try await groupTotals(accountIDs: accounts, window: window),
                try await groupTotals(accountIDs: accounts, window: window.previous))
    }

    /// Creators ranked over the window.
    func topCreators(window: Window, order: CreatorRankingOrder, limit: Int) async throws -> [CreatorStanding] {
        let creators = try await store.creators.withAccountIDs()
        let totals = try await accountTotals(ids: creators.flatMap(\.accountIDs), window: window)
        let standings = creators.map { creator in
            CreatorStanding(id: creator.id, name: creator.name, accounts: creator.accountIDs.compactMap { totals[$0] })
        }
        return CreatorRanking.rank(standings, by: order, limit: limit)
    }
}
