// One refresh, from the platform's answer to the database (docs/architecture.md, "The way of a refresh"). The
// source is asked outside any transaction; what it answered is stored through the subject's own organization's
// `TenantStore` in ONE transaction that first ends this worker's claim — so a refresh whose claim was lost (lease
// expired and taken over, subject deleted) stores nothing, and the snapshots, the rollups, the latest counters,
// the organization's daily amounts and the subject's schedule never disagree. Account refreshes of one organization
// that finish together share that transaction (`RefreshCommits`, group commit).
//
// Failures (docs/collection.md, "Failures"): the subject's own (`isUnavailable`, `isRetryable`) are counted and
// back off; a platform-wide stop (`isPlatformWide`) only makes the subject wait. A failure never writes counters,
// so the last good values stay.
import Foundation
import Logging

/// What became of one subject.
public enum RefreshResult: Sendable, Equatable {
    case refreshed
    case retrying
    case unavailable
    /// Waiting for its platform (paused, or source failing).
    case deferred
    /// Given back untouched (the collector stopped).
    case released
    /// The claim was no longer this worker's: nothing stored.
    case lost
}

struct Refresher: Sendable {
    let database: Database
    let owner: String
    let schedule: RetrySchedule
    let clock: any CollectorClock
    let logger: Logger
    /// Finished account refreshes waiting for the transaction that stores them (group commit).
    let commits = RefreshCommits()
    /// Turns to ask a platform: held for the source call only, not while the answer is stored (`RequestTurns`).
    var turns = RequestTurns(limit: CollectorSettings().concurrency)

    /// The claim ended elsewhere (lease taken over, subject deleted): the transaction rolls back.
    private struct ClaimLost: Error {}

    // MARK: Accounts

    /// Refreshes accounts of one platform with one source call (TikTok answers several accounts per query).
    func refresh(_ accounts: [DueAccount], platform: Platform, with source: any PlatformSource) async -> [RefreshResult]
    {
        guard !accounts.isEmpty else { return [] }
        var answers: [Result<AccountRefresh, any Error>]
        if await turns.begin() {
            answers = await ask(source, about: accounts, platform: platform)
            turns.end()
        } else {
            // Not started (the collector is stopping): given back untouched.
            answers = accounts.map { _ in .failure(CancellationError()) }
        }
        var results: [RefreshResult] = []
        for (account, answer) in zip(accounts, answers) {
            switch answer {
            case .success(let refresh):
                results.append(await store(refresh, of: account, source: source.name))
            case .failure(let error):
                results.append(
                    await fail(
                        .account(account.id), organization: account.organizationID,
                        failures: account.consecutiveFailures, error: error, source: source.name))
            }
        }
        return results
    }

    /// The source's answer for each account (one call; TikTok answers several accounts per query).
    private func ask(_ source: any PlatformSource, about accounts: [DueAccount], platform: Platform) async
        -> [Result<AccountRefresh, any Error>]
    {
        var answers: [Result<AccountRefresh, any Error>]
        do {
            if accounts.count == 1, let account = accounts.first {
                do {
                    answers = [
                        .success(
                            try await source.refreshAccount(
                                platform: platform, username: account.username, limits: account.limits))
                    ]
                } catch let error as PlatformSourceError where !error.isPlatformWide {
                    answers = [.failure(error)]
                }
            } else {
                let outcomes = try await source.refreshAccounts(
                    platform: platform, accounts.map { AccountRequest(username: $0.username, limits: $0.limits) })
                answers = accounts.indices.map { index in
                    guard index < outcomes.count else {
                        return .failure(PlatformSourceError.upstream("the source gave no answer for this account"))
                    }
                    return outcomes[index].result.mapError { $0 as any Error }
                }
            }
        } catch {
            // A platform-wide stop, a cancellation or something unexpected: the same for every account asked.
            answers = accounts.map { _ in .failure(error) }
        }
        return answers
    }

