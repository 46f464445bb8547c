// "There is new due work": a subject was added, resumed or rescheduled earlier. The collector sleeps until its
// next subject is due and is woken early by this signal instead of polling (docs/collection.md, "Refreshing"):
// in-process through `DueWorkSignal`, and on PostgreSQL through a notification every collector process LISTENs
// to. Sent after the change commits, so a woken collector finds the subject.
import Foundation
import NIOConcurrencyHelpers

/// An in-process wake-up: a counter that waiters watch.
public final class DueWorkSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Changes with every `notify`; read it before looking for due work, then `wait(since:)` it.
    public var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Wakes every waiter.
    public func notify() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when `notify` was called after `generation` was read, when `seconds` have passed, or when the task
    /// is cancelled — whichever comes first.
    public func wait(since generation: UInt64, seconds: Double) async {
        guard seconds > 0 else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000)) }
            group.addTask { await self.waitForNotify(since: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotify(since generation: UInt64) async {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

extension Database {
    /// Tells every collector — this process's and, on PostgreSQL, every other process's — that a subject may be
    /// due earlier than they think. Call after the change committed. Never fails the caller: a collector that
    /// misses it still finds the subject at its next scheduled look.
    public func dueWorkAdded() async {
        dueWork.notify()
        guard engine == .postgres else { return }
        do {
            try await read { db in try await db.raw("SELECT pg_notify(\(bind: self.dueWorkChannel), '')").run() }
        } catch {
            logger.debug("could not notify other collectors of due work", metadata: ["error": "\(type(of: error))"])
        }
    }
}
