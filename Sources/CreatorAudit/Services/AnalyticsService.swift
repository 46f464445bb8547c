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

    /// Per-account totals (amounts over their videos, followers) for the organization's accounts among `ids`.
    func accountTotals(ids: [String], window: Window) async throws -> [String: WindowTotals] {
        try await accountFigures(ids: ids, window: window).mapValues(\.totals)
    }

    /// Per-account totals, and how many of each account's videos were published by the window's end (the
    /// dashboard's views per video), for the organization's accounts among `ids`.
    func accountFigures(ids: [String], window: Window) async throws -> [String: AccountFigures] {
        let accountIDs = Array(try await store.accounts.existing(ids))
        guard !accountIDs.isEmpty else { return [:] }
        let videos = try await rollups.videos(accountIDs: accountIDs, includeIndividual: false)
        let histories = try await rollups.endpointHistories(videos: videos, days: [window.startDay - 1, window.endDay])
        let accountOf = Dictionary(videos.map { ($0.id, $0.accountID) }, uniquingKeysWith: { a, _ in a })
        var sums: [String: Counters] = [:]
        for history in histories {
            guard let accountID = accountOf[history.videoID] ?? nil else { continue }
            sums[accountID] = (sums[accountID] ?? Counters()) + WindowTotals.amounts(history, window: window)
        }
        var published: [String: Int] = [:]
        for video in videos where video.publicationDay.map({ $0 <= window.endDay }) ?? true {
            if let accountID = video.accountID { published[accountID, default: 0] += 1 }
        }
        let followers = try await rollups.followerHistories(accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
        var result: [String: AccountFigures] = [:]
        for history in followers {
            let (count, change) = WindowTotals.followers(history, window: window)
            let totals = WindowTotals(amounts: WindowTotals.zeroIfEmpty(sums[history.accountID]),
                                      followerCount: count, followerChange: change)
            result[history.accountID] = AccountFigures(totals: totals, videos: published[history.accountID] ?? 0)
        }
        return result
    }

    /// Totals of a group of accounts as one (a creator): the sum over their videos, followers summed.
    func groupTotals(accountIDs: [String], window: Window) async throws -> WindowTotals {
        let videos = try await rollups.videos(accountIDs: accountIDs, includeIndividual: false)
        let histories = try await rollups.endpointHistories(videos: videos, days: [window.startDay - 1, window.endDay])
        var sum = Counters()
        for history in histories { sum = sum + WindowTotals.amounts(history, window: window) }
        let followers = try await rollups.followerHistories(accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
        let levels = followers.map { WindowTotals.followers($0, window: window) }
        return WindowTotals(amounts: sum, followerCount: WindowTotals.sum(levels.map(\.count)),
                            followerChange: WindowTotals.sum(levels.map(\.change)))
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

    /// One point per day of the window. Not found for a subject the organization does not have.
    func series(_ subject: SeriesSubject, window: Window) async throws -> [SeriesPoint] {
        var daily = [Counters](repeating: Counters(), count: window.days)
        let accountIDs: [String]
        switch subject {
        case .account(let id):
            guard try await store.accounts.find(id) != nil else { throw DomainError.notFound("account") }
            accountIDs = [id.description]
        case .video(let id, let source):
            let videos = try await rollups.videos(ids: [id.description], source: source)
            guard !videos.isEmpty else { throw DomainError.notFound("video") }
            try await addDailyAmounts(of: videos, window: window, into: &daily)
            return points(daily: daily, followers: [Int64?](repeating: nil, count: window.days), window: window)
        case .creator(let id):
            guard try await store.creators.find(id) != nil else { throw DomainError.notFound("creator") }
            accountIDs = try await store.accounts.ids(linkedTo: id)
        case .organization:
            accountIDs = try await store.accounts.ids(linkedTo: nil)
        }
        if subject == .organization {
            // The organization's daily amounts: one row per day, whatever the number of videos.
            daily = try await store.organizationDaily.series(from: window.startDay, through: window.endDay)
        } else {
            try await addDailyAmounts(of: try await rollups.videos(accountIDs: accountIDs, includeIndividual: false),
                                      window: window, into: &daily)
        }
        var followers = [Int64?](repeating: nil, count: window.days)
        let histories = try await rollups.followerHistories(accountIDs: accountIDs, firstDay: window.startDay - 1, lastDay: window.endDay)
        for history in histories {
            for (index, level) in history.levels(from: window.startDay, through: window.endDay).enumerated() {
                if let level { followers[index] = (followers[index] ?? 0) + level }
            }
        }
        return points(daily: daily, followers: followers, window: window)
    }

    private func addDailyAmounts(of videos: [VideoRef], window: Window, into daily: inout [Counters]) async throws {
        let histories = try await rollups.histories(videos: videos, firstDay: window.startDay - 1, lastDay: window.endDay)
        for history in histories {
            let levels = history.levels(from: window.startDay - 1, through: window.endDay)
            for index in 0..<window.days { daily[index] = daily[index] + (levels[index + 1] - levels[index]) }
        }
    }

    private func points(daily: [Counters], followers: [Int64?], window: Window) -> [SeriesPoint] {
        (0..<window.days).map { SeriesPoint(day: window.startDay + $0, followers: followers[$0], amounts: daily[$0]) }
    }

    /// The overview's figures for the window and the one before it.
    func overview(window: Window) async throws -> (current: OverviewFigures, previous: OverviewFigures) {
        let previousWindow = window.previous
        let daily = try await store.organizationDaily.series(from: previousWindow.startDay, through: window.endDay)
        func figures(_ w: Window) async throws -> OverviewFigures {
            let accounts = try await store.accounts.activeCount(addedBefore: UTCDay.start(w.endDay + 1))
            let videos = try await store.organizationDaily.videoCounts(through: w.endDay)
            let offset = w.startDay - previousWindow.startDay
            return OverviewFigures(daily: daily[offset..<(offset + w.days)], activeAccounts: accounts,
                                   accountVideos: videos.account, trackedVideos: videos.tracked)
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
