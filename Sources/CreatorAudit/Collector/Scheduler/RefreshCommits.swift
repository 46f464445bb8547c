// Group commit for account refreshes (docs/collection.md, "Refreshing": throughput). A refresh's platform answer arrives after
// tens of milliseconds of waiting; storing it is a transaction of some twenty statements, and on SQLite one writer
// at a time. Written one refresh per transaction, the writer's turn — not the platform — set the pace (BENCHMARKS.md,
// "Collector"). Here the refreshes that finish while a transaction is being written wait for it, then go together:
// one transaction per organization, each statement carrying every refresh's rows.
//
// No task of its own: the first refresh to find no write under way writes — its batch and then whatever arrived
// meanwhile — in its own task, so a stopping collector's cancellation reaches the database call as before. A waiting
// refresh that is cancelled leaves the queue at once, untouched (`released`).

/// Collects finished account refreshes and hands them to a writer in batches, one batch at a time.
actor RefreshCommits {
    struct Item: Sendable {
        var refresh: AccountRefresh
        var account: DueAccount
        var source: String
    }

    typealias Write = @Sendable ([Item]) async -> [RefreshResult]

    /// At most this many refreshes per batch: a transaction holds SQLite's writer (and, on PostgreSQL, the
    /// organization's level rows) while it runs, so an API write waits for at most one batch.
    static let maximumBatch = 32

    private struct Waiting {
        var ticket: UInt64
        var item: Item
        var answer: CheckedContinuation<RefreshResult, Never>
    }

    private var waiting: [Waiting] = []
    private var writing = false
    private var nextTicket: UInt64 = 0

    /// Stores `item` together with the refreshes finishing alongside it; returns what became of it.
    func store(_ item: Item, write: Write) async -> RefreshResult {
        if writing {
            nextTicket += 1
            let ticket = nextTicket
            return await withTaskCancellationHandler {
                await withCheckedContinuation { answer in
                    waiting.append(Waiting(ticket: ticket, item: item, answer: answer))
                }
            } onCancel: {
                Task { await self.withdraw(ticket) }
            }
        }
        writing = true
        var own: [Item]? = [item]
        var result = RefreshResult.released
        while own != nil || !waiting.isEmpty {
            let others = Array(waiting.prefix(Self.maximumBatch - (own == nil ? 0 : 1)))
            waiting.removeFirst(others.count)
            let results = await write((own ?? []) + others.map(\.item))
            if own != nil { result = results[0] }
            for (entry, answer) in zip(others, results.dropFirst(own == nil ? 0 : 1)) {
                entry.answer.resume(returning: answer)
            }
            own = nil
            if Task.isCancelled { break }
        }
        // Stopping: whatever still waits is given back untouched.
        for entry in waiting { entry.answer.resume(returning: .released) }
        waiting.removeAll()
        writing = false
        return result
    }

    private func withdraw(_ ticket: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.ticket == ticket }) else { return }
        waiting.remove(at: index).answer.resume(returning: .released)
    }
}