    /// Stores an account's refresh together with the refreshes finishing alongside it (`RefreshCommits`).
    private func store(_ refresh: AccountRefresh, of account: DueAccount, source: String) async -> RefreshResult {
        await commits.store(RefreshCommits.Item(refresh: refresh, account: account, source: source)) { items in
            await self.store(items)
        }
    }

    /// Stores a batch of refreshes: one transaction per organization. A transaction that fails is tried again one
    /// refresh per transaction, so one refresh that cannot be stored costs the others nothing.
    func store(_ items: [RefreshCommits.Item]) async -> [RefreshResult] {
        var results = [RefreshResult](repeating: .released, count: items.count)
        var groups: [OrganizationID: [Int]] = [:]
        var order: [OrganizationID] = []
        for index in items.indices {
            let organization = items[index].account.organizationID
            if groups[organization] == nil { order.append(organization) }
            groups[organization, default: []].append(index)
        }
        for organization in order {
            let indices = groups[organization]!
            let group = indices.map { items[$0] }
            do {
                for (index, result) in zip(indices, try await storeTogether(group, organization: organization)) {
                    results[index] = result
                }
            } catch {
                let alone = group.count > 1 && !(error is CancellationError || Task.isCancelled)
                for index in indices {
                    let item = items[index]
                    var failure = error
                    if alone {
                        do {
                            results[index] = try await storeTogether([item], organization: organization)[0]
                            continue
                        } catch let own {
                            failure = own  // this refresh's own reason, not the batch's
                        }
                    }
                    results[index] = await fail(
                        .account(item.account.id), organization: organization,
                        failures: item.account.consecutiveFailures, error: failure, source: item.source)
                }
            }
        }
        return results
    }

