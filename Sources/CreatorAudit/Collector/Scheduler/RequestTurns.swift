// The collector's platform requests in flight (`CollectorSettings.concurrency`; docs/collection.md, "Refreshing").
// A refresh holds a turn while it asks its source, not while its answer waits to be stored: the next request goes
// out as soon as an answer is in, and the writer stores the answers that came in meanwhile together
// (`RefreshCommits`). The collector keeps a bounded number of answers waiting — as many as it has turns, at least
// one full batch (`Collector.jobLimit`) — so a writer that cannot keep up slows the requests down instead of piling
// answers up.

/// Turns to ask a platform, at most `limit` at once in this collector.
final class RequestTurns: Sendable {
    private let slots: RequestSlots
    private let stopping: @Sendable () -> Bool

    /// `stopping`: true once the collector stops; a refresh still waiting for its turn then asks nothing.
    init(limit: Int, stopping: @escaping @Sendable () -> Bool = { false }) {
        slots = RequestSlots(limit: limit)
        self.stopping = stopping
    }

    /// Waits for a turn. False — and no turn held — when the collector is stopping or the task is cancelled
    /// meanwhile: the refresh has not started and its subjects are given back untouched.
    func begin() async -> Bool {
        await slots.acquire()
        if stopping() || Task.isCancelled {
            slots.release()
            return false
        }
        return true
    }

    /// Gives the turn back (after `begin` answered true).
    func end() { slots.release() }
}