    /// Stores refreshes of one organization's accounts in one transaction that first ends each one's claim: a
    /// refresh whose claim was lost (`.lost`) stores nothing; the others are `.refreshed`.
    private func storeTogether(_ items: [RefreshCommits.Item], organization: OrganizationID) async throws
        -> [RefreshResult]
    {
        let tenant = database.tenant(organization)
        let now = clock.timestamp
        let nexts = items.map { item in
            schedule.nextRefresh(
                after: item.refresh.observedAt, intervalHours: item.account.scrapeIntervalHours,
                random: .random(in: 0..<1))
        }
        let owner = owner
        // `.collected`: a refresh a power loss undoes is due again and refreshed again (CommitDurability).
        let results = try await tenant.write(durability: .collected) { db -> [RefreshResult] in
            let collection = tenant.collection
            // Every claim ended in one statement; set-based statements below too (one per batch, not per account).
            let settled = try await collection.settleRefreshed(
                accounts: items.indices.map { (items[$0].account.id, nexts[$0]) }, owner: owner, at: now, in: db)
            let live = items.indices.filter { settled.contains(items[$0].account.id.description) }
            let results = items.map { settled.contains($0.account.id.description) ? RefreshResult.refreshed : .lost }
            guard !live.isEmpty else { return results }
            // Posts already known, per platform (a post may have been discovered on another tracked account: a
            // collaboration — also within this batch).
            var known: [Platform: [String: VideoID]] = [:]
            for platform in Set(live.map { items[$0].account.platform }) {
                var externalIDs = Set<String>()
                for index in live where items[index].account.platform == platform {
                    for post in items[index].refresh.posts { externalIDs.insert(post.externalID) }
                }
                known[platform] = try await collection.discoveredVideos(
                    platform: platform, externalIDs: externalIDs.sorted(), in: db)
            }
            // The levels are written last: concurrent refreshes of one organization queue on the organization's
            // level rows until they commit (SnapshotWriter, `addingLevelChangesTo`).
            var levelChanges = LevelChanges()
            var accountSnapshots: [AccountSnapshot] = []
            var videoSnapshots: [VideoSnapshot] = []
            var discovered: [Video] = []
            var seen: [[VideoID]] = []
            var inserted: [String: VideoRef] = [:]
            try await collection.recordProfiles(
                live.map { (items[$0].account.id, items[$0].refresh.profile, items[$0].source) }, in: db)
            for index in live {
                let (refresh, account, source) = (items[index].refresh, items[index].account, items[index].source)
                var seenExternalIDs = Set<String>()
                var ids: [VideoID] = []
                for post in refresh.posts where seenExternalIDs.insert(post.externalID).inserted {
                    let videoID: VideoID
                    if let existing = known[account.platform]?[post.externalID] {
                        videoID = existing
                    } else {
                        var video = Self.discovered(post, on: account, source: source, now: now)
                        // Inserted with what its snapshot and the schedule below would write on it (one row
                        // version; SnapshotWriter.VideoSchedule.inserted).
                        video.counters = post.counters
                        video.firstScrapeTime = refresh.observedAt
                        video.lastScrapeTime = refresh.observedAt
                        video.collection = CollectionState(nextRefreshAt: nexts[index], lastAttemptAt: now, outcome: .ok)
                        inserted[video.id.description] = video.ref
                        discovered.append(video)
                        known[account.platform, default: [:]][post.externalID] = video.id
                        videoID = video.id
                    }
                    ids.append(videoID)
                    videoSnapshots.append(
                        VideoSnapshot(videoID: videoID, observedAt: refresh.observedAt, counters: post.counters))
                }
                seen.append(ids)
                let profile = refresh.profile
                accountSnapshots.append(
                    AccountSnapshot(
                        accountID: account.id, observedAt: refresh.observedAt, followerCount: profile.followerCount,
                        followingCount: profile.followingCount, profilePostCount: profile.profilePostCount))
            }
            try await tenant.videos.insert(discovered, countingInto: &levelChanges, in: db)
            try await tenant.snapshots.write(
                accounts: accountSnapshots, refreshLatest: true, addingLevelChangesTo: &levelChanges, in: db)
            // The seen posts are due again with their account: recorded with their latest counters where possible.
            var schedule = SnapshotWriter.VideoSchedule(at: now, next: [:], inserted: inserted)
            for (index, ids) in zip(live, seen) {
                for id in ids { schedule.next[id.description] = nexts[index] }
            }
            var recorded = Set<String>()
            if !videoSnapshots.isEmpty {
                recorded = try await tenant.snapshots.write(
                    videos: videoSnapshots, refreshLatest: true, addingLevelChangesTo: &levelChanges,
                    schedule: schedule, in: db
                ).scheduled
            }
            try await collection.recordDiscoveredVideos(
                zip(live, seen).map { (items[$0].account.id, $1, nexts[$0]) }, at: now, recorded: recorded, in: db)
            try await tenant.levels.apply(levelChanges, in: db)
            return results
        }
        for (item, result) in zip(items, results) where result == .refreshed {
            logger.debug(
                "account refreshed",
                metadata: [
                    "account_id": "\(item.account.id)", "organization_id": "\(organization)",
                    "posts": "\(item.refresh.posts.count)",
                ])
        }
        return results
    }

    /// A post first seen on a tracked account becomes one of its discovered videos.
    static func discovered(_ post: PlatformPost, on account: DueAccount, source: String, now: Timestamp) -> Video {
        var video = Video.new(
            organizationID: account.organizationID, platform: account.platform, source: .account,
            externalID: post.externalID, url: post.url, now: now)
        video.shortcode = post.shortcode
        video.accountID = account.id
        video.accountUsername = account.username
        video.description = post.caption
        video.createTime = post.createTime
        video.mediaType = post.mediaType
        video.duration = post.duration
        video.coverImageURL = post.coverImageURL
        video.scrapeIntervalHours = account.scrapeIntervalHours
        video.dataSource = source
        return video
    }

    // MARK: Videos

    func refresh(_ video: DueVideo, with source: any PlatformSource) async -> RefreshResult {
        let answer: VideoRefresh
        do {
            guard await turns.begin() else { throw CancellationError() }  // not started: given back untouched
            defer { turns.end() }
            answer = try await source.refreshVideo(
                platform: video.platform, externalID: video.externalID, ownerUsername: video.ownerUsername)
        } catch {
            return await fail(
                .video(video.id), organization: video.organizationID,
                failures: video.consecutiveFailures, error: error, source: source.name)
        }
        let tenant = database.tenant(video.organizationID)
        let now = clock.timestamp
        let next = schedule.nextRefresh(
            after: answer.observedAt, intervalHours: video.scrapeIntervalHours, random: .random(in: 0..<1))
        let owner = owner
        do {
            try await tenant.write(durability: .collected) { db in
                guard
                    try await tenant.collection.settle(
                        .video(video.id), owner: owner,
                        .refreshed(at: now, next: next), in: db)
                else { throw ClaimLost() }
                try await tenant.collection.recordVideoDetails(
                    video.id, answer.post, source: source.name, at: now, in: db)
                try await tenant.snapshots.write(
                    videos: [
                        VideoSnapshot(videoID: video.id, observedAt: answer.observedAt, counters: answer.post.counters)
                    ],
                    in: db)
            }
            return .refreshed
        } catch is ClaimLost {
            return .lost
        } catch {
            return await fail(
                .video(video.id), organization: video.organizationID,
                failures: video.consecutiveFailures, error: error, source: source.name)
        }
    }

    // MARK: Failures

    /// Records why a subject was not refreshed, in a transaction of its own (nothing of a refresh was stored).
    private func fail(
        _ subject: CollectedSubject, organization: OrganizationID, failures: Int, error: any Error, source: String
    ) async -> RefreshResult {
        let now = clock.timestamp
        let record: AttemptRecord
        let result: RefreshResult
        let random = Double.random(in: 0..<1)
        switch error {
        case _ where error is CancellationError || Task.isCancelled:
            // The collector is stopping (whatever the cancelled request threw): given back untouched.
            record = .released
            result = .released
        case let error as PlatformSourceError where error.isPlatformWide:
            let wait = schedule.deferralSeconds(retryAfter: error.retryAfter, random: random)
            record = .deferred(
                next: now.adding(seconds: wait), sourceFailing: error.isSourceFailing ? error.reason : nil)
            result = .deferred
        case let error as PlatformSourceError where error.isUnavailable:
            let wait = schedule.backoffSeconds(failures: failures + 1, random: random)
            record = .failed(.unavailable, reason: error.reason, at: now, next: now.adding(seconds: wait))
            result = .unavailable
        case let error as PlatformSourceError:
            let wait = schedule.backoffSeconds(failures: failures + 1, random: random)
            record = .failed(.retrying, reason: error.reason, at: now, next: now.adding(seconds: wait))
            result = .retrying
        default:
            // Not the platform's answer (most likely the database): logged in full here, shown short to clients.
            logger.warning(
                "refresh could not be stored; it will be retried",
                metadata: [
                    "subject": "\(subject.table) \(subject.id)", "organization_id": "\(organization)",
                    "error": "\(String(describing: error).prefix(300))",
                ])
            let wait = schedule.backoffSeconds(failures: failures + 1, random: random)
            record = .failed(
                .retrying, reason: "the refresh could not be stored", at: now, next: now.adding(seconds: wait))
            result = .retrying
        }
        if result != .released {
            logger.debug(
                "refresh not done",
                metadata: [
                    "subject": "\(subject.table) \(subject.id)", "result": "\(result)", "source": "\(source)",
                    "reason": "\((error as? PlatformSourceError)?.reason ?? "\(type(of: error))")",
                ])
        }
        // In a task of its own: a stopping collector's cancelled refresh must still give its claim back.
        let tenant = database.tenant(organization)
        let owner = owner
        let settled = await Task {
            try await tenant.write(durability: .collected) { db in
                try await tenant.collection.settle(subject, owner: owner, record, in: db)
            }
        }.result
        switch settled {
        case .success(true): return result
        case .success(false): return .lost
        case .failure(let error):
            logger.warning(
                "could not record a refresh's outcome; the claim expires with its lease",
                metadata: [
                    "subject": "\(subject.table) \(subject.id)", "error": "\(String(describing: error).prefix(300))",
                ])
            return result
        }
    }
}
